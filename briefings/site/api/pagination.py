"""Keyset pagination: a page is "the rows after this one" in a stable order, never an offset.

The cursor is opaque to clients (base64 of the last row's sort values); a tampered one answers
400. Orders always end on the primary key, so ties cannot reorder between pages.
"""

import base64
import datetime
import json

from django.conf import settings
from django.db.models import Q
from ninja.errors import HttpError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _encode(values):
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor, kinds):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [kind(value) for kind, value in zip(kinds, values, strict=True)]
    except (ValueError, TypeError, UnicodeError, json.JSONDecodeError, OverflowError) as exc:
        raise HttpError(400, "The cursor is not one this API gave out.") from exc


def _datetime(value):
    if not isinstance(value, str):
        raise ValueError
    return datetime.datetime.fromisoformat(value)


def _int(value):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise ValueError
    return value


KINDS = {"id": _int, "publish_at": _datetime}


def paginate(request, queryset, order, cursor, limit):
    """(rows, next URL, next cursor) for `queryset` ordered by `order` (field names, "-" for
    descending, the last one "id" or "-id"); rows may be model instances or values() dicts."""
    limit = limit or DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"“limit” must be between 1 and {MAX_LIMIT}.")
    fields = [name.lstrip("-") for name in order]
    queryset = queryset.order_by(*order)
    if cursor:
        values = _decode(cursor, [KINDS[f] for f in fields])
        after = Q()
        for i, name in enumerate(order):
            field = fields[i]
            op = "lt" if name.startswith("-") else "gt"
            step = Q(**{f"{field}__{op}": values[i]})
            for j in range(i):
                step &= Q(**{fields[j]: values[j]})
            after |= step
        queryset = queryset.filter(after)
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None, None
    rows = rows[:limit]
    last = rows[-1]
    token = _encode([last[f] if isinstance(last, dict) else getattr(last, f) for f in fields])
    query = request.GET.copy()
    query["cursor"] = token
    return rows, f"{settings.SITE_URL}{request.path}?{query.urlencode()}", token
