"""The agreements endpoints' fragments: each agreement's answer kept under its record version.

A fragment must never outlive a change to what it shows. Each test warms the fragments, makes
one kind of change (through the ORM, bulk `QuerySet` calls the receivers never see, or the
admin) and asks again with a query string the answer cache has never seen, so only the
fragments stand between the change and the reader.
"""

import datetime
import itertools
import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from tests.admin_support import admin_url, save_with_status_decision
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    AgreementRelationFactory,
    PartyActionFactory,
    PartyFactory,
)
from tests.site.test_api import ACTIONS

pytestmark = pytest.mark.django_db

D = datetime.date
K = PartyAction.Kind
FRESH = itertools.count()


def fresh(client, url, **headers):
    """`url` answered past the answer cache (a query string it never saw): its body."""
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}_fresh={next(FRESH)}", **headers)
    assert response.status_code == 200, response.content[:300]
    return response


def listed(client, url="/api/v1/agreements?limit=100", **headers):
    return {a["slug"]: a for a in fresh(client, url, **headers).json()["items"]}


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def record():
    """Two agreements, one related to the other, with two parties that have acted."""
    ceta = AgreementFactory(slug="ceta", title="CETA")
    other = AgreementFactory(slug="other", title="Other")
    AgreementRelationFactory(source=ceta, target=other, kind="mirrors")
    latvia = ActorFactory(slug="latvia", name="Latvia")
    france = ActorFactory(slug="france", name="France")
    for actor in (latvia, france):
        party = PartyFactory(agreement=ceta, actor=actor)
        PartyActionFactory(party=party, kind=K.SIGNATURE, date=D(2016, 10, 30))
    PartyActionFactory(
        party=ceta.party_records.get(actor=latvia), kind=K.RATIFICATION, date=D(2017, 3, 9)
    )
    return ceta


def warm(reader):
    """Every shape of answer the tests read, laid out once and kept as fragments."""
    listed(reader)
    fresh(reader, "/api/v1/agreements/ceta")
    fresh(reader, "/api/v1/agreements/ceta/parties")


def statuses(reader):
    return {
        p["actor"]["slug"]: (p["status"], [a["kind"] for a in p["actions"]])
        for p in statuses_of(reader)
    }


def statuses_of(reader):
    """The parties as each of the three answers gives them, which must agree."""
    parties = fresh(reader, "/api/v1/agreements/ceta/parties").json()["items"]
    assert parties == fresh(reader, "/api/v1/agreements/ceta").json()["parties"]
    assert parties == listed(reader)["ceta"]["parties"]
    return parties


def test_an_action_added_edited_or_deleted_shows_at_once(reader, record):
    warm(reader)
    france = Party.objects.get(agreement=record, actor__slug="france")
    action = PartyActionFactory(party=france, kind=K.RATIFICATION, date=D(2019, 1, 3))
    assert statuses(reader)["france"] == ("bound", ["signature", "ratification"])
    action.kind = K.ACCESSION
    action.save()
    assert statuses(reader)["france"] == ("bound", ["signature", "accession"])
    PartyAction.objects.filter(pk=action.pk).update(kind=K.WITHDRAWAL)  # no signal sent
    assert statuses(reader)["france"] == ("withdrawn", ["signature", "withdrawal"])
    action.delete()
    assert statuses(reader)["france"] == ("signed", ["signature"])
    PartyAction.objects.filter(party=france).delete()
    assert statuses(reader)["france"] == ("none", [])
    PartyAction.objects.bulk_create(
        [PartyAction(party=france, kind=K.SIGNATURE, date=D(2016, 10, 30))]
    )
    assert statuses(reader)["france"] == ("signed", ["signature"])


def test_an_action_moved_to_another_party_leaves_one_and_joins_the_other(reader, record):
    warm(reader)
    latvia = Party.objects.get(agreement=record, actor__slug="latvia")
    france = Party.objects.get(agreement=record, actor__slug="france")
    latvia.actions.filter(kind=K.RATIFICATION).update(party=france)
    assert statuses(reader) == {
        "latvia": ("signed", ["signature"]),
        "france": ("bound", ["signature", "ratification"]),
    }


def test_an_action_saved_through_the_admin_shows_at_once(reader, record, editor_client):
    warm(reader)
    france = Party.objects.get(agreement=record, actor__slug="france")
    signature = france.actions.get()
    _, response = save_with_status_decision(
        editor_client,
        admin_url(france, "change", france.pk),
        {
            "agreement": france.agreement_id,
            "actor": france.actor_id,
            "role": "party",
            "note": "",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": signature.pk,
            "actions-0-party": france.pk,
            "actions-0-kind": "signature",
            "actions-0-date": "2016-10-30",
            "actions-0-place": "Brussels",
            "actions-0-note": "",
            "actions-0-source_url": "",
            "actions-1-kind": "ratification",
            "actions-1-date": "2018-06-12",
            "actions-1-place": "Paris",
            "actions-1-note": "",
            "actions-1-source_url": "",
        },
        "silent",
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    answer = {p["actor"]["slug"]: p for p in listed(reader)["ceta"]["parties"]}["france"]
    assert answer["status"] == "bound"
    assert [a["place"] for a in answer["actions"]] == ["Brussels", "Paris"]


def test_a_party_added_changed_or_removed_shows_at_once(reader, record):
    warm(reader)
    PartyFactory(agreement=record, actor=ActorFactory(slug="malta", name="Malta"))
    assert set(statuses(reader)) == {"latvia", "france", "malta"}
    Party.objects.filter(actor__slug="malta").update(role=Party.Role.PROSPECTIVE)
    roles = {p["actor"]["slug"]: p["role"] for p in listed(reader)["ceta"]["parties"]}
    assert roles["malta"] == "prospective"
    Party.objects.get(actor__slug="france").delete()  # its actions go with it
    assert set(statuses(reader)) == {"latvia", "malta"}
    assert listed(reader)["ceta"]["counts"]["parties"] == 2


def test_an_actor_renamed_or_given_a_french_name_shows_at_once(reader, record):
    warm(reader)
    latvia = Actor.objects.get(slug="latvia")
    latvia.name = "Republic of Latvia"
    latvia.save()
    names = [p["actor"]["name"] for p in listed(reader)["ceta"]["parties"]]
    assert names == ["France", "Republic of Latvia"]
    Actor.objects.filter(slug="france").update(name="Zealand", slug="zealand")  # no signal
    answer = fresh(reader, "/api/v1/agreements/ceta/parties").json()["items"]
    assert [(p["actor"]["slug"], p["actor"]["name"]) for p in answer] == [
        ("latvia", "Republic of Latvia"),
        ("zealand", "Zealand"),
    ]
    latvia.name_fr = "Lettonie"
    latvia.save()
    french = {p["actor"]["slug"]: p["actor"]["translations"] for p in statuses_of(reader)}
    assert french == {"latvia": {"fr": {"name": "Lettonie"}}, "zealand": {}}
    latvia.summary = "Not shown with its parties."
    latvia.save()
    after = Agreement.objects.get(slug="ceta").record_version
    latvia.save()
    assert Agreement.objects.get(slug="ceta").record_version == after  # nothing shown changed


def test_a_relation_or_its_other_ends_slug_changed_shows_at_once(reader, record):
    warm(reader)
    fresh(reader, "/api/v1/agreements/other")
    Agreement.objects.filter(slug="other").update(slug="renamed")  # no signal
    relations = listed(reader)["ceta"]["relations"]
    assert [(r["direction"], r["agreement"]) for r in relations] == [("to", "renamed")]
    AgreementRelation.objects.update(kind="amends", note="Article 4")
    relations = fresh(reader, "/api/v1/agreements/renamed").json()["relations"]
    assert [(r["direction"], r["kind"], r["agreement"], r["note"]) for r in relations] == [
        ("from", "amends", "ceta", "Article 4")
    ]
    AgreementRelation.objects.all().delete()
    assert listed(reader)["ceta"]["relations"] == listed(reader)["renamed"]["relations"] == []


def test_an_agreement_edited_shows_at_once(reader, record):
    warm(reader)
    record.title = "Comprehensive Economic and Trade Agreement"
    record.short_name_fr = "AECG"
    record.save()
    answer = fresh(reader, "/api/v1/agreements/ceta").json()
    assert answer["title"] == "Comprehensive Economic and Trade Agreement"
    assert answer["translations"] == {"fr": {"short_name": "AECG"}}
    Agreement.objects.filter(slug="ceta").update(status=Agreement.Status.IN_FORCE)  # no signal
    assert listed(reader)["ceta"]["status"] == "in_force"


def test_each_date_and_language_has_its_own_fragments(reader, record):
    today = listed(reader)["ceta"]
    then = listed(reader, "/api/v1/agreements?limit=100&as_of=2017-01-01")["ceta"]
    assert then["as_of"] == "2017-01-01" and today["as_of"] is None
    assert today["counts"]["bound"] == 1 and then["counts"]["bound"] == 0
    assert listed(reader)["ceta"] == today  # from the fragments now
    assert listed(reader, "/api/v1/agreements?limit=100&as_of=2017-01-01")["ceta"] == then
    french = listed(reader, HTTP_ACCEPT_LANGUAGE="fr")["ceta"]
    english = listed(reader, HTTP_ACCEPT_LANGUAGE="en")["ceta"]
    assert "/fr/" in french["url"] and "/en/" in english["url"]
    assert french["parties"][0]["status_label"] != english["parties"][0]["status_label"]
    parties = fresh(reader, "/api/v1/agreements/ceta/parties?as_of=2017-01-01").json()
    assert [p["status"] for p in parties["items"]] == ["signed", "signed"]


def test_fragments_answer_in_two_queries(reader, record, django_assert_max_num_queries):
    """Warm fragments leave the cache lifetime and the page's ids and versions to ask."""
    warm(reader)
    for url in [
        "/api/v1/agreements?limit=100",
        "/api/v1/agreements/ceta",
        "/api/v1/agreements/ceta/parties?status=signed",
    ]:
        fresh(reader, url)
        with django_assert_max_num_queries(2, info=url):
            fresh(reader, url)


NAMES = st.sampled_from(["Latvia", "Côte d’Ivoire <b>", "R&D Bloc", "Zambia"])


@examples(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(
        st.lists(st.tuples(NAMES, st.booleans(), ACTIONS), max_size=3, unique_by=lambda p: p[0]),
        min_size=1,
        max_size=4,
    ),
    as_of=st.one_of(st.none(), st.sampled_from(["2016-10-30", "2017-02-28", "2016-12-31"])),
    changed=st.integers(0, 3),
    language=st.sampled_from(["en", "fr"]),
)
def test_an_answer_from_fragments_is_the_answer_laid_out_afresh(
    reader, records, as_of, changed, language
):
    """Byte for byte, with every fragment warm, with some, and with none."""
    cache.clear()
    Agreement.objects.all().delete()
    agreements = []
    for n, parties in enumerate(records):
        agreement = AgreementFactory(slug=f"a{n}", title=f"Agreement {n} & <i>")
        agreements.append(agreement)
        for name, french, actions in parties:
            actor = Actor.objects.filter(name=name).first() or ActorFactory(
                name=name, name_fr=f"{name} (fr)" if french else ""
            )
            party = PartyFactory(agreement=agreement, actor=actor)
            for kind, date, precision, note in actions:
                PartyActionFactory(
                    party=party, kind=kind, date=date, date_precision=precision, note=note
                )
    for source, target in itertools.pairwise(agreements):
        AgreementRelationFactory(source=source, target=target)
    query = "/api/v1/agreements?limit=100" + (f"&as_of={as_of}" if as_of else "")
    details = [f"/api/v1/agreements/{a.slug}/parties" for a in agreements[:2]]
    urls = [query, "/api/v1/agreements?limit=2", *details]
    lang = {"HTTP_ACCEPT_LANGUAGE": language}

    def bodies():
        """Each answer, its `next` link's repeat of the fresh query string left out."""
        return [re.sub(rb"_fresh=\d+", b"", fresh(reader, url, **lang).content) for url in urls]

    afresh = bodies()
    assert bodies() == afresh
    agreements[changed % len(agreements)].save()  # one fragment out of date, the rest warm
    partly = bodies()
    assert partly != afresh  # its updated_at moved
    cache.clear()
    assert bodies() == partly
