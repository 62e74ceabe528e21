"""Template helpers for the public site: the desk's clock, absolute URLs, safe JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from briefings.clock import desk_time
from briefings.newsroom.richtext import render_markdown
from briefings.partialdate import day_month_year
from briefings.paths import slug_path

register = template.Library()

# Escaped so that no string in the data can close the <script> element or open a comment.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def desk_date(value):
    """“23 June 2025”, the day as the desk's clock saw it."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = desk_time(value)
    return day_month_year(value)


@register.filter
def desk_datetime(value):
    """“23 June 2025, 14:30 CEST”."""
    if not value:
        return ""
    local = desk_time(value)
    return f"{day_month_year(local)}, {local:%H:%M} {local.tzname()}"


@register.filter
def tag_url(slug):
    return slug_path("tag", slug)


@register.filter
def iso(value):
    return value.isoformat() if value else ""


@register.filter
def markdown(value):
    return render_markdown(value)


@register.simple_tag
def absolute(path):
    """The canonical address of a path: always on settings.SITE_URL, whatever the Host header."""
    return settings.SITE_URL + str(path)


@register.simple_tag
def jsonld(data):
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
