"""The actor and agreement directories in Chromium: the find box narrows the rows as one types.

Console errors fail the test (see the `page` fixture); screenshots go to artifacts/.
"""

import pytest
from playwright.sync_api import expect

from briefings.actors.models import Actor
from tests.conftest import screenshot
from tests.factories import ActorFactory, AgreementFactory, PersonFactory
from tests.site.test_browser_reader import no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory():
    PersonFactory(name="António Costa", slug="antonio-costa")
    PersonFactory(name="Mark Carney", slug="mark-carney")
    ActorFactory(name="Canada", slug="canada", kind=Actor.Kind.STATE)
    ActorFactory(name="Portugal", slug="portugal", kind=Actor.Kind.STATE)
    ActorFactory(name="Germany", slug="germany", kind=Actor.Kind.STATE)
    AgreementFactory(
        title="Comprehensive Economic and Trade Agreement", short_name="CETA", slug="ceta"
    )
    AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    AgreementFactory(title="Paris Agreement", slug="paris")


@pytest.mark.parametrize("width", [1280, 360])
def test_finding_an_actor(live_server, page, directory, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/actors/")
    actors = page.locator("#actors-directory li")
    states = page.locator("#kind-state")
    count = page.locator("[aria-live=polite]")
    find = page.get_by_role("searchbox", name="Find an actor")
    expect(actors).to_have_count(5)
    expect(page.get_by_role("heading", name="States (3)")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, f"directory-actors-{width}")

    find.fill("antonio")
    expect(actors.filter(visible=True)).to_have_count(1)
    expect(page.get_by_role("link", name="António Costa")).to_be_visible()
    expect(states).to_be_hidden()
    expect(page.get_by_role("navigation", name="Actors by kind").get_by_role("link")).to_have_text(
        ["People"]
    )
    expect(count).to_have_text("1 of 5 shown")
    no_horizontal_scroll(page)
    screenshot(page, f"directory-actors-antonio-{width}")

    find.fill("zzz")
    expect(actors.filter(visible=True)).to_have_count(0)
    expect(page.get_by_text("No actor matches.")).to_be_visible()
    expect(count).to_have_text("0 of 5 shown")

    find.fill("")
    expect(actors.filter(visible=True)).to_have_count(5)
    expect(states).to_be_visible()
    expect(page.get_by_text("No actor matches.")).to_be_hidden()
    expect(count).to_have_text("")


def test_every_word_counts_and_the_jump_nav_leads_to_its_section(live_server, page, directory):
    page.goto(live_server.url + "/en/actors/")
    find = page.get_by_role("searchbox", name="Find an actor")

    find.fill("COSTA  antónio")
    expect(page.locator("#actors-directory li").filter(visible=True)).to_have_text(
        ["António Costa"]
    )
    find.fill("costa canada")
    expect(page.get_by_text("No actor matches.")).to_be_visible()

    find.fill("")
    page.get_by_role("navigation", name="Actors by kind").get_by_role("link", name="People").click()
    expect(page).to_have_url(live_server.url + "/en/actors/#kind-person")
    expect(page.get_by_role("region", name="People (2)")).to_be_in_viewport()


@pytest.mark.parametrize("width", [1280, 360])
def test_finding_an_agreement(live_server, page, directory, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/agreements/")
    rows = page.locator("#agreements-directory tbody tr")
    find = page.get_by_role("searchbox", name="Find an agreement")
    expect(rows).to_have_count(3)

    find.fill("ceta")
    expect(rows.filter(visible=True)).to_have_count(1)
    expect(rows.filter(visible=True)).to_contain_text("Comprehensive Economic and Trade Agreement")
    expect(page.locator("[aria-live=polite]")).to_have_text("1 of 3 shown")
    no_horizontal_scroll(page)
    screenshot(page, f"directory-agreements-ceta-{width}")

    find.fill("zzz")
    expect(page.get_by_text("No agreement matches.")).to_be_visible()
    find.fill("")
    expect(rows.filter(visible=True)).to_have_count(3)


def test_without_javascript_the_whole_directory_shows(live_server, browser, directory):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/actors/")
        expect(page.locator("[data-directory-tools]")).to_be_hidden()
        expect(page.locator("#actors-directory li").filter(visible=True)).to_have_count(5)

        page.goto(live_server.url + "/en/agreements/")
        expect(page.locator("[data-directory-tools]")).to_be_hidden()
        rows = page.locator("#agreements-directory tbody tr")
        expect(rows.filter(visible=True)).to_have_count(3)
    finally:
        context.close()
