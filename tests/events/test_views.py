"""The events timeline and event pages."""

import datetime

import pytest

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
    response = client.get(f"/events/?{query}")
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
    response = client.get(f"/events/?{query}")

    assert response.status_code == 404


def test_event_page(client, events):
    _, visit, _ = events
    shown = BriefingFactory(headline="Wreath at Schoonselhof")
    shown.events.add(visit)
    hidden = DraftFactory(headline="Draft on the visit")
    hidden.events.add(visit)

    page = client.get("/events/schoonselhof/").content.decode()

    assert "<h1>Schoonselhof commemoration</h1>" in page
    assert "22 June 2025" in page and "Antwerp" in page
    assert "Mark Carney" in page and "Visitor" in page
    assert 'href="/events/summit/"' in page
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

    with django_assert_max_num_queries(7):
        assert client.get("/events/big/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/events/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/events/?agreement={parent.agreements.first().slug}").status_code == 200
