"""Template helpers for the public site: the desk's clock, absolute URLs, safe JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override, pgettext

from briefings.clock import desk_time
from briefings.newsroom.richtext import render_markdown
from briefings.partialdate import day_month_year
from briefings.paths import slug_path
from briefings.site.cache import is_tracking

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


# The active language's "date, time zone" pattern, looked up once per language.
_MOMENTS = {}


def moment_pattern():
    language = get_language()
    pattern = _MOMENTS.get(language)
    if pattern is None:
        # Translators: a date and a time on the desk's clock: "23 June 2025, 14:30 CEST".
        pattern = _MOMENTS[language] = pgettext("date and time", "%(date)s, %(time)s %(zone)s")
    return pattern


@register.filter
def desk_datetime(value):
    """“23 June 2025, 14:30 CEST”, « 23 juin 2025 à 14:30 CEST »."""
    if not value:
        return ""
    local = desk_time(value)
    return moment_pattern() % {
        "date": day_month_year(local),
        "time": f"{local:%H:%M}",
        "zone": local.tzname(),
    }


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


def _counterpart(path, code):
    """The path in language `code`: translate_url() where the path resolves, else (a 404) the
    same path under the other language's prefix, else that language's home page."""
    translated = translate_url(path, code)
    if translated != path or code == get_language():
        return translated
    for other, _ in settings.LANGUAGES:
        if path.startswith(f"/{other}/"):
            return f"/{code}/{path.removeprefix(f'/{other}/')}"
    with override(code):
        return reverse("home")


# What the switcher carries over to the other language: a search, a page, a date or a choice the
# views check. Not slugs (a topic, an actor): a page that echoed any slug could name a record
# that is not public. An error page carries nothing over.
KEPT_PARAMETERS = {"q", "page", "letter", "as_of", "type", "kind", "from", "to"}


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """The page in each language, for the switcher and the hreflang links.

    A view that knows its counterparts (a briefing and its translations) passes `alternates`,
    {language code: path}; otherwise each is the same address under the other language. The
    switcher keeps a search, a page or a date (KEPT_PARAMETERS), never tracking parameters.
    """
    request = context["request"]
    given = context.get("alternates")
    current = get_language()
    params = request.GET.copy()
    for key in [key for key in params if key not in KEPT_PARAMETERS or is_tracking(key)]:
        del params[key]
    query = "" if context.get("error_page") else params.urlencode()
    alternates = []
    for code, name in settings.LANGUAGES:
        if given is not None:
            path = given.get(code)
            indexed = path is not None
            if path is None:
                path = _counterpart(request.path, code)
        else:
            path, indexed = _counterpart(request.path, code), True
        alternates.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "href": f"{path}?{query}" if query else path,
                "url": settings.SITE_URL + path,
                "current": code == current,
                "indexed": indexed,
                "default": False,
            }
        )
    # x-default: the site's default language where the page has it, else its first version.
    indexed = [a for a in alternates if a["indexed"]]
    if indexed:
        default = next((a for a in indexed if a["code"] == settings.LANGUAGE_CODE), indexed[0])
        default["default"] = True
    return alternates
