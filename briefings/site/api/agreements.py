"""The agreements endpoints' answers from plain rows: two queries a page, no model instances.

A page of 20 agreements carries some 300 parties and 600 actions. Read as model instances with
prefetches it cost some 30 ms, two thirds of it the ORM building objects. Here PostgreSQL hands
over each agreement with its relations, and each party with its actor and its actions (each
action's `counts_from` reckoned in SQL), as plain values and JSON text; each party's status is
derived in Python from those values, and the answer is laid out as before.

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
    Agreement,
    AgreementRelation,
    DerivedStatus,
    Party,
    PartyAction,
)
from briefings.paths import PLACEHOLDER, SLUG, slug_path


class JSONRows(models.Aggregate):
    """One JSON array per row, aggregated, as text: psycopg passes text through as it is, and
    orjson reads it several times faster than a JSONField's converter would."""

    function = "json_agg"
    template = "%(function)s(json_build_array(%(expressions)s)%(order_by)s)::text"
    allow_order_by = True
    output_field = models.TextField()


def json_rows(queryset, group, *fields, order_by):
    """`fields` of the rows of `queryset` that share `group` (the column an OuterRef filter
    ties to the outer row), as JSON text; None where there are none."""
    return Subquery(
        queryset.order_by().values(group).values(rows=JSONRows(*fields, order_by=order_by))
    )


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
ACTOR_FIELDS = ["slug", "name", "kind", "iso_alpha2", "iso_alpha3", "wikidata_qid"]
# kind, date, date_precision, counts_from, place, note, source_url: in Party._actions() order.
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
)


def agreement_rows(queryset):
    """What an answer shows of each agreement, as dicts (its relations still JSON text)."""
    return queryset.values("id", *FIELDS, relations_to=RELATIONS_TO, relations_from=RELATIONS_FROM)


def party_rows(agreement_ids):
    """{agreement id: [(role, note, actor's fields…, actions as JSON text)]}, each agreement's
    parties in Party's order (by actor name)."""
    parties = {}
    rows = (
        Party.objects.filter(agreement_id__in=agreement_ids)
        .order_by("agreement_id", "actor__name", "pk")
        .values_list(
            "agreement_id", "role", "note", *(f"actor__{f}" for f in ACTOR_FIELDS), ACTIONS
        )
    )
    for agreement_id, *row in rows:
        parties.setdefault(agreement_id, []).append(row)
    return parties


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
    actions = orjson.loads(actions) if actions else []
    status, decided_by, uncertain, counted, signature, consent = derive(actions, as_of)
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

    def parties(self, rows):
        return [party_data(row, self.on, self.actor_url) for row in rows]

    def agreements(self, rows):
        """The answer for each of `rows` (agreement_rows()), its parties fetched at once."""
        parties = party_rows([row["id"] for row in rows])
        return [self.agreement(row, parties.get(row["id"], ())) for row in rows]

    def agreement(self, row, party_rows):
        parties = self.parties(party_rows)
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


def one(slug):
    """The agreement with this slug as agreement_rows() gives it, or None."""
    return agreement_rows(Agreement.objects.filter(slug=slug)).first()
