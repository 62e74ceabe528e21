"""Agreement pages: the parties table (CETA's ratification record) and constant queries."""

import datetime

import pytest

from briefings.agreements.models import PartyAction
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    AgreementRelationFactory,
    BriefingFactory,
    DraftFactory,
    EventFactory,
    PartyActionFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db

RATIFIED = [
    ("Latvia", datetime.date(2017, 3, 9)),
    ("Denmark", datetime.date(2017, 6, 1)),
    ("Germany", datetime.date(2023, 8, 9)),
]
NOT_RATIFIED = ["France", "Italy", "Belgium"]


@pytest.fixture
def ceta():
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        slug="ceta",
        signed_on=datetime.date(2016, 10, 30),
    )
    signed = datetime.date(2016, 10, 30)
    for name, date in RATIFIED:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, date=signed)
        PartyActionFactory(party=party, kind=PartyAction.Kind.RATIFICATION, date=date)
    for name in NOT_RATIFIED:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, date=signed)
    france = ceta.party_records.get(actor__name="France")
    PartyActionFactory(
        party=france,
        kind=PartyAction.Kind.DOMESTIC_REJECTION,
        date=datetime.date(2024, 3, 21),
        note="Senate, 211–44",
    )
    canada = PartyFactory(agreement=ceta, actor=ActorFactory(name="Canada"))
    PartyActionFactory(party=canada, date=signed)
    PartyActionFactory(
        party=canada,
        kind=PartyAction.Kind.PROVISIONAL_APPLICATION,
        date=datetime.date(2017, 9, 21),
    )
    return ceta


def test_parties_table_groups_by_status_and_orders_ratifications_by_date(client, ceta):
    response = client.get("/agreements/ceta/")
    page = response.content.decode()
    groups = {g["status"]: g["parties"] for g in response.context["party_groups"]}

    assert [p.actor.name for p in groups["bound"]] == ["Latvia", "Denmark", "Germany"]
    assert sorted(p.actor.name for p in groups["signed"]) == ["Belgium", "France", "Italy"]
    assert [p.actor.name for p in groups["provisional"]] == ["Canada"]
    assert 'Signed, not ratified <span class="count">(3)</span>' in page
    assert "9 March 2017" in page and "9 August 2023" in page
    assert "Senate, 211–44" in page
    assert "30 October 2016" in page


def test_agreement_page_shows_related_agreements_events_and_published_briefings(client, ceta):
    pact = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    AgreementRelationFactory(source=pact, target=ceta)
    event = EventFactory(
        title="CETA signed", slug="ceta-signed", start_date=datetime.date(2016, 10, 30)
    )
    event.agreements.add(ceta)
    shown = BriefingFactory(headline="Where CETA stands")
    shown.agreements.add(ceta)
    hidden = DraftFactory(headline="Draft about CETA")
    hidden.agreements.add(ceta)

    page = client.get("/agreements/ceta/").content.decode()

    assert "EU–Canada Security and Defence Partnership" in page
    assert "CETA signed" in page
    assert "Where CETA stands" in page
    assert "Draft about CETA" not in page
    assert 'href="/agreements/ceta/rss/"' in page


def test_agreement_list_counts_bound_parties(client, ceta):
    page = client.get("/agreements/").content.decode()

    assert "3 of 7" in page


def test_unknown_agreement_is_not_found(client):
    assert client.get("/agreements/nope/").status_code == 404


def build(count):
    agreement = AgreementFactory(slug="big")
    other = AgreementFactory()
    AgreementRelationFactory(source=agreement, target=other)
    AgreementRelationFactory(source=other, target=agreement)
    for _ in range(count):
        party = PartyFactory(agreement=agreement)
        PartyActionFactory(party=party)
        PartyActionFactory(
            party=party, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2018, 1, 1)
        )
        event = EventFactory()
        event.agreements.add(agreement)
        briefing = BriefingFactory(tags=[f"tag-{_}", "shared"])
        briefing.agreements.add(agreement)


@pytest.mark.parametrize("count", [1, 25])
def test_agreement_pages_run_constant_queries(client, count, django_assert_max_num_queries):
    build(count)

    with django_assert_max_num_queries(10):  # 9 before bylines: their contributors, prefetched
        assert client.get("/agreements/big/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/agreements/").status_code == 200
