"""Template helpers for briefings shown to readers of another language than their own."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What a list says of a briefing in another language, in the reader's own: "in French".
IN_LANGUAGE = {"en": _("in English"), "fr": _("in French")}
# What a briefing page's link to another version says, in that version's language.
READ_IN = {"en": "Read in English", "fr": "Lire en français"}


def foreign(briefing):
    return briefing.language != (get_language() or briefing.language)


@register.simple_tag
def lang_attr(briefing):
    """` lang="fr"` on an element holding a briefing's text, when it is not the page's."""
    return format_html(' lang="{}"', briefing.language) if foreign(briefing) else ""


@register.simple_tag
def in_language(briefing):
    """A marker for a briefing listed in another language than the reader's, else nothing."""
    if not foreign(briefing):
        return ""
    name = IN_LANGUAGE.get(briefing.language, briefing.language)
    return format_html(' · <span class="in-language">{}</span>', name)


@register.filter
def read_in(language):
    return READ_IN.get(language, language)
