"""The ratification map and the timeline of actions, as SVG, cached as one fragment.

Colours come from the parties' derived status (`Party.status`), never from anything typed: each
status key is a CSS class (`st-bound`, `st-signed`, …) whose colour is a CSS variable in
site.css, so print and dark mode restyle it without touching this module, and a new status
needs only its variable and legend entry (an unknown one still draws, in a neutral colour).
The fragment is cached under a digest of everything it shows (each party, its status and its
dated actions), so any change to the record gives a new key: a stale map cannot be served.
"""

import datetime
import hashlib
import json
from functools import cache as memoise
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext_lazy

from briefings import partialdate
from briefings.agreements.models import Party, PartyAction

SHAPES = Path(__file__).with_name("shapes.json")
FRAGMENT_SECONDS = 24 * 3600
VERSION = 4  # bump when the markup changes

# The timeline's lanes, top to bottom: which action kinds each shows.
LANES = [
    ("signed", pgettext_lazy("timeline lane", "Signature"), set(PartyAction.SIGNING)),
    (
        "provisional",
        pgettext_lazy("timeline lane", "Provisional application"),
        {PartyAction.Kind.PROVISIONAL_APPLICATION},
    ),
    ("bound", pgettext_lazy("timeline lane", "Ratification"), set(PartyAction.CONSENT)),
    (
        "withdrawn",
        pgettext_lazy("timeline lane", "Withdrawal or end of coverage"),
        set(PartyAction.ENDING),
    ),
]
# The timeline's description counts each lane: "27 signatures".
LANE_COUNTS = {
    "signed": lambda n: ngettext("%(count)s signature", "%(count)s signatures", n),
    "provisional": lambda n: ngettext(
        "%(count)s provisional application", "%(count)s provisional applications", n
    ),
    "bound": lambda n: ngettext("%(count)s ratification", "%(count)s ratifications", n),
    "withdrawn": lambda n: ngettext(
        "%(count)s withdrawal or end of coverage", "%(count)s withdrawals or ends of coverage", n
    ),
}
# The timeline's geometry, in SVG user units.
WIDTH, LEFT, RIGHT = 1000, 190, 24
CHART_TOP, CHART_H, LANE_H = 20, 130, 26


@memoise
def shapes():
    return json.loads(SHAPES.read_text())


def status_label(status):
    try:
        return Party.Status(status).label
    except ValueError:
        return str(status).replace("_", " ").capitalize()


def data_version(agreement, parties):
    """A digest of what the map and timeline show: the fragment's cache key."""
    record = [
        agreement.pk,
        agreement.display_name,
        [
            (
                p.pk,
                p.actor.name_i18n,
                p.actor.iso_alpha3,
                str(p.status),
                p.get_status_display(),
                [(a.pk, a.kind, a.date.isoformat(), a.date_precision) for a in p._actions()],
            )
            for p in parties
        ],
        datetime.date.today().isoformat(),  # the timeline runs to today
    ]
    return hashlib.sha256(json.dumps(record, default=str).encode()).hexdigest()[:24]


def fragment(agreement, parties):
    """The map and the timeline for an agreement's page, from the cache when the record has not
    changed. Parties must come with their actors and actions prefetched (no query here)."""
    if not parties:
        return ""
    key = (
        f"agreement-charts:{VERSION}:{get_language()}:{agreement.pk}:"
        f"{data_version(agreement, parties)}"
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "site/agreements/_charts.html",
            {
                "agreement": agreement,
                "map": map_context(parties),
                "timeline": timeline_context(parties),
            },
        )
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - a template's autoescaped output


def party_title(party):
    action = party.status_action
    values = {"name": party.actor.name_i18n, "status": party.get_status_display()}
    if action:
        return gettext("%(name)s: %(status)s, %(date)s") % {**values, "date": action.date_display}
    return gettext("%(name)s: %(status)s") % values


def map_context(parties):
    data = shapes()
    by_code = {p.actor.iso_alpha3: p for p in parties if p.actor.iso_alpha3}
    drawn = {s["id"] for s in data["shapes"] if s["id"]}
    counts = {}
    for party in parties:
        counts[str(party.status)] = counts.get(str(party.status), 0) + 1
    land, marked = [], []
    for shape in data["shapes"]:
        party = by_code.get(shape["id"])
        if party is None:
            land.append({"d": shape["d"], "title": shape["name"]})
            continue
        entry = {
            "d": shape["d"],
            "iso": shape["id"],
            "status": str(party.status),
            "title": party_title(party),
            "marker": shape["marker"],
        }
        (marked if shape["marker"] else land).append(entry)
    known = [str(s) for s in Party.Status]
    order = sorted(counts, key=lambda s: known.index(s) if s in known else len(known))
    return {
        "width": data["width"],
        "height": data["height"],
        "frames": data["frames"],
        "land": land,
        "marked": marked,
        "legend": [{"status": s, "label": status_label(s), "count": counts[s]} for s in order],
        "summary": "; ".join(
            gettext("%(status)s: %(count)s") % {"status": status_label(s), "count": counts[s]}
            for s in order
        ),
        "count": len(parties),
        "off_map": [p for p in parties if p.actor.iso_alpha3 not in drawn],  # blocs too
    }


def lane_of(kind):
    return next((lane for lane, _label, kinds in LANES if kind in kinds), None)


def timeline_context(parties):
    """Actions over time: a step line of parties bound, and a lane of ticks per kind."""
    actions = sorted(
        ((a, p) for p in parties for a in p._actions() if lane_of(a.kind)),
        key=lambda pair: (pair[0].date, pair[1].actor.name_i18n),
    )
    if not actions:
        return None
    first, last = actions[0][0], actions[-1][0]
    start = datetime.date(first.date.year, 1, 1)
    end = datetime.date(last.date.year + 1, 1, 1)
    span = (end - start).days
    total = len(parties)
    lanes_top = CHART_TOP + CHART_H + 36

    def x(day):
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span, 1)

    def y(count):
        return round(CHART_TOP + CHART_H - CHART_H * count / max(total, 1), 1)

    # Parties bound over time: +1 at a consent, −1 when a bound party withdraws.
    bound, points, level = set(), [f"{LEFT},{y(0)}"], 0
    for action, party in actions:
        lane = lane_of(action.kind)
        if lane == "bound" and party.pk not in bound:
            bound.add(party.pk)
        elif lane == "withdrawn" and party.pk in bound:
            bound.discard(party.pk)
        else:
            continue
        points += [f"{x(action.date)},{y(level)}", f"{x(action.date)},{y(len(bound))}"]
        level = len(bound)
    points.append(f"{x(end)},{y(level)}")
    lanes = []
    for index, (lane, label, _kinds) in enumerate(LANES):
        top = lanes_top + index * LANE_H
        ticks = [
            {
                "x": x(a.date),
                "title": gettext("%(name)s: %(status)s, %(date)s")
                % {
                    "name": p.actor.name_i18n,
                    "status": a.get_kind_display(),
                    "date": a.date_display,
                },
            }
            for a, p in actions
            if lane_of(a.kind) == lane
        ]
        lanes.append(
            {"lane": lane, "label": label, "top": top, "bottom": top + LANE_H - 6, "ticks": ticks}
        )
    height = lanes_top + LANE_H * len(LANES) + 6
    counts = ", ".join(
        LANE_COUNTS[lane["lane"]](len(lane["ticks"])) % {"count": len(lane["ticks"])}
        for lane in lanes
        if lane["ticks"]
    )
    desc = ngettext(
        "From %(start)s to %(end)s: %(counts)s. %(level)s of %(total)s party bound at the end "
        "of the record.",
        "From %(start)s to %(end)s: %(counts)s. %(level)s of %(total)s parties bound at the end "
        "of the record.",
        total,
    ) % {
        "start": partialdate.format_partial(first.date, first.date_precision),
        "end": partialdate.format_partial(last.date, last.date_precision),
        "counts": counts,
        "level": level,
        "total": total,
    }
    return {
        "width": WIDTH,
        "height": height,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": CHART_TOP,
        "baseline": CHART_TOP + CHART_H,
        "years": [
            {"x": x(datetime.date(year, 1, 1)), "year": year}
            for year in range(start.year, end.year + 1)
        ],
        "year_y": CHART_TOP + CHART_H + 20,
        "grid_bottom": height - 6,
        "points": " ".join(points),
        "level": level,
        "level_y": y(level) - 6,
        "total": total,
        "lanes": lanes,
        "desc": desc,
        "actions": actions,
    }
