"""The Content-Security-Policy holds in a real browser: no page of ours trips it.

Every page is opened in Chromium with a `securitypolicyviolation` listener installed before any
script runs; a violation, or the console error Chromium logs for one, fails the test (the
`page` fixture fails on any console error). A control first shows the listener catches one.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.digests.factories import SubscriberFactory
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    DraftFactory,
    EventFactory,
    PartyFactory,
    PersonFactory,
    editor,
)
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI} ${location.pathname}`);
});
"""


def violations(page):
    return page.evaluate("window.__violations")


def visit(page, url):
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    page.wait_for_load_state("load")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return violations(page)


@pytest.fixture
def dossier():
    canada = ActorFactory(name="Canada", slug="canada", iso_alpha2="CA")
    costa = PersonFactory(name="António Costa", slug="antonio-costa")
    pact = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    PartyFactory(agreement=pact, actor=canada)
    summit = EventFactory(title="EU–Canada summit", slug="summit")
    briefing = BriefingFactory(
        headline="Canada and the EU sign a security and defence partnership",
        slug="pact-signed",
        body="Costa said the two sides see the world *through the same lens*.",
        tags=["defence"],
    )
    briefing.actors.add(canada, costa)
    briefing.agreements.add(pact)
    briefing.events.add(summit)
    return briefing


def test_the_listener_catches_an_inline_script(live_server, page):
    page.add_init_script(LISTEN)
    page.goto(live_server.url + "/en/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.ran") is None
    assert violations(page)[0].startswith("script-src-elem inline")
    page.console_errors[:] = [e for e in page.console_errors if "Content Security" not in e]


def test_public_pages_trip_no_policy(live_server, page, dossier):
    page.add_init_script(LISTEN)
    subscriber = SubscriberFactory()
    base = live_server.url
    pages = [
        "/en/",
        "/en/briefings/",
        "/en/briefings/pact-signed/",
        "/en/tags/",
        "/en/tags/defence/",
        "/en/actors/",
        "/en/actors/canada/",
        "/en/agreements/",
        "/en/agreements/pact/",
        "/en/events/",
        "/en/events/summit/",
        "/en/search/?q=canada",
        "/en/subscribe/",
        subscriber.get_absolute_url(),
    ]
    for url in pages:
        assert visit(page, base + url) == [], url
    # The briefing's JSON-LD is an inline <script> the policy leaves alone: a data block.
    page.goto(base + "/en/briefings/pact-signed/")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    # The directory filter and the follow choices run from static files under the policy.
    page.goto(base + "/en/subscribe/")
    page.get_by_label("Only what I choose").check()
    page.goto(base + "/this-page-does-not-exist/")
    assert violations(page) == []
    # Chromium logs the 404 status itself as a console error; nothing else may be there.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    page.console_errors.clear()


def test_admin_pages_trip_no_policy(live_server, page, dossier):
    page.add_init_script(LISTEN)
    # A superuser: editors do not see subscribers.
    boss = editor(username="csp-chief", is_superuser=True)
    draft = DraftFactory(headline="Draft on the pact", tags=["defence"])
    subscriber = SubscriberFactory()
    base = live_server.url
    page.goto(base + reverse("admin:login"))
    page.fill("#id_username", boss.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    assert violations(page) == []

    pages = [
        reverse("admin:index"),
        reverse("admin:newsroom_briefing_changelist"),
        reverse("admin:newsroom_briefing_changelist") + "?status__exact=draft",
        reverse("admin:newsroom_briefing_add"),
        reverse("admin:newsroom_briefing_change", args=[draft.pk]),
        reverse("admin:newsroom_briefing_change", args=[dossier.pk]),
        reverse("admin:newsroom_briefing_scheduled"),
        reverse("admin:actors_actor_changelist"),
        reverse("admin:actors_actor_change", args=[dossier.actors.first().pk]),
        reverse("admin:agreements_agreement_change", args=[dossier.agreements.first().pk]),
        reverse("admin:events_event_change", args=[dossier.events.first().pk]),
        reverse("admin:digests_subscriber_changelist"),
        reverse("admin:digests_subscriber_change", args=[subscriber.pk]),
        reverse("admin:digests_feedbackevent_changelist"),
        reverse("admin:digests_edition_changelist"),
    ]
    for url in pages:
        assert visit(page, base + url) == [], url

    # The widgets run: an autocomplete opens and searches, the workflow panel is styled.
    page.goto(base + reverse("admin:newsroom_briefing_change", args=[draft.pk]))
    panel = page.locator(".workflow-panel")
    expect(panel).to_be_visible()
    assert panel.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    page.locator(".field-actors .select2-selection").first.click()
    page.keyboard.type("Can")
    expect(page.locator(".select2-results__option", has_text="Canada")).to_be_visible()
    assert violations(page) == []
