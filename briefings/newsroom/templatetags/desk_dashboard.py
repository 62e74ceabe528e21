"""The admin index's dashboard (templates/admin/newsroom/dashboard.html)."""

from django import template

from briefings.newsroom.admin.dashboard import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_dashboard(context):
    """The lists of the desk's home for the user viewing it."""
    return sections(context["request"].user)
