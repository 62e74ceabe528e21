"""Agreement pages: the parties table (CETA's ratification record) and constant queries."""

import datetime
import json
import re

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
    response = client.get("/en/agreements/ceta/")
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

    page = client.get("/en/agreements/ceta/").content.decode()

    assert "EU–Canada Security and Defence Partnership" in page
    assert "CETA signed" in page
    assert "Where CETA stands" in page
    assert "Draft about CETA" not in page
    assert 'href="/en/agreements/ceta/rss/"' in page


def test_agreement_list_counts_bound_parties(client, ceta):
    page = client.get("/en/agreements/").content.decode()

    assert "3 of 7" in page


def test_unknown_agreement_is_not_found(client):
    assert client.get("/en/agreements/nope/").status_code == 404


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
        assert client.get("/en/agreements/big/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/en/agreements/").status_code == 200


@pytest.fixture
def uk(ceta):
    """The United Kingdom: ratified CETA as a member state, no longer covered since 2020."""
    party = PartyFactory(agreement=ceta, actor=ActorFactory(name="United Kingdom"))
    PartyActionFactory(party=party, date=datetime.date(2016, 10, 30))
    PartyActionFactory(
        party=party, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2018, 11, 8)
    )
    PartyActionFactory(
        party=party,
        kind=PartyAction.Kind.CEASED_COVERAGE,
        date=datetime.date(2020, 12, 31),
        note="End of the Brexit transition",
    )
    return party


def groups_of(response):
    return {
        g["status"]: [r.actor.name for r in g["parties"]] for g in response.context["party_groups"]
    }


def test_a_party_no_longer_covered_shows_and_counts_as_such(client, uk):
    response = client.get("/en/agreements/ceta/")
    groups = groups_of(response)
    assert groups["ceased"] == ["United Kingdom"]
    assert "United Kingdom" not in groups["bound"]
    assert "No longer covered: <strong>1</strong>" in response.content.decode()
    listing = client.get("/en/agreements/").content.decode()
    assert "3 of 8" in listing and "1 no longer" in listing


def test_as_of_shows_who_was_bound_on_that_date(client, uk):
    response = client.get("/en/agreements/ceta/", {"as_of": "2019-01-01"})
    groups = groups_of(response)
    assert groups["bound"] == ["Latvia", "Denmark", "United Kingdom"]
    assert "ceased" not in groups
    page = response.content.decode()
    assert "Parties (8) on 1 January 2019" in page
    assert 'value="2019-01-01"' in page
    assert "9 August 2023" not in page  # Germany's later deposit is not on record yet
    assert "Senate, 211–44" not in page
    before = groups_of(client.get("/en/agreements/ceta/", {"as_of": "2016-10-29"}))
    assert set(before) == {"none"}


def test_as_of_says_when_a_status_rests_on_an_imprecise_date(client, ceta):
    party = PartyFactory(agreement=ceta, actor=ActorFactory(name="Malta"))
    PartyActionFactory(
        party=party,
        kind=PartyAction.Kind.RATIFICATION,
        date=datetime.date(2017, 7, 1),
        date_precision="month",
    )
    during = client.get("/en/agreements/ceta/", {"as_of": "2017-07-15"})
    assert "Malta" in groups_of(during)["none"]
    assert "Malta: An action known only to the month or year" in during.content.decode()
    after = client.get("/en/agreements/ceta/", {"as_of": "2017-07-31"})
    assert "Malta" in groups_of(after)["bound"]
    assert "counted from its end" in after.content.decode()


@pytest.mark.parametrize("value", ["2019-02-30", "01/01/2019", "2019-1-1", "x" * 300, "0000-01-01"])
def test_a_bad_as_of_is_a_clear_400(client, ceta, value):
    assert client.get("/en/agreements/ceta/", {"as_of": value}).status_code == 400
    assert client.get("/en/agreements/ceta/parties.csv", {"as_of": value}).status_code == 400


def test_an_instrument_no_party_ratifies_shows_adoption_not_empty_rows(client):
    safe = AgreementFactory(
        slug="safe",
        short_name="SAFE",
        kind="funding",
        needs_ratification=False,
        adopted_on=datetime.date(2025, 5, 27),
        adopted_by="Council of the EU",
        applies_from=datetime.date(2025, 5, 29),
    )
    for name in ["Austria", "Belgium"]:
        PartyFactory(agreement=safe, actor=ActorFactory(name=name))
    page = client.get("/en/agreements/safe/").content.decode()
    assert "27 May 2025, Council of the EU" in page and "29 May 2025" in page
    assert "Who it covers (2)" in page and "No action" not in page
    assert "parties-none" not in page
    listing = client.get("/en/agreements/").content.decode()
    assert "Not ratified: adopted 27 May 2025, covers 2" in listing and "0 of 2" not in listing


def test_downloads_are_linked_and_honour_as_of(client, uk):
    page = client.get("/en/agreements/ceta/").content.decode()
    assert '<link rel="alternate" type="text/csv"' in page
    assert 'href="/en/agreements/ceta/parties.csv"' in page
    response = client.get("/en/agreements/ceta/parties.csv", {"as_of": "2019-01-01"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0].startswith("party,iso_alpha2,wikidata_qid,role,status,status_date")
    uk_line = next(line for line in lines if line.startswith("United Kingdom"))
    assert ",bound,2018-11-08,day," in uk_line
    now = client.get("/en/agreements/ceta/parties.json").json()
    uk_now = next(p for p in now["parties"] if p["actor"]["name"] == "United Kingdom")
    assert (uk_now["status"], uk_now["status_date"]) == ("ceased", "2020-12-31")
    actions = client.get("/en/agreements/ceta/actions.csv").content.decode().splitlines()
    assert (
        actions[0] == "party,iso_alpha2,kind,date,date_precision,counts_from,place,note,source_url"
    )
    assert any(",domestic_rejection,2024-03-21," in line for line in actions)
    then = client.get("/en/agreements/ceta/actions.json", {"as_of": "2019-01-01"}).json()
    assert all(a["date"] < "2019-01-01" for a in then["actions"])


def test_csv_cells_cannot_run_as_formulas(client, ceta):
    party = ceta.party_records.get(actor__name="France")
    party.note = '=HYPERLINK("http://evil.example","x")'
    party.save()
    body = client.get("/en/agreements/ceta/parties.csv").content.decode()
    assert "'=HYPERLINK" in body


def test_agreement_page_carries_legislation_json_ld(client, uk):
    page = client.get("/en/agreements/ceta/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert data["@type"] == "Legislation"
    assert data["legislationDate"] == "2016-10-30"
    assert len(data["legislationPassedBy"]) == 8


@pytest.mark.parametrize("count", [1, 25])
def test_downloads_run_constant_queries(client, count, django_assert_max_num_queries):
    build(count)
    for url in ["/en/agreements/big/parties.csv", "/en/agreements/big/actions.json"]:
        with django_assert_max_num_queries(4):  # the page cache's freshness, then 3
            assert client.get(url, {"as_of": "2019-01-01"}).status_code == 200
