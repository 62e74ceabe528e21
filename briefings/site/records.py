"""An agreement's ratification record as rows: the page's table, its CSV and JSON downloads
and the API all read it from here, so they cannot disagree.

Statuses come from `Party.status_on()`, the one place they are derived; this module only lays
them out, as of a date when one is asked for.
"""

import csv
import io
import json
import unicodedata

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from briefings.agreements.models import Party, PartyAction

# The order readers scan a ratification table in: who is bound first, who has done nothing last.
STATUS_ORDER = [
    Party.Status.BOUND,
    Party.Status.PROVISIONAL,
    Party.Status.SIGNED,
    Party.Status.CEASED,
    Party.Status.WITHDRAWN,
    Party.Status.NONE,
]
GROUP_TITLES = {
    Party.Status.BOUND: _("Ratified or otherwise bound"),
    Party.Status.PROVISIONAL: _("Provisionally applying"),
    Party.Status.SIGNED: _("Signed, not ratified"),
    Party.Status.CEASED: _("No longer covered"),
    Party.Status.WITHDRAWN: pgettext_lazy("party status", "Withdrawn"),
    Party.Status.NONE: _("No action yet"),
}
NOTED = {
    PartyAction.Kind.DOMESTIC_APPROVAL,
    PartyAction.Kind.DOMESTIC_REJECTION,
    PartyAction.Kind.PROVISIONAL_APPLICATION,
    *PartyAction.ENDING,
}


class Row:
    """One party as of a date: its derived status and the actions on record by then."""

    def __init__(self, party, as_of=None):
        self.party = party
        self.actor = party.actor
        self.derived = party.status_on(as_of)
        self.actions = [a for a in party._actions() if as_of is None or a.period_end <= as_of]
        self.signature = party._latest(PartyAction.SIGNING, self.actions)
        self.consent = party._latest(PartyAction.CONSENT, self.actions)
        self.noted_actions = [a for a in self.actions if a.note or a.kind in NOTED]

    @property
    def status(self):
        return self.derived.status


def rows(parties, as_of=None):
    return [Row(party, as_of) for party in parties]


def reading_order(name):
    """A name as a reader alphabetises it: « Émirats » among the E, not after the Z."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def party_groups(rows):
    """Rows grouped by derived status; the bound sorted by the date they were bound.

    The others come in the English names' order from the database; readers of another
    language get them in the order of the names they read."""
    groups = {status: [] for status in STATUS_ORDER}
    for row in rows:
        groups[row.status].append(row)
    if get_language() != settings.LANGUAGE_CODE:
        for members in groups.values():
            members.sort(key=lambda r: reading_order(r.actor.name_i18n))
    groups[Party.Status.BOUND].sort(
        key=lambda r: (r.consent.date, reading_order(r.actor.name_i18n))
    )
    return [
        {"status": status, "title": GROUP_TITLES[status], "parties": members}
        for status, members in groups.items()
        if members
    ]


def escape_json(text):
    """<, > and & as JSON escapes: a JSON file opened in a browser, or pasted into a page,
    carries no markup from a name. (str.replace: str.translate with a table is 20× slower.)"""
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")


def dumps(data, indent=1):
    return escape_json(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent))


def iso(value):
    return value.isoformat() if value else None


def action_data(action):
    return {
        "kind": action.kind,
        "label": action.kind_label,
        "date": iso(action.date),
        "date_precision": action.date_precision,
        "counts_from": iso(action.period_end),
        "place": action.place,
        "note": action.note,
        "source_url": action.source_url,
    }


def party_data(row):
    """One party as plain data, for JSON downloads and the API."""
    derived = row.derived
    return {
        "actor": {
            "slug": row.actor.slug,
            "name": row.actor.name,
            "kind": row.actor.kind,
            "iso_alpha2": row.actor.iso_alpha2,
            "iso_alpha3": row.actor.iso_alpha3,
            "wikidata_qid": row.actor.wikidata_qid,
            "url": settings.SITE_URL + row.actor.get_absolute_url(),
        },
        "role": row.party.role,
        "status": derived.status,
        "status_label": derived.label,
        "status_date": iso(derived.action.date) if derived.action else None,
        "status_date_precision": derived.action.date_precision if derived.action else None,
        "approximate": derived.approximate,
        "uncertain": derived.uncertain,
        "caveat": derived.caveat,
        "signed_on": iso(row.signature.date) if row.signature else None,
        "bound_on": iso(row.consent.date) if row.consent else None,
        "note": row.party.note,
        "actions": [action_data(a) for a in row.actions],
    }


PARTY_COLUMNS = [
    "party",
    "iso_alpha2",
    "wikidata_qid",
    "role",
    "status",
    "status_date",
    "status_date_precision",
    "approximate",
    "signed_on",
    "bound_on",
    "note",
]
ACTION_COLUMNS = [
    "party",
    "iso_alpha2",
    "kind",
    "date",
    "date_precision",
    "counts_from",
    "place",
    "note",
    "source_url",
]


# A cell a spreadsheet would run as a formula (OWASP's CSV injection list) gets a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(header, lines):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in line] for line in lines)
    return out.getvalue()


def parties_csv(rows):
    return _csv(
        PARTY_COLUMNS,
        (
            [
                d["actor"]["name"],
                d["actor"]["iso_alpha2"],
                d["actor"]["wikidata_qid"],
                d["role"],
                d["status"],
                d["status_date"] or "",
                d["status_date_precision"] or "",
                "yes" if d["approximate"] else "no",
                d["signed_on"] or "",
                d["bound_on"] or "",
                d["note"],
            ]
            for d in map(party_data, rows)
        ),
    )


def actions_csv(rows):
    return _csv(
        ACTION_COLUMNS,
        (
            [
                row.actor.name,
                row.actor.iso_alpha2,
                a.kind,
                iso(a.date),
                a.date_precision,
                iso(a.period_end),
                a.place,
                a.note,
                a.source_url,
            ]
            for row in rows
            for a in row.actions
        ),
    )
