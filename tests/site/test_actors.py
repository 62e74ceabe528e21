"""Actor pages: profile, offices, memberships, agreements with status, timeline, briefings."""

import datetime
import json
import re

import pytest

from briefings.actors.models import Actor
from briefings.agreements.models import PartyAction
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    DraftFactory,
    EventFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeTermFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_person_page(client):
    costa = PersonFactory(name="António Costa", slug="antonio-costa", summary="Council president.")
    council = ActorFactory(name="European Council", kind=Actor.Kind.INSTITUTION)
    portugal = ActorFactory(name="Portugal")
    OfficeTermFactory(
        person=costa,
        office=OfficeFactory(organisation=council, title="President of the European Council"),
        start_date=datetime.date(2024, 12, 1),
    )
    OfficeTermFactory(
        person=costa,
        office=OfficeFactory(organisation=portugal, title="Prime Minister of Portugal"),
        start_date=datetime.date(2015, 11, 26),
        end_date=datetime.date(2024, 4, 2),
    )
    summit = EventFactory(title="EU–Canada summit", start_date=datetime.date(2025, 6, 23))
    ParticipationFactory(event=summit, actor=costa)
    shown = BriefingFactory(headline="Costa in Brussels")
    shown.actors.add(costa)
    hidden = DraftFactory(headline="Costa draft")
    hidden.actors.add(costa)

    page = client.get("/en/actors/antonio-costa/").content.decode()

    assert "<h1>António Costa" in page
    assert "President of the European Council" in page and "since 1 December 2024" in page
    assert "Prime Minister of Portugal" in page and "2 April 2024" in page
    assert "EU–Canada summit" in page and "23 June 2025" in page
    assert "Costa in Brussels" in page and "Costa draft" not in page
    assert 'href="/en/actors/antonio-costa/rss/"' in page


def test_state_page_shows_agreements_with_status_members_and_office_holders(client):
    canada = ActorFactory(name="Canada", slug="canada", iso_alpha2="CA")
    eu = ActorFactory(name="European Union", slug="eu", kind=Actor.Kind.BLOC)
    MembershipFactory(member=ActorFactory(name="France"), organisation=eu)
    carney = PersonFactory(name="Mark Carney")
    OfficeTermFactory(
        person=carney,
        office=OfficeFactory(
            organisation=canada, role="Prime Minister", title="Prime Minister of Canada"
        ),
    )
    party = PartyFactory(actor=canada)
    PartyActionFactory(
        party=party, kind=PartyAction.Kind.SIGNATURE, date=datetime.date(2016, 10, 30)
    )

    canada_page = client.get("/en/actors/canada/").content.decode()
    eu_page = client.get("/en/actors/eu/").content.decode()

    assert party.agreement.title in canada_page
    assert "Signed" in canada_page and "30 October 2016" in canada_page
    assert "Prime Minister of Canada" in canada_page and "Mark Carney" in canada_page
    assert "Members (1)" in eu_page and "France" in eu_page


def test_actor_list_groups_by_kind(client):
    ActorFactory(name="Canada")
    PersonFactory(name="Mark Carney")

    page = client.get("/en/actors/").content.decode()

    assert page.index("Canada") < page.index("Mark Carney")
    assert "People" in page and "States" in page


def test_actor_list_has_a_jump_nav_counts_and_a_find_box_for_script_only(client):
    ActorFactory(name="Canada")
    ActorFactory(name="Portugal")
    PersonFactory(name="Mark Carney")

    page = client.get("/en/actors/").content.decode()

    assert '<a href="#kind-state">States</a>' in page
    assert '<a href="#kind-person">People</a>' in page
    assert '<section id="kind-state" aria-labelledby="kind-state-title">' in page
    assert 'id="kind-state-title" class="section-title">States (2)</h2>' in page
    assert "People (1)</h2>" in page
    # Without JavaScript the box would filter nothing, so it stays hidden until the script runs.
    assert '<div class="filters" data-directory-tools hidden>' in page
    assert 'data-directory-filter="actors-directory"' in page
    assert 'id="actors-directory"' in page
    assert "js/directory" in page


def test_empty_actor_list_has_no_find_box(client):
    page = client.get("/en/actors/").content.decode()

    assert "data-directory-tools" not in page


def test_unknown_actor_is_not_found(client):
    assert client.get("/en/actors/nope/").status_code == 404


def build(count):
    actor = ActorFactory(slug="busy", kind=Actor.Kind.BLOC)
    for n in range(count):
        MembershipFactory(member=actor)
        MembershipFactory(organisation=actor)
        party = PartyFactory(actor=actor)
        PartyActionFactory(party=party)
        ParticipationFactory(actor=actor)
        OfficeTermFactory(office=OfficeFactory(organisation=actor))
        briefing = BriefingFactory(tags=[f"t{n}", "shared"])
        briefing.actors.add(actor)
    person = PersonFactory(slug="holder")
    for n in range(count):
        OfficeTermFactory(
            person=person,
            start_date=datetime.date(2000 + n % 20, 1, 1),
            end_date=datetime.date(2000 + n % 20, 6, 1),
        )


@pytest.mark.parametrize("count", [1, 20])
def test_actor_pages_run_constant_queries(client, count, django_assert_max_num_queries):
    build(count)

    # One more than before bylines: the briefings' contributors, prefetched.
    with django_assert_max_num_queries(13):
        assert client.get("/en/actors/busy/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/en/actors/holder/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/en/actors/").status_code == 200


def test_actor_pages_carry_json_ld_tied_to_wikidata(client):
    cases = [
        (ActorFactory(kind="state", iso_alpha2="CA", wikidata_qid="Q16"), "Country"),
        (ActorFactory(kind="person", wikidata_qid="Q7374"), "Person"),
        (ActorFactory(kind="organisation", name="NATO </script><svg>"), "Organization"),
    ]
    for actor, schema_type in cases:
        page = client.get(actor.get_absolute_url()).content.decode()
        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
        assert "<svg" not in raw
        data = json.loads(raw)
        assert (data["@type"], data["name"]) == (schema_type, actor.name)
        if actor.wikidata_qid:
            assert data["sameAs"] == f"https://www.wikidata.org/wiki/{actor.wikidata_qid}"
        else:
            assert "sameAs" not in data
