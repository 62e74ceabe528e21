"""A reader in Chromium: home → briefing → agreement → actor → search, on desktop and at 360px.

Console errors fail the test (see the `page` fixture); screenshots go to artifacts/.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from briefings.agreements.models import PartyAction
from tests.conftest import screenshot
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    CorrectionFactory,
    EventFactory,
    KeyFigureFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
    PersonFactory,
    UserFactory,
    add_byline,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = datetime.date(2016, 10, 30)


@pytest.fixture
def dossier():
    costa = PersonFactory(
        name="António Costa", slug="antonio-costa", summary="President of the European Council."
    )
    canada = ActorFactory(name="Canada", slug="canada", iso_alpha2="CA")
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        slug="ceta",
        kind="trade",
        status="provisional",
        signed_on=SIGNED,
        provisionally_applied_on=datetime.date(2017, 9, 21),
    )
    for name, date in [
        ("Latvia", datetime.date(2017, 3, 9)),
        ("Germany", datetime.date(2023, 8, 9)),
    ]:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, date=SIGNED)
        PartyActionFactory(party=party, kind=PartyAction.Kind.RATIFICATION, date=date)
    for name in ["France", "Italy", "Belgium"]:
        PartyActionFactory(
            party=PartyFactory(agreement=ceta, actor=ActorFactory(name=name)), date=SIGNED
        )
    pact = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    summit = EventFactory(
        title="EU–Canada summit", slug="summit", start_date=datetime.date(2025, 6, 23)
    )
    ParticipationFactory(event=summit, actor=costa, role="host")
    visit = EventFactory(
        title="Visit to the Schoonselhof military cemetery",
        slug="schoonselhof",
        kind="commemoration",
        start_date=datetime.date(2025, 6, 22),
        place_name="Antwerp",
    )
    briefing = BriefingFactory(
        headline="Canada and the EU sign a security and defence partnership",
        slug="pact-signed",
        dek="The first such framework with a country in the Americas.",
        body="Costa said the two sides see the world *through the same lens*.",
        tags=["defence", "transatlantic"],
        publish_at=datetime.datetime(2025, 6, 23, 12, 0, tzinfo=datetime.UTC),
    )
    add_byline(briefing, UserFactory(first_name="Ana", last_name="Ferreira", password=None))
    briefing.actors.add(costa, canada)
    briefing.agreements.add(pact, ceta)
    briefing.events.add(summit)
    KeyFigureFactory(briefing=briefing, label="SAFE fund", value="€150 billion")
    commemoration = BriefingFactory(
        headline="At Schoonselhof, Carney honours Canada's war dead",
        slug="schoonselhof-visit",
        body="A wreath at the Schoonselhof cemetery, where 348 Canadian soldiers lie.",
        publish_at=datetime.datetime(2025, 6, 22, 15, 0, tzinfo=datetime.UTC),
        tags=["commemoration"],
    )
    commemoration.events.add(visit)
    return briefing


def no_horizontal_scroll(page):
    """The page fits the window; what scrolls sideways within it (a wide table) can be reached
    and scrolled from the keyboard, and is announced by name."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width}px wide in a {viewport}px window"
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.scrollWidth > el.clientWidth
                && ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
            .filter((el) => el.tabIndex < 0 || el.getAttribute("role") !== "region"
                || !(el.getAttribute("aria-labelledby") || el.getAttribute("aria-label")))
            .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert not unreachable, f"scrolls sideways but not from the keyboard: {unreachable}"


@pytest.mark.parametrize("width", [1280, 360])
def test_reader_walks_the_dossier(live_server, page, dossier, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/")

    expect(page).to_have_title(re.compile("Briefing Desk"))
    expect(page.get_by_role("heading", name="Latest briefings")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, f"reader-home-{width}")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()

    page.get_by_role(
        "link", name="Canada and the EU sign a security and defence partnership"
    ).first.click()
    expect(page).to_have_url(re.compile("/en/briefings/pact-signed/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Canada and the EU sign a security and defence partnership"
    )
    expect(page.get_by_text("Ana Ferreira")).to_be_visible()
    expect(page.get_by_text("23 June 2025, 14:00 CEST")).to_be_visible()
    expect(page.locator(".key-figures")).to_contain_text("€150 billion")
    no_horizontal_scroll(page)
    screenshot(page, f"reader-briefing-{width}")

    page.locator(".linked").get_by_role(
        "link", name="Comprehensive Economic and Trade Agreement"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Comprehensive Economic and Trade Agreement"
    )
    bound = page.locator("#parties-bound")
    expect(bound.locator("tbody tr")).to_have_count(2)
    expect(bound.locator("tbody tr").first).to_contain_text("Latvia")
    expect(bound.locator("tbody tr").first).to_contain_text("9 March 2017")
    expect(page.locator("#parties-signed tbody tr")).to_have_count(3)
    expect(page.locator("#parties-signed")).to_contain_text("France")
    facts = page.get_by_role("heading", name="Key facts").bounding_box()
    parties = page.get_by_role("heading", name="Parties (5)").bounding_box()
    if width < 900:  # one column: the status and dates before a table of every party
        assert facts["y"] < parties["y"]
    else:  # beside the parties, at the top
        assert facts["x"] > parties["x"] + parties["width"] and abs(facts["y"] - parties["y"]) < 5
    no_horizontal_scroll(page)
    screenshot(page, f"reader-agreement-{width}")

    page.go_back()
    page.locator(".linked").get_by_role("link", name="António Costa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("António Costa")
    expect(page.locator(".timeline")).to_contain_text("EU–Canada summit")
    no_horizontal_scroll(page)
    screenshot(page, f"reader-actor-{width}")

    search = page.get_by_role("searchbox", name="Search the briefings")
    search.fill("schoonselhof")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?q=schoonselhof"))
    result = page.locator(".results li").first
    expect(result).to_contain_text("At Schoonselhof, Carney honours Canada's war dead")
    expect(result.locator("mark").first).to_have_text(re.compile("Schoonselhof", re.I))
    expect(
        page.get_by_role("link", name="Visit to the Schoonselhof military cemetery")
    ).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, f"reader-search-{width}")

    page.goto(live_server.url + "/en/search/?q=Antonio")
    expect(page.locator(".results li")).to_have_count(1)
    expect(page.get_by_role("link", name="António Costa")).to_be_visible()


def test_feed_link_of_a_tag(live_server, page, dossier):
    page.goto(live_server.url + "/en/tags/defence/")
    feed = page.locator(
        'link[rel="alternate"][type="application/rss+xml"][href="/en/tags/defence/rss/"]'
    )
    expect(feed).to_have_count(1)

    response = page.request.get(live_server.url + "/en/tags/defence/rss/")
    assert response.ok
    assert "Canada and the EU sign a security and defence partnership" in response.text()


XSS = '<script>alert("headline")</script><img src=x onerror=alert("img")>'


def test_hostile_content_stays_inert_in_the_browser(live_server, page):
    briefing = BriefingFactory(
        slug="hostile",
        headline=f"Hostile {XSS}",
        dek=XSS,
        body=f"{XSS}\n\n[click](javascript:alert('link'))",
        tags=[f"tag{XSS}"],
    )
    KeyFigureFactory(briefing=briefing, label=XSS, value="€1", unit="<img src=x onerror=alert(2)>")
    CorrectionFactory(briefing=briefing, text=XSS)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in ["/en/briefings/hostile/", "/en/", "/en/briefings/", "/en/search/?q=hostile"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")

    page.goto(live_server.url + "/en/briefings/hostile/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hostile {XSS}")
    expect(page.locator(".key-figures")).to_contain_text(XSS)
    expect(page.locator(".corrections")).to_contain_text(XSS)
    assert page.locator("main img").count() == 0
    assert page.locator('main a[href^="javascript:"]').count() == 0
    assert dialogs == []


def test_print_stylesheet_keeps_only_the_briefing(live_server, page, dossier):
    page.goto(live_server.url + "/en/briefings/pact-signed/")
    page.emulate_media(media="print")

    expect(page.locator(".masthead")).to_be_hidden()
    expect(page.locator(".subscribe-box")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".key-figures")).to_be_visible()
