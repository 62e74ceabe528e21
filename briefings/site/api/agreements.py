"""The agreements endpoints' answers from plain rows: three queries a page, no model instances.

A page of 20 agreements carries some 300 parties and 600 actions. Read as model instances with
prefetches it cost some 30 ms of CPU, most of it the ORM building objects. Here the page's
agreements come as values, then their relations and their parties, each party with its actor
and its actions (each action's `counts_from` reckoned in SQL), as JSON text per agreement, from
two queries whose SQL is compiled once (CompiledOnce); each party's status is derived in Python
from those values, and the answer is laid out as before. Each agreement's laid-out answer is
then kept as JSON bytes under its record version (see Answers), so a page the answer cache
misses lays out only the agreements changed since they were last asked for.

`derive()` follows `Party.status_on()` rule for rule, as `PartyQuerySet`'s filters do in SQL:
tests/site/test_api.py holds it to the model's derivation (the pages' and the downloads') over
generated records, field for field, for any `as_of`.
"""

import hashlib
from functools import cache as cache_per_process
from functools import cached_property
from pathlib import Path

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import get_language

from briefings import partialdate
from briefings.agreements.models import (
    KIND_LABELS,
    STATUS_LABELS,
    Agreement,
    AgreementRelation,
    DerivedStatus,
    Party,
    PartyAction,
)
from briefings.paths import PLACEHOLDER, SLUG, slug_path
from briefings.site.api import http
from briefings.site.api.http import json_fragment
from briefings.site.cache import MAX_AGE


class JSONRows(models.Aggregate):
    """One JSON array per row, aggregated (json_agg), as JSON to nest in another's rows."""

    function = "json_agg"
    template = "%(function)s(json_build_array(%(expressions)s)%(order_by)s)"
    allow_order_by = True
    output_field = models.JSONField()


class JSONRowsText(JSONRows):
    """The same as text: psycopg passes text through as it is, and orjson reads it several
    times faster than a JSONField's converter would."""

    template = f"({JSONRows.template})::text"
    output_field = models.TextField()


def json_rows(queryset, group, *fields, order_by, text=True):
    """`fields` of the rows of `queryset` that share `group` (the column an OuterRef filter
    ties to the outer row), as JSON (text unless nested); None where there are none."""
    rows = (JSONRowsText if text else JSONRows)(*fields, order_by=order_by)
    return Subquery(queryset.order_by().values(group).values(rows=rows))


# In the answer's order; `url` comes after `summary`, `as_of` and what follows after these.
FIELDS = [
    "slug",
    "title",
    "short_name",
    "kind",
    "status",
    "needs_ratification",
    "summary",
    "concluded_on",
    "signed_on",
    "signed_precision",
    "provisionally_applied_on",
    "in_force_on",
    "ended_on",
    "adopted_on",
    "adopted_precision",
    "applies_from",
    "updated_at",
]
RELATIONS_TO = json_rows(
    AgreementRelation.objects.filter(source=OuterRef("pk")),
    "source",
    "kind",
    "target__slug",
    "note",
    order_by=["pk"],
)
RELATIONS_FROM = json_rows(
    AgreementRelation.objects.filter(target=OuterRef("pk")),
    "target",
    "kind",
    "source__slug",
    "note",
    order_by=["pk"],
)
# Each action: kind, date, date_precision, counts_from, place, note, source_url, in date order
# (Party._actions()'s).
ACTIONS = json_rows(
    PartyAction.objects.filter(party=OuterRef("pk")),
    "party",
    "kind",
    "date",
    "date_precision",
    partialdate.period_end_expression("date", "date_precision"),
    "place",
    "note",
    "source_url",
    order_by=["date", "pk"],
    text=False,
)


def translations(i18n):
    """A record's modeltrans values ({"title_fr": …}) as the API gives them, by language."""
    given = {}
    for key, value in (i18n or {}).items():
        field, _, language = key.rpartition("_")
        if value:
            given.setdefault(language, {})[field] = value
    return given


def versions(queryset):
    """Each agreement's id and record version, as dicts, for Answers.agreements()."""
    return queryset.values("id", "record_version")


class AnyOf(models.Lookup):
    """`lhs = ANY(%s)`: one array parameter, so the SQL is the same however many values."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class CompiledOnce:
    """A values_list() query over a list of ids, its SQL compiled once per process.

    Compiling the nested expressions below cost more than PostgreSQL took to run them (over a
    millisecond a request); their SQL only ever differs by the list, one array parameter.
    `build(ids)` makes the query from a list it must pass, as it is, to AnyOf.
    """

    def __init__(self, build):
        self.build = build

    @cached_property
    def statement(self):
        ids = []  # stands for each call's ids; found again among the parameters by identity
        sql, params = self.build(ids).query.sql_with_params()
        return sql, params, next(i for i, p in enumerate(params) if p is ids)

    def __call__(self, ids):
        """{first column: (the other columns)} of the rows for these ids."""
        if not ids:
            return {}
        sql, params, at = self.statement
        params = [*params[:at], list(ids), *params[at + 1 :]]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {key: values for key, *values in cursor.fetchall()}


# {agreement id: (its FIELDS…, i18n, relations to, relations from)}: i18n and the relations as
# JSON text or None.
ROWS = CompiledOnce(
    lambda ids: (
        Agreement.objects.filter(AnyOf(F("pk"), ids))
        .order_by()
        .values_list("pk", *FIELDS, "i18n", RELATIONS_TO, RELATIONS_FROM)
    )
)
# {agreement id: (its parties,)}, as JSON text: each party's role, note, its actor's slug, name,
# kind, iso_alpha2, iso_alpha3, wikidata_qid and French name (or null), and its actions (or
# null); by actor name, Party's order. Grouped in one query, not a subquery per agreement:
# PostgreSQL then joins the actors once for the page, where it would scan them again for every
# agreement.
PARTIES = CompiledOnce(
    lambda ids: (
        Party.objects.filter(AnyOf(F("agreement_id"), ids))
        .order_by()
        .values("agreement_id")
        .annotate(
            rows=JSONRowsText(
                "role",
                "note",
                "actor__slug",
                "actor__name",
                "actor__kind",
                "actor__iso_alpha2",
                "actor__iso_alpha3",
                "actor__wikidata_qid",
                "actor__name_fr",
                ACTIONS,
                order_by=["actor__name", "pk"],
            )
        )
        .values_list("agreement_id", "rows")
    )
)


def absolute_urls(viewname):
    """slug → absolute URL of `viewname`'s page, reversing the route once per answer."""
    head, tail = slug_path(viewname, PLACEHOLDER).split(PLACEHOLDER)
    head = settings.SITE_URL + head

    def url(slug):
        if SLUG.fullmatch(slug):
            return f"{head}{slug}{tail}"
        return settings.SITE_URL + slug_path(viewname, slug)

    return url


CONSENT = frozenset(PartyAction.CONSENT)
ENDING = frozenset(PartyAction.ENDING)
SIGNING = frozenset(PartyAction.SIGNING)
STATUS_KINDS = frozenset(PartyAction.STATUS_KINDS)
PROVISIONAL = PartyAction.Kind.PROVISIONAL_APPLICATION
WITHDRAWAL = PartyAction.Kind.WITHDRAWAL
DAY = partialdate.Precision.DAY
# Indexes into an action row: see ACTIONS.
KIND, DATE, PRECISION, COUNTS_FROM, PLACE, NOTE, SOURCE = range(7)


def derive(actions, as_of):
    """(status, deciding action, uncertain, actions on record, signature, consent) of a party
    with these action rows (in date order) on `as_of` (an ISO date, or None for today's record):
    Party.status_on() and records.Row on plain rows. ISO dates compare as strings do."""
    if as_of is None:
        counted, uncertain = actions, False
    else:
        counted = [a for a in actions if a[COUNTS_FROM] <= as_of]
        uncertain = any(
            a[DATE] <= as_of < a[COUNTS_FROM] and a[KIND] in STATUS_KINDS for a in actions
        )
    consent = ending = provisional = signature = None
    for action in counted:  # the latest of each kind wins
        kind = action[KIND]
        if kind in CONSENT:
            consent = action
        elif kind in ENDING:
            ending = action
        elif kind in SIGNING:
            signature = action
        elif kind == PROVISIONAL:
            provisional = action
    if ending and (consent is None or ending[DATE] >= consent[DATE]):
        status = Party.Status.WITHDRAWN if ending[KIND] == WITHDRAWAL else Party.Status.CEASED
        decided_by = ending
    elif consent:
        status, decided_by = Party.Status.BOUND, consent
    elif provisional:
        status, decided_by = Party.Status.PROVISIONAL, provisional
    elif signature:
        status, decided_by = Party.Status.SIGNED, signature
    else:
        status, decided_by = Party.Status.NONE, None
    return status, decided_by, uncertain, counted, signature, consent


def caveat(decided_by, approximate, uncertain):
    """DerivedStatus's caveat (its words, not a copy), for the few rows that have one."""
    if not (approximate or uncertain):
        return ""
    action = PartyAction(date_precision=decided_by[PRECISION]) if decided_by else None
    return DerivedStatus(
        status="", action=action, as_of=None, approximate=approximate, uncertain=uncertain
    ).caveat


def party_data(row, as_of, actor_url, labels):
    """records.party_data() of one party row, as of an ISO date or None; `labels` are
    Labels() of this request."""
    kind_labels, status_labels = labels
    role, note, slug, name, kind, iso_alpha2, iso_alpha3, wikidata_qid, name_fr, actions = row
    status, decided_by, uncertain, counted, signature, consent = derive(actions or (), as_of)
    approximate = decided_by is not None and decided_by[PRECISION] != DAY
    if status == Party.Status.BOUND:
        label = kind_labels.get(decided_by[KIND], decided_by[KIND])
    else:
        label = status_labels[status]
    return {
        "actor": {
            "slug": slug,
            "name": name,
            "kind": kind,
            "iso_alpha2": iso_alpha2,
            "iso_alpha3": iso_alpha3,
            "wikidata_qid": wikidata_qid,
            "url": actor_url(slug),
            "translations": translations({"name_fr": name_fr}),
        },
        "role": role,
        "status": status,
        "status_label": label,
        "status_date": decided_by[DATE] if decided_by else None,
        "status_date_precision": decided_by[PRECISION] if decided_by else None,
        "approximate": approximate,
        "uncertain": uncertain,
        "caveat": caveat(decided_by, approximate, uncertain),
        "signed_on": signature[DATE] if signature else None,
        "bound_on": consent[DATE] if consent else None,
        "note": note,
        "actions": [
            {
                "kind": a[KIND],
                "label": kind_labels.get(a[KIND], a[KIND]),
                "date": a[DATE],
                "date_precision": a[PRECISION],
                "counts_from": a[COUNTS_FROM],
                "place": a[PLACE],
                "note": a[NOTE],
                "source_url": a[SOURCE],
            }
            for a in counted
        ],
    }


STATUSES = Party.Status.values


def labels():
    """The action kinds' and statuses' labels in the request's language, as strings: each is
    translated once an answer, not once for each of its hundreds of actions."""
    return (
        {kind: str(label) for kind, label in KIND_LABELS.items()},
        {status: str(label) for status, label in STATUS_LABELS.items()},
    )


def counts(parties):
    tally = dict.fromkeys(STATUSES, 0)
    for party in parties:
        tally[party["status"]] += 1
    return {"parties": len(parties), **tally}


# The code that lays fragments out and writes them (this module, http.py's json_fragment()): a
# fragment laid out by other code is never read back.
LAYOUT = hashlib.blake2b(
    b"".join(Path(module).read_bytes() for module in (__file__, http.__file__)), digest_size=8
).hexdigest()
# A fragment is reached through its record version, never stale: its lifetime only bounds
# memory. Today's record has one fragment per agreement and language, kept a day; the dates a
# client may ask for are countless, so a dated one lives as long as a cached answer does.
FRAGMENT_TTL = 24 * 3600
DATED_FRAGMENT_TTL = MAX_AGE


@cache_per_process
def layout_stamp(language, site_url):
    """What, beside the record and `as_of`, a fragment's bytes depend on: this module's code,
    the site's address and the language's links, labels and caveats (a new catalog or
    SITE_URL must not meet fragments laid out with the old). Called in `language`, once a
    process: a process's catalogs never change."""
    month = [None, None, partialdate.Precision.MONTH]
    year = [None, None, partialdate.Precision.YEAR]
    given = (
        LAYOUT,
        site_url,
        absolute_urls("actors:detail")("x"),
        absolute_urls("agreements:detail")("x"),
        labels(),
        caveat(None, False, True),
        caveat(month, True, False),
        caveat(year, True, False),
    )
    return hashlib.blake2b(repr(given).encode(), digest_size=8).hexdigest()


class Answers:
    """Lays out one request's agreements and parties, as of a date (a `date` or None).

    Each agreement's answer is kept in the cache as JSON bytes (a fragment) under the
    agreement's `record_version`, which the database moves on every change to anything the
    answer shows (migration agreements/0007), with the request's language, `as_of` and
    layout_stamp(). A page of agreements then reads the ids and versions of its rows, fetches
    their fragments in one round trip and lays out only those missing, from two queries for
    just those ids; `json_body()` writes the fragments into the answer as they are
    (orjson.Fragment), so a page from fragments is byte for byte the page laid out afresh.
    An agreement's parties, for its parties endpoint, are kept the same way.
    """

    def __init__(self, as_of):
        self.as_of = as_of
        self.on = as_of.isoformat() if as_of else None
        language = get_language()
        stamp = layout_stamp(language, settings.SITE_URL)
        self.prefix = f"api:{language}:{self.on or ''}:{stamp}"
        self.ttl = FRAGMENT_TTL if as_of is None else DATED_FRAGMENT_TTL

    # Only an answer not in the cache needs these.
    @cached_property
    def actor_url(self):
        return absolute_urls("actors:detail")

    @cached_property
    def agreement_url(self):
        return absolute_urls("agreements:detail")

    @cached_property
    def labels(self):
        return labels()

    def key(self, kind, pk, version):
        return f"{self.prefix}:{kind}:{pk}:{version}"

    def parties(self, text):
        """Each party of PARTIES' JSON text (None: no parties) laid out."""
        rows = orjson.loads(text) if text else ()
        return [party_data(row, self.on, self.actor_url, self.labels) for row in rows]

    def agreements(self, rows):
        """The answer for each of versions()' rows, as orjson Fragments, from the cache where
        it holds them."""
        keys = [self.key("agreement", row["id"], row["record_version"]) for row in rows]
        found = cache.get_many(keys)
        missing = [row["id"] for row, key in zip(rows, keys, strict=True) if key not in found]
        if missing:
            made = self.laid_out(missing)
            fresh = {
                key: made[row["id"]]
                for row, key in zip(rows, keys, strict=True)
                if key not in found and row["id"] in made
            }
            cache.set_many(fresh, self.ttl)
            found.update(fresh)
        return [orjson.Fragment(found[key]) for key in keys if key in found]

    def laid_out(self, ids):
        """{id: the agreement's answer as JSON bytes} for these ids (those that still exist)."""
        rows, parties = ROWS(ids), PARTIES(ids)
        return {
            pk: json_fragment(self.agreement(pk, *row, *parties.get(pk, [None])))
            for pk, row in rows.items()
        }

    def agreement(self, pk, *values):
        *fields, i18n, relations_to, relations_from, parties = values
        row = dict(zip(FIELDS, fields, strict=True))
        parties = self.parties(parties)
        relations = [
            {"kind": kind, "direction": "to", "agreement": slug, "note": note}
            for kind, slug, note in orjson.loads(relations_to or "[]")
        ] + [
            {"kind": kind, "direction": "from", "agreement": slug, "note": note}
            for kind, slug, note in orjson.loads(relations_from or "[]")
        ]
        data = {name: row[name] for name in FIELDS[:7]}
        data["url"] = self.agreement_url(row["slug"])
        data.update((name, row[name]) for name in FIELDS[7:])
        data.update(as_of=self.as_of, counts=counts(parties), relations=relations, parties=parties)
        data["translations"] = translations(orjson.loads(i18n) if i18n else None)
        return data

    def agreement_parties(self, pk, version):
        """(counts, [(status, the party's answer as orjson Fragment)]) of one agreement's
        parties, from the cache where it holds them."""
        key = self.key("parties", pk, version)
        found = cache.get(key)
        if found is None:
            (text,) = PARTIES([pk]).get(pk, [None])
            parties = self.parties(text)
            found = (counts(parties), [(p["status"], json_fragment(p)) for p in parties])
            cache.set(key, found, self.ttl)
        tally, parties = found
        return tally, [(status, orjson.Fragment(body)) for status, body in parties]
