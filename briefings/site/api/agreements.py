"""The agreements endpoints' answers from plain rows: one query a page, no model instances.

A page of 20 agreements carries some 300 parties and 600 actions. Read as model instances with
prefetches it cost some 30 ms, two thirds of it the ORM building objects. Here one query hands
over each agreement's fields as values, and its relations and its parties, each with its actor
and its actions (each action's `counts_from` reckoned in SQL), as JSON text; each party's
status is derived in Python from those values, and the answer is laid out as before.

`derive()` follows `Party.status_on()` rule for rule, as `PartyQuerySet`'s filters do in SQL:
tests/site/test_api.py holds it to the model's derivation (the pages' and the downloads') over
generated records, field for field, for any `as_of`.
"""

import orjson
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery

from briefings import partialdate
from briefings.agreements.models import (
    KIND_LABELS,
    STATUS_LABELS,
    AgreementRelation,
    DerivedStatus,
    Party,
    PartyAction,
)
from briefings.paths import PLACEHOLDER, SLUG, slug_path


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
# Each party: role, note, its actor's slug, name, kind, iso_alpha2, iso_alpha3 and
# wikidata_qid, and its actions (or null); by actor name, Party's order.
PARTIES = json_rows(
    Party.objects.filter(agreement=OuterRef("pk")),
    "agreement",
    "role",
    "note",
    "actor__slug",
    "actor__name",
    "actor__kind",
    "actor__iso_alpha2",
    "actor__iso_alpha3",
    "actor__wikidata_qid",
    ACTIONS,
    order_by=["actor__name", "pk"],
)


def agreement_rows(queryset):
    """What an answer shows of each agreement, as dicts: its own fields, and its relations and
    parties as JSON text."""
    return queryset.values(
        "id", *FIELDS, relations_to=RELATIONS_TO, relations_from=RELATIONS_FROM, party_rows=PARTIES
    )


def party_rows(queryset):
    """(slug, parties as JSON text) of the one agreement in `queryset`, or None."""
    return queryset.values_list("slug", PARTIES).first()


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


def party_data(row, as_of, actor_url):
    """records.party_data() of one party row, as of an ISO date or None."""
    role, note, slug, name, kind, iso_alpha2, iso_alpha3, wikidata_qid, actions = row
    status, decided_by, uncertain, counted, signature, consent = derive(actions or (), as_of)
    approximate = decided_by is not None and decided_by[PRECISION] != DAY
    if status == Party.Status.BOUND:
        label = KIND_LABELS.get(decided_by[KIND], decided_by[KIND])
    else:
        label = STATUS_LABELS[status]
    return {
        "actor": {
            "slug": slug,
            "name": name,
            "kind": kind,
            "iso_alpha2": iso_alpha2,
            "iso_alpha3": iso_alpha3,
            "wikidata_qid": wikidata_qid,
            "url": actor_url(slug),
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
                "label": KIND_LABELS.get(a[KIND], a[KIND]),
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


def counts(parties):
    tally = dict.fromkeys(Party.Status.values, 0)
    for party in parties:
        tally[party["status"]] += 1
    return {"parties": len(parties), **tally}


class Answers:
    """Lays out one request's agreements and parties, as of a date (a `date` or None)."""

    def __init__(self, as_of):
        self.as_of = as_of
        self.on = as_of.isoformat() if as_of else None
        self.actor_url = absolute_urls("actors:detail")
        self.agreement_url = absolute_urls("agreements:detail")

    def parties(self, text):
        """Each party of PARTIES' JSON text (None: no parties) laid out."""
        rows = orjson.loads(text) if text else ()
        return [party_data(row, self.on, self.actor_url) for row in rows]

    def agreement(self, row):
        """The answer for one of agreement_rows()."""
        parties = self.parties(row["party_rows"])
        relations = [
            {"kind": kind, "direction": "to", "agreement": slug, "note": note}
            for kind, slug, note in orjson.loads(row["relations_to"] or "[]")
        ] + [
            {"kind": kind, "direction": "from", "agreement": slug, "note": note}
            for kind, slug, note in orjson.loads(row["relations_from"] or "[]")
        ]
        data = {name: row[name] for name in FIELDS[:7]}
        data["url"] = self.agreement_url(row["slug"])
        data.update((name, row[name]) for name in FIELDS[7:])
        data.update(as_of=self.as_of, counts=counts(parties), relations=relations, parties=parties)
        return data
