"""The events timeline and event pages."""

import datetime
import re

import pytest

from briefings.site.views import events as views
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    DraftFactory,
    EventFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    carney = ActorFactory(name="Mark Carney", slug="carney", kind="person")
    ceta = AgreementFactory(slug="ceta")
    summit = EventFactory(
        title="EU–Canada summit",
        slug="summit",
        kind="summit",
        start_date=datetime.date(2025, 6, 23),
    )
    visit = EventFactory(
        title="Schoonselhof commemoration",
        slug="schoonselhof",
        kind="commemoration",
        start_date=datetime.date(2025, 6, 22),
        place_name="Antwerp",
        parent=summit,
    )
    signing = EventFactory(
        title="CETA signed", kind="signing", start_date=datetime.date(2016, 10, 30)
    )
    signing.agreements.add(ceta)
    ParticipationFactory(event=summit, actor=carney)
    ParticipationFactory(event=visit, actor=carney, role="visitor")
    return summit, visit, signing


def titles(client, query=""):
    response = client.get(f"/en/events/?{query}")
    assert response.status_code == 200
    return [e.title for e in response.context["page"]]


def test_timeline_newest_first_with_filters(client, events):
    assert titles(client) == ["EU–Canada summit", "Schoonselhof commemoration", "CETA signed"]
    assert titles(client, "actor=carney") == ["EU–Canada summit", "Schoonselhof commemoration"]
    assert titles(client, "agreement=ceta") == ["CETA signed"]
    assert titles(client, "kind=commemoration") == ["Schoonselhof commemoration"]
    assert titles(client, "from=2025-01-01&to=2025-06-22") == ["Schoonselhof commemoration"]


@pytest.mark.parametrize(
    "query", ["from=yesterday", "to=2025-13-01", "kind=party", "actor=nobody", "agreement=x"]
)
def test_bad_filters_are_refused_clearly(client, events, query):
    response = client.get(f"/en/events/?{query}")

    assert response.status_code == 404


def test_event_page(client, events):
    _, visit, _ = events
    shown = BriefingFactory(headline="Wreath at Schoonselhof")
    shown.events.add(visit)
    hidden = DraftFactory(headline="Draft on the visit")
    hidden.events.add(visit)

    page = client.get("/en/events/schoonselhof/").content.decode()

    assert "<h1>Schoonselhof commemoration</h1>" in page
    assert "22 June 2025" in page and "Antwerp" in page
    assert "Mark Carney" in page and "Visitor" in page
    assert 'href="/en/events/summit/"' in page
    assert "Wreath at Schoonselhof" in page and "Draft on the visit" not in page


@pytest.mark.parametrize("count", [1, 30])
def test_event_pages_run_constant_queries(client, count, django_assert_max_num_queries):
    parent = EventFactory(slug="big")
    for n in range(count):
        event = EventFactory(parent=parent, country=ActorFactory())
        ParticipationFactory(event=parent)
        ParticipationFactory(event=event)
        event.agreements.add(AgreementFactory())
        parent.agreements.add(AgreementFactory())
        BriefingFactory(tags=[f"t{n}"]).events.add(parent)

    with django_assert_max_num_queries(8):  # 7 before bylines: their contributors, prefetched
        assert client.get("/en/events/big/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/en/events/").status_code == 200
    with django_assert_max_num_queries(6):
        assert (
            client.get(f"/en/events/?agreement={parent.agreements.first().slug}").status_code == 200
        )


def offered(page, name):
    """The slugs a filter select offers after “Any”, and the selected ones."""
    select = re.search(rf'<select id="f-{name}".*?</select>', page).group()
    assert '<option value="">Any</option>' in select
    return re.findall(r'<option value="([^"]+)"', select), re.findall(r'"([^"]+)" selected', select)


def test_actor_select_offers_the_most_active_in_recent_events(client, monkeypatch):
    monkeypatch.setattr(views, "FILTER_CHOICES", 3)
    monkeypatch.setattr(views, "FILTER_WINDOW", 4)
    recent = [EventFactory(start_date=datetime.date(2025, 6, day)) for day in range(1, 5)]
    older = [EventFactory(start_date=datetime.date(1990, 1, day)) for day in range(1, 6)]
    for slug, attended in [
        ("zeta", recent[:3]),
        ("alpha", recent[:2]),
        ("mu", recent[2:]),
        ("beta", recent[3:]),
        ("veteran", older),  # the most events of all, none of them recent
    ]:
        actor = ActorFactory(name=slug.title(), slug=slug)
        for event in attended:
            ParticipationFactory(event=event, actor=actor)

    page = client.get("/en/events/").content.decode()

    assert offered(page, "actor") == (["alpha", "mu", "zeta"], [])
    assert 'aria-describedby="f-actor-hint"' in page
    assert '<p id="f-actor-hint" class="meta">The actor list shows only' in page

    page = client.get("/en/events/?actor=veteran").content.decode()

    assert offered(page, "actor") == (["alpha", "mu", "veteran", "zeta"], ["veteran"])


def test_short_selects_have_no_hint(client, events):
    page = client.get("/en/events/?actor=carney").content.decode()

    assert offered(page, "actor") == (["carney"], ["carney"])
    assert offered(page, "agreement") == (["ceta"], [])
    assert "aria-describedby" not in page and "-hint" not in page


def test_agreement_select_offers_the_most_covered(client, monkeypatch):
    monkeypatch.setattr(views, "FILTER_CHOICES", 2)
    for slug, count in [("busy", 3), ("usual", 2)]:
        agreement = AgreementFactory(slug=slug)
        for _ in range(count):
            EventFactory().agreements.add(agreement)

    page = client.get("/en/events/").content.decode()

    assert offered(page, "agreement") == (["busy", "usual"], [])
    assert "f-agreement-hint" not in page

    EventFactory().agreements.add(AgreementFactory(slug="rare", title="Accord on rare earths"))
    page = client.get("/en/events/").content.decode()

    assert offered(page, "agreement") == (["busy", "usual"], [])
    assert 'aria-describedby="f-agreement-hint"' in page
    assert '<p id="f-agreement-hint" class="meta">' in page
    page = client.get("/en/events/?agreement=rare").content.decode()
    assert offered(page, "agreement") == (["rare", "busy", "usual"], ["rare"])


def test_actor_and_agreement_pages_link_to_their_events(client, events):
    actor_page = client.get("/en/actors/carney/").content.decode()
    agreement_page = client.get("/en/agreements/ceta/").content.decode()

    assert 'href="/en/events/?actor=carney">All events with Mark Carney' in actor_page
    assert 'href="/en/events/?agreement=ceta">All events on' in agreement_page


@pytest.mark.parametrize("count", [2, 20])
def test_filter_selects_run_constant_queries(
    client, monkeypatch, count, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "FILTER_CHOICES", 5)
    for _ in range(count):
        event = EventFactory()
        actor = ParticipationFactory(event=event).actor
        agreement = AgreementFactory()
        event.agreements.add(agreement)
    selected = f"/en/events/?actor={actor.slug}&agreement={agreement.slug}"

    with django_assert_max_num_queries(5):
        assert client.get("/en/events/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(selected).status_code == 200
