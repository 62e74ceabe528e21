"""Search: published briefings by full text, and actors, agreements and events by name."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.newsroom.models import Briefing
from briefings.newsroom.search import sentence_snippet, steered_planner
from briefings.site.cache import public_page

PAGE_SIZE = 20
SEARCH_COUNT_LIMIT = 1000
# Private-use characters mark highlights, so everything else in a snippet can be escaped.
MARK_START, MARK_END = "\ue000", "\ue001"


class SearchPaginator(Paginator):
    """Counts matches up to SEARCH_COUNT_LIMIT and one more: past that, readers see "1,000+".

    Counting every match of a common word cost as much as ranking them; nobody pages that far.
    """

    limit = SEARCH_COUNT_LIMIT

    @cached_property
    def count(self):
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def capped(self):
        return self.count > self.limit


def highlighted(snippet):
    """A ts_headline snippet, escaped, with only our own <mark> elements as markup."""
    escaped = conditional_escape(snippet or "")
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


@require_safe
@public_page
def search(request):
    # Control characters (NUL among them) cannot reach PostgreSQL; a query is a few words.
    query = "".join(c for c in request.GET.get("q", "") if c.isprintable()).strip()[:200]
    page = actors = agreements = events = None
    if query:
        results = Briefing.objects.published().search(query, marks=(MARK_START, MARK_END)).listed()
        with steered_planner():
            page = SearchPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
            for briefing in page.object_list:
                briefing.body_snippet = highlighted(
                    sentence_snippet(
                        briefing.body_snippet, briefing.body_snippet_source, (MARK_START, MARK_END)
                    )
                )
                briefing.dek_snippet = highlighted(briefing.dek_snippet)
        actors = Actor.objects.search(query)[:8]
        agreements = Agreement.objects.search(query)[:8]
        events = Event.objects.search(query).select_related("country")[:8]
    return render(
        request,
        "site/newsroom/search.html",
        {
            "query": query,
            "page": page,
            "actors": actors,
            "agreements": agreements,
            "events": events,
            "title": _("Search: %(query)s") % {"query": query}
            if query
            else pgettext("heading", "Search"),
            "description": _("Search the desk's published briefings."),
        },
    )
