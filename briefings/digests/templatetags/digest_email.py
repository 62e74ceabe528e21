"""What the email templates say about a briefing, in the language they are rendered in."""

from django import template
from django.utils.text import get_text_list
from django.utils.translation import gettext, pgettext, pgettext_lazy

from briefings.clock import desk_time
from briefings.partialdate import day_month_year

register = template.Library()

# How an email names the language of a briefing that is not in the reader's.
IN_LANGUAGE = {
    "en": pgettext_lazy("a briefing written in", "in English"),
    "fr": pgettext_lazy("a briefing written in", "in French"),
}


@register.filter
def desk_when(value):
    """“23 June 2025, 07:30 Brussels”: a publication time on the desk's clock."""
    local = desk_time(value)
    return gettext("%(date)s, %(time)s Brussels") % {
        "date": day_month_year(local),
        "time": f"{local:%H:%M}",
    }


@register.filter
def in_language(code):
    return str(IN_LANGUAGE.get(code, code))


@register.filter
def names(contributors):
    """“Ana Silva, Jean Roy and Li Wei”."""
    return get_text_list([c.name for c in contributors], pgettext("the last of a list", "and"))
