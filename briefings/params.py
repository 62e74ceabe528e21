"""Validating what clients send before it reaches a query.

PostgreSQL refuses NUL in text, so a lookup that passes `?tag=%00` straight through answers
500. A parameter that names a slug, a token or an id is checked here first: a value that
cannot be one cannot match anything, so it answers 404 (or is dropped) without a query.
Control characters are refused everywhere: no slug, token, id or search term carries them.
Imports no app, so every layer may use it.
"""

import datetime
import re

from django.core.exceptions import BadRequest
from django.http import Http404

# C0 controls (NUL included) and DEL, and the C1 controls: never in a slug, token or term.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # Django's SlugField / <slug:> converter
TAG_SLUG = re.compile(r"[-\w]+")  # taggit slugs keep their letters ("québec")
TOKEN = re.compile(r"[-\w.:]+")  # secrets.token_urlsafe() and signing.dumps() tokens
ID = re.compile(r"[0-9]{1,18}")  # a bigint primary key, as digits
MAX_LENGTH = 255


def has_control(value):
    return bool(CONTROL.search(value))


def is_slug(value, pattern=SLUG, max_length=MAX_LENGTH):
    """Whether `value` could be a slug (or token, or id: pass its pattern) at all."""
    return (
        isinstance(value, str)
        and len(value) <= max_length
        and pattern.fullmatch(value) is not None
        and value.isprintable()
    )


def is_id(value):
    return is_slug(value, ID)


def slug_param(request, name, pattern=SLUG):
    """The GET parameter `name` if it could be a slug, None if absent; Http404 otherwise."""
    value = request.GET.get(name)
    if not value:
        return None
    if not is_slug(value, pattern):
        raise Http404(f"No such “{name}”.")
    return value


def slug_list(values, pattern=SLUG):
    """Of `values`, those that could be slugs; the rest cannot match and are dropped."""
    return [value for value in values if is_slug(value, pattern)]


def has_control_in(query):
    """Whether any key or value of a QueryDict (request.GET) carries a control character."""
    return any(has_control(key) or any(map(has_control, values)) for key, values in query.lists())


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value):
    """`value` as a date if it is one in ISO 8601 (YYYY-MM-DD), else None: no other shape, no
    day 31 of February, nothing before year 1."""
    if not isinstance(value, str) or ISO_DATE.fullmatch(value) is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def date_param(request, name):
    """The GET parameter `name` as a date, None if absent or empty; BadRequest (400) if it is
    not an ISO date."""
    value = request.GET.get(name)
    if not value:
        return None
    parsed = iso_date(value)
    if parsed is None:
        raise BadRequest(f"“{name}” must be a date as YYYY-MM-DD.")
    return parsed
