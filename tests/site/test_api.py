"""The public JSON API: its schema, its answers against the schema, status as of a date,
filters, keyset pagination, ETags, CORS, the rate limit, hostile input and query budgets."""

import datetime
import json
from urllib.parse import quote

import jsonschema
import pytest
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from openapi_spec_validator import validate

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement, Party, PartyAction
from briefings.newsroom.models import Briefing
from briefings.site import records
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    AgreementRelationFactory,
    BriefingFactory,
    ContributorFactory,
    DraftFactory,
    EventFactory,
    PartyActionFactory,
    PartyFactory,
    add_byline,
    editor,
)
from tests.site.test_hostile_input import FAST, HOSTILE
from tests.support import wait_until

pytestmark = pytest.mark.django_db

D = datetime.date
K = PartyAction.Kind


@pytest.fixture
def ceta():
    """A slice of CETA's record: two deposits before 2019, one after, the UK's end of
    coverage, Canada's provisional application and a signature-only party."""
    ceta = AgreementFactory(slug="ceta", short_name="CETA", signed_on=D(2016, 10, 30))
    record = {
        "Latvia": [(K.RATIFICATION, D(2017, 3, 9))],
        "United Kingdom": [(K.RATIFICATION, D(2018, 11, 8)), (K.CEASED_COVERAGE, D(2020, 12, 31))],
        "Finland": [(K.RATIFICATION, D(2019, 1, 3))],
        "France": [],
        "Canada": [(K.PROVISIONAL_APPLICATION, D(2017, 9, 21))],
    }
    for name, actions in record.items():
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name, slug=slugify(name)))
        PartyActionFactory(party=party, kind=K.SIGNATURE, date=D(2016, 10, 30))
        for kind, date in actions:
            PartyActionFactory(party=party, kind=kind, date=date)
    return ceta


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


@pytest.fixture
def schema(client):
    return get(client, "/api/v1/openapi.json")


def check_against_schema(schema, path, data):
    """Validate `data` against the 200 response schema of `path` in the OpenAPI document."""
    operation = schema["paths"][path]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(
        data, {**body, "components": schema["components"]}, cls=jsonschema.Draft202012Validator
    )


def test_the_schema_is_valid_openapi_3_and_the_docs_serve_it_from_our_static(client, schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/actors",
        "/api/v1/actors/{slug}",
        "/api/v1/agreements",
        "/api/v1/agreements/{slug}",
        "/api/v1/agreements/{slug}/parties",
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/briefings",
        "/api/v1/briefings/{slug}",
    } <= set(schema["paths"])
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "https://" not in docs
    assert "/api/v1/openapi.json" in docs


def test_every_endpoint_answers_as_its_schema_says(client, schema, ceta):
    event = EventFactory(slug="summit")
    event.agreements.add(ceta)
    event.participations.create(actor=ceta.party_records.first().actor, role="host")
    briefing = BriefingFactory(slug="piece", body="## Where CETA stands\n\nText.")
    briefing.agreements.add(ceta)
    add_byline(briefing, ContributorFactory())
    AgreementRelationFactory(source=ceta, target=AgreementFactory(slug="other"))
    answers = {
        "/api/v1/actors": "/api/v1/actors",
        "/api/v1/actors/{slug}": "/api/v1/actors/latvia",
        "/api/v1/agreements": "/api/v1/agreements",
        "/api/v1/agreements/{slug}": "/api/v1/agreements/ceta?as_of=2019-01-01",
        "/api/v1/agreements/{slug}/parties": "/api/v1/agreements/ceta/parties",
        "/api/v1/events": "/api/v1/events",
        "/api/v1/events/{slug}": "/api/v1/events/summit",
        "/api/v1/briefings": "/api/v1/briefings",
        "/api/v1/briefings/{slug}": "/api/v1/briefings/piece",
    }
    for path, url in answers.items():
        data = get(client, url)
        check_against_schema(schema, path, data)
    assert "<h2" in get(client, "/api/v1/briefings/piece")["body_html"]


def test_ceta_parties_bound_on_1_january_2019(client, ceta):
    data = get(client, "/api/v1/agreements/ceta/parties", as_of="2019-01-01", status="bound")
    assert [p["actor"]["name"] for p in data["items"]] == ["Latvia", "United Kingdom"]
    assert data["as_of"] == "2019-01-01"
    assert data["counts"]["bound"] == 2 and data["counts"]["ceased"] == 0
    uk = data["items"][1]
    assert (uk["status"], uk["bound_on"]) == ("bound", "2018-11-08")
    assert [a["kind"] for a in uk["actions"]] == ["signature", "ratification"]  # no later ones

    today = get(client, "/api/v1/agreements/ceta/parties")
    statuses = {p["actor"]["name"]: p["status"] for p in today["items"]}
    assert statuses == {
        "Latvia": "bound",
        "United Kingdom": "ceased",
        "Finland": "bound",
        "France": "signed",
        "Canada": "provisional",
    }


def test_an_imprecise_date_is_said_so(client, ceta):
    party = PartyFactory(agreement=ceta, actor=ActorFactory(name="Malta", slug="malta"))
    PartyActionFactory(party=party, kind=K.RATIFICATION, date=D(2017, 7, 1), date_precision="month")
    during = get(client, "/api/v1/agreements/ceta/parties", as_of="2017-07-20")
    malta = next(p for p in during["items"] if p["actor"]["slug"] == "malta")
    assert (malta["status"], malta["uncertain"]) == ("none", True)
    after = get(client, "/api/v1/agreements/ceta/parties", as_of="2017-07-31")
    malta = next(p for p in after["items"] if p["actor"]["slug"] == "malta")
    assert (malta["status"], malta["approximate"]) == ("bound", True)
    assert malta["actions"][0]["counts_from"] == "2017-07-31"


PRECISE = {
    "day": lambda d: d,
    "month": lambda d: d.replace(day=1),
    "year": lambda d: d.replace(month=1, day=1),
}
# Few days, so actions share dates and `as_of` falls on a date or a period's end often: the
# edges where a derivation goes wrong.
DAYS = [D(2016, 1, 1), D(2016, 10, 30), D(2016, 12, 31), D(2017, 2, 1), D(2017, 2, 28)]
DATES = st.one_of(st.sampled_from(DAYS), st.dates(D(2015, 6, 1), D(2017, 6, 30)))
# Every kind, and more often one of each group the derivation weighs.
KINDS = st.one_of(
    st.sampled_from(K.values),
    st.sampled_from([K.RATIFICATION, K.WITHDRAWAL, K.CEASED_COVERAGE, K.SIGNATURE]),
    st.sampled_from([K.ACCESSION, K.PROVISIONAL_APPLICATION, K.DOMESTIC_APPROVAL]),
)
ACTIONS = st.lists(
    st.tuples(
        KINDS,
        DATES,
        st.sampled_from(list(PRECISE)),
        st.sampled_from(["", "Senate, 211–44 <b>&</b>"]),
    ).map(lambda a: (a[0], PRECISE[a[2]](a[1]), a[2], a[3])),
    max_size=6,
    unique_by=lambda a: (a[0], a[1]),
)


@examples(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    histories=st.lists(ACTIONS, min_size=1, max_size=4),
    as_of=st.one_of(st.none(), DATES),
)
@example(  # a withdrawal the day of a ratification ends it
    histories=[
        [(K.RATIFICATION, D(2017, 2, 1), "day", ""), (K.WITHDRAWAL, D(2017, 2, 1), "day", "")]
    ],
    as_of=None,
)
def test_the_api_derives_every_status_as_the_model_does(client, histories, as_of):
    """The API derives statuses from plain rows (agreements.derive()); the pages and downloads
    from Party.status_on(). Over any record of actions and any date they must agree, field for
    field, or one of them misreads the record."""
    agreement = AgreementFactory()
    for actions in histories:
        party = PartyFactory(agreement=agreement)
        for kind, date, precision, note in actions:
            PartyActionFactory(
                party=party, kind=kind, date=date, date_precision=precision, note=note
            )
    parties = agreement.party_records.select_related("actor").prefetch_related(
        Prefetch("actions", to_attr="action_list")
    )
    rows = records.rows(parties, as_of)
    expected = json.loads(records.dumps([records.party_data(r) for r in rows]))
    query = {"as_of": as_of.isoformat()} if as_of else {}
    answer = get(client, f"/api/v1/agreements/{agreement.slug}/parties", **query)
    for party in answer["items"]:  # the API's addition, its own test below
        assert party["actor"].pop("translations") == {}
    assert answer["items"] == expected
    assert answer["counts"] == {
        "parties": len(rows),
        **{s: sum(r.status == s for r in rows) for s in Party.Status.values},
    }
    parties = get(client, f"/api/v1/agreements/{agreement.slug}", **query)["parties"]
    for party in parties:
        assert party["actor"].pop("translations") == {}
    assert parties == expected


def test_filters(client, ceta):
    AgreementFactory(slug="safe", kind="funding", status="in_force")
    assert [a["slug"] for a in get(client, "/api/v1/agreements", kind="funding")["items"]] == [
        "safe"
    ]
    assert [a["slug"] for a in get(client, "/api/v1/agreements", actor="latvia")["items"]] == [
        "ceta"
    ]
    signed = get(client, "/api/v1/agreements", signed_from="2016-01-01", signed_to="2016-12-31")
    assert [a["slug"] for a in signed["items"]] == ["ceta"]
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert get(client, "/api/v1/agreements", updated_since=future)["items"] == []
    actors = get(client, "/api/v1/actors", agreement="ceta")["items"]
    assert {a["slug"] for a in actors} == {
        "latvia",
        "united-kingdom",
        "finland",
        "france",
        "canada",
    }
    EventFactory(slug="old", start_date=D(2016, 10, 30), kind="signing").agreements.add(ceta)
    EventFactory(slug="new", start_date=D(2025, 6, 23), kind="summit")
    assert [e["slug"] for e in get(client, "/api/v1/events", agreement="ceta")["items"]] == ["old"]
    assert [e["slug"] for e in get(client, "/api/v1/events", kind="summit")["items"]] == ["new"]
    ranged = get(client, "/api/v1/events", start_from="2025-01-01", start_to="2025-12-31")
    assert [e["slug"] for e in ranged["items"]] == ["new"]


def test_updated_since_lists_an_agreement_whose_party_acted_since(client, ceta):
    """A new action changes the agreement's answer though the agreement's own row is untouched:
    `updated_since` must list it, or a client syncing by it never learns of the ratification."""
    AgreementFactory(slug="quiet")
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Agreement.objects.update(updated_at=month_ago, linked_changed_at=month_ago)  # all long known
    since = (timezone.now() - datetime.timedelta(days=2)).isoformat()

    def listed():
        return [a["slug"] for a in get(client, "/api/v1/agreements", updated_since=since)["items"]]

    assert listed() == []
    france = ceta.party_records.get(actor__slug="france")
    PartyActionFactory(party=france, kind=K.RATIFICATION, date=timezone.localdate())
    assert listed() == ["ceta"]
    assert Agreement.objects.get(slug="ceta").updated_at < timezone.now() - datetime.timedelta(
        days=29
    )


def test_updated_since_counts_an_imprecise_action_from_its_period_end(client, ceta):
    """An action known only to the month enters the record at the month's end (as `as_of`
    reads it), so a client that synced during that month must hear of it."""
    last_year = timezone.localdate().year - 1
    france = ceta.party_records.get(actor__slug="france")
    PartyActionFactory(
        party=france, kind=K.RATIFICATION, date=D(last_year, 12, 1), date_precision="month"
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Agreement.objects.update(updated_at=long_ago, linked_changed_at=long_ago)  # recorded then
    in_that_month = f"{last_year}-12-20T12:00:00Z"
    after_it = f"{last_year + 1}-01-02T12:00:00Z"
    assert [
        a["slug"] for a in get(client, "/api/v1/agreements", updated_since=in_that_month)["items"]
    ] == ["ceta"]
    assert get(client, "/api/v1/agreements", updated_since=after_it)["items"] == []


def test_keyset_pagination_walks_every_row_once_in_a_stable_order(client):
    for n in range(7):
        BriefingFactory(
            slug=f"b{n}",
            publish_at=timezone.now() - datetime.timedelta(hours=n // 2),  # ties on purpose
        )
    seen, url = [], "/api/v1/briefings?limit=3"
    while url:
        data = get(client, url)
        seen += [b["slug"] for b in data["items"]]
        url = data["next"]
        if url:
            url = url[url.index("/api/") :]
    assert sorted(seen) == [f"b{n}" for n in range(7)] and len(seen) == 7
    assert client.get("/api/v1/briefings", {"cursor": "bm9wZQ"}).status_code == 400
    assert client.get("/api/v1/briefings", {"limit": "1000"}).status_code == 400


def test_only_published_briefings_reach_the_api(client):
    BriefingFactory(slug="out", headline="Out now")
    DraftFactory(slug="draft", headline="Secret draft")
    BriefingFactory(
        slug="later", headline="Not yet", publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert [b["slug"] for b in get(client, "/api/v1/briefings")["items"]] == ["out"]
    assert client.get("/api/v1/briefings/draft").status_code == 404
    assert client.get("/api/v1/briefings/later").status_code == 404


def test_etag_answers_304_and_cors_allows_any_origin(client, ceta):
    first = client.get("/api/v1/agreements/ceta", HTTP_ORIGIN="https://elsewhere.example")
    assert first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    again = client.get("/api/v1/agreements/ceta", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    preflight = client.options("/api/v1/agreements/ceta")
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/agreements/ceta").status_code == 405


def test_a_change_shows_at_once_despite_the_answer_cache(client, ceta):
    before = client.get("/api/v1/agreements/ceta/parties")
    france = ceta.party_records.get(actor__slug="france")
    PartyActionFactory(party=france, kind=K.RATIFICATION, date=D(2024, 5, 1))
    after = client.get("/api/v1/agreements/ceta/parties", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    statuses = {p["actor"]["slug"]: p["status"] for p in after.json()["items"]}
    assert statuses["france"] == "bound"


def test_the_answer_cache_keeps_each_language_its_own_answer(client, ceta):
    """/api/ has no language prefix: labels and page links follow the reader's language, so a
    French reader's cached answer must not be served to an English one (nor its ETag)."""
    french = client.get("/api/v1/agreements/ceta/parties", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/agreements/ceta/parties", HTTP_ACCEPT_LANGUAGE="en")
    french_urls = {p["actor"]["url"] for p in french.json()["items"]}
    english_urls = {p["actor"]["url"] for p in english.json()["items"]}
    assert all("/fr/actors/" in url for url in french_urls)
    assert all("/en/actors/" in url for url in english_urls)
    assert french["ETag"] != english["ETag"]


def test_rate_limit_answers_429_with_retry_after(client, settings, ceta):
    settings.API_RATE_LIMIT = 3
    codes = [client.get("/api/v1/agreements/ceta").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/agreements/ceta")
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = client.get("/api/v1/agreements/ceta", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200  # per client


API_QUERIES = [
    ("/api/v1/actors", ["kind", "agreement", "updated_since", "cursor", "limit"]),
    (
        "/api/v1/agreements",
        ["kind", "status", "actor", "signed_from", "signed_to", "updated_since", "as_of"],
    ),
    ("/api/v1/agreements/ceta", ["as_of"]),
    ("/api/v1/agreements/ceta/parties", ["as_of", "status"]),
    ("/api/v1/events", ["agreement", "actor", "kind", "start_from", "start_to", "cursor"]),
    ("/api/v1/briefings", ["agreement", "actor", "kind", "published_from", "updated_since"]),
]
API_PATHS = [
    "/api/v1/actors/{}",
    "/api/v1/agreements/{}",
    "/api/v1/agreements/{}/parties",
    "/api/v1/events/{}",
    "/api/v1/briefings/{}",
]


def sane(response):
    return response.status_code < 500


@FAST
@given(value=HOSTILE)
def test_hostile_parameters_answer_4xx_never_500(client, ceta, value):
    for url, names in API_QUERIES:
        for name in names:
            response = client.get(url, {name: value})
            assert sane(response), (url, name, value)
    for path in API_PATHS:
        assert sane(client.get(path.format(quote(value, safe="")))), path


@FAST
@given(values=st.lists(HOSTILE, min_size=2, max_size=3))
def test_repeated_parameters_answer_no_500(client, ceta, values):
    for url, names in API_QUERIES:
        for name in names:
            assert sane(client.get(url, {name: values})), (url, name, values)


def build(count):
    for n in range(count):
        agreement = AgreementFactory()
        AgreementRelationFactory(source=agreement, target=AgreementFactory())
        for _ in range(3):
            party = PartyFactory(agreement=agreement)
            PartyActionFactory(party=party)
            PartyActionFactory(party=party, kind=K.RATIFICATION, date=D(2018, 1, 1))
        event = EventFactory()
        event.agreements.add(agreement)
        event.participations.create(actor=party.actor, role="host")
        briefing = BriefingFactory(tags=[f"t{n}"])
        briefing.agreements.add(agreement)
        briefing.actors.add(party.actor)
        briefing.events.add(event)
        add_byline(briefing, ContributorFactory())
        party.actor.memberships.create(organisation=ActorFactory(), role="member")


# One more than the endpoint's own queries: the cache lifetime (published()'s next change).
API_BUDGETS = {
    "/api/v1/actors": 4,
    "/api/v1/agreements?as_of=2019-01-01": 4,
    "/api/v1/agreements?updated_since=2019-01-01": 4,
    "/api/v1/agreements/{agreement}?as_of=2019-01-01": 4,
    "/api/v1/agreements/{agreement}/parties": 3,
    "/api/v1/events": 5,
    "/api/v1/briefings": 8,
}


@pytest.mark.parametrize("count", [1, 12])
def test_api_endpoints_run_constant_queries(client, count, django_assert_max_num_queries):
    build(count)
    agreement = Agreement.objects.filter(party_records__isnull=False).first().slug
    for url, budget in API_BUDGETS.items():
        url = url.format(agreement=agreement)
        with django_assert_max_num_queries(budget, info=url):
            assert client.get(url).status_code == 200


def test_the_answer_cache_serves_a_scheduled_briefing_at_its_time_not_before(client):
    BriefingFactory(slug="already-out")
    briefing = DraftFactory(slug="embargoed")
    publish_at = timezone.now() + datetime.timedelta(seconds=2)
    briefing.transition(Briefing.Status.SCHEDULED, by=editor(), publish_at=publish_at)
    assert [b["slug"] for b in get(client, "/api/v1/briefings")["items"]] == ["already-out"]

    def visible():
        asked_at = timezone.now()
        listed = [b["slug"] for b in get(client, "/api/v1/briefings")["items"]]
        detail = client.get("/api/v1/briefings/embargoed").status_code
        if "embargoed" in listed or detail == 200:
            assert timezone.now() >= publish_at, "served before its time"
        return asked_at >= publish_at + datetime.timedelta(milliseconds=200) and (
            "embargoed" in listed and detail == 200
        )

    wait_until(visible, timeout=10, interval=0.1, message="the briefing in the API at its time")


def test_withdrawal_leaves_the_api_at_once(client):
    briefing = BriefingFactory(slug="soon-withdrawn")
    assert client.get("/api/v1/briefings/soon-withdrawn").status_code == 200
    briefing.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")
    assert client.get("/api/v1/briefings/soon-withdrawn").status_code == 404
    assert get(client, "/api/v1/briefings")["items"] == []


@pytest.mark.django_db
def test_records_carry_their_french_as_given(client):
    """Names in English as the record of reference, with the editors' French beside them and
    no fallback: an absent field means no French yet."""
    ceta = AgreementFactory(
        slug="ceta-fr", title="Comprehensive Economic and Trade Agreement", short_name="CETA"
    )
    ceta.short_name_fr = "AECG"
    ceta.save()
    ActorFactory(slug="germany-fr", name="Germany", name_fr="Allemagne")
    EventFactory(slug="summit-fr", title="EU–Canada summit", title_fr="Sommet UE–Canada")

    agreement = client.get("/api/v1/agreements/ceta-fr").json()
    assert (agreement["short_name"], agreement["translations"]) == (
        "CETA",
        {"fr": {"short_name": "AECG"}},
    )
    listed = client.get("/api/v1/agreements?limit=100").json()["items"]
    assert next(a for a in listed if a["slug"] == "ceta-fr")["translations"] == {
        "fr": {"short_name": "AECG"}
    }
    actor = client.get("/api/v1/actors/germany-fr").json()
    assert (actor["name"], actor["translations"]) == ("Germany", {"fr": {"name": "Allemagne"}})
    event = client.get("/api/v1/events/summit-fr").json()
    assert event["translations"] == {"fr": {"title": "Sommet UE–Canada"}}
    PartyFactory(agreement=ceta, actor=Actor.objects.get(slug="germany-fr"))
    PartyFactory(agreement=ceta, actor=ActorFactory(slug="malta-fr", name="Malta"))
    for parties in (
        client.get("/api/v1/agreements/ceta-fr").json()["parties"],
        client.get("/api/v1/agreements/ceta-fr/parties").json()["items"],
    ):
        assert [(p["actor"]["name"], p["actor"]["translations"]) for p in parties] == [
            ("Germany", {"fr": {"name": "Allemagne"}}),
            ("Malta", {}),
        ]
