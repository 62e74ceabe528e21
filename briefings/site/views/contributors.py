"""Author pages: a contributor's bio and their published briefings, newest first.

A contributor exists for readers once a published briefing names them, as a topic does once
a published briefing carries it: someone with only drafts (a new hire, a piece held back)
answers 404, so the page cannot tell anyone what is being prepared, or by whom.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.newsroom.models import Briefing, Contributor
from briefings.site import fragments
from briefings.site.cache import public_page
from briefings.site.jsonld import person
from briefings.site.views.topics import PAGE_SIZE


def public_contributor(slug):
    """A contributor that a published briefing names; anyone else does not exist for readers."""
    named = Briefing.objects.published().values("contributors")
    return get_object_or_404(Contributor.objects.filter(pk__in=named), slug=slug)


@require_safe
@public_page
def detail(request, slug):
    contributor = public_contributor(slug)
    briefings = fragments.cards(
        Briefing.objects.published().for_language(get_language()).filter(contributors=contributor)
    )
    page = Paginator(briefings, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404("No such contributor.")
    description = contributor.bio[:200] or _("Briefings by %(name)s, newest first.") % {
        "name": contributor.name
    }
    return render(
        request,
        "site/newsroom/contributor_detail.html",
        {
            "contributor": contributor,
            "page": page,
            "person": person(contributor, profile=True),
            "title": contributor.name,
            "description": description,
            "nav": "briefings",
        },
    )
