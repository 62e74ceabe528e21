"""Search: published briefings by full text, and actors, agreements and events by name."""

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.newsroom.models import Briefing
from briefings.newsroom.search import sentence_snippet, steered_planner
from briefings.site.cache import public_page

PAGE_SIZE = 20
# What a result shows (search.html): no tags, bylines or images, so none are fetched.
RESULT_FIELDS = ("headline", "slug", "language", "article_type", "publish_at")
SEARCH_COUNT_LIMIT = 1000
# Private-use characters mark highlights, so everything else in a snippet can be escaped.
MARK_START, MARK_END = "\ue000", "\ue001"


class SearchPaginator(Paginator):
    """Pages of ranked matches' pks, each page's read with the number of matches in one query.

    Ranking reads every match anyway; counting them in a query of their own read them all
    twice. Readers see up to SEARCH_COUNT_LIMIT, and "1,000+" past it: nobody pages that far.
    """

    limit = SEARCH_COUNT_LIMIT

    @cached_property
    def count(self):
        """Only asked apart for a page past the last; reading a page sets it."""
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def capped(self):
        return self.count > self.limit

    def get_page(self, number):
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        pks = self.page_pks(number)
        if not pks and number == 1:
            self.count = 0
        elif not pks or number > self.num_pages:
            number = self.num_pages
            pks = self.page_pks(number)
        return self._get_page(pks, number, self)

    def page_pks(self, number):
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.count = min(rows[0][1], self.limit + 1)
        return [pk for pk, _ in rows]


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
        # A reader sees the version in their language where it is public, the original
        # otherwise; each matched with its own language's stemmer.
        results = Briefing.objects.published().for_language(get_language()).search(query)
        with steered_planner():
            page = SearchPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
            # Ranked first; only the page's rows are then read and highlighted.
            shown = (
                Briefing.objects.filter(pk__in=page.object_list)
                .only(*RESULT_FIELDS)
                .highlighted(query, marks=(MARK_START, MARK_END))
                .in_bulk()
            )
            page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
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
