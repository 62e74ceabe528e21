"""Cached fragments in templates: `{% briefing_cards briefings %}` (briefings.site.fragments)."""

from django import template

from briefings.site import fragments

register = template.Library()


@register.simple_tag
def briefing_cards(briefings, variant="card"):
    """The cards of a list from `fragments.cards()`, each cached."""
    return fragments.render_cards(briefings, variant)
