"""The public reading site's briefing pages: home, lists, a briefing, tags, search.

Every briefing shown comes through `Briefing.objects.published()`; every page runs a fixed
number of queries whatever it lists (related rows are prefetched with published querysets).
"""

import unicodedata

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Left, Lower, Upper
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.clock import desk_time
from briefings.events.models import Event
from briefings.newsroom.cache import public_page
from briefings.newsroom.models import Briefing, PreviewLink, TaggedBriefing

PAGE_SIZE = 20
SEARCH_COUNT_LIMIT = 1000
# Private-use characters mark highlights, so everything else in a snippet can be escaped.
MARK_START, MARK_END = "\ue000", "\ue001"


def tag_counts(limit):
    """The topics of the latest published briefings, most used first.

    Counted over the briefings `in_the_news()`: what is in the news now, at a cost that does
    not grow with the archive. Unpublished briefings never count.
    """
    return list(
        TaggedBriefing.objects.filter(content_object_id__any=Briefing.objects.in_the_news())
        .values(name=F("tag__name"), slug=F("tag__slug"))
        .annotate(count=Count("tag_id"))
        .order_by("-count", "name")[:limit]
    )


TOPIC_PAGE_SIZE = 300
# The topic index's letters; "#" gathers names that start with a digit or a sign.
TOPIC_LETTERS = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]


def public_taggings():
    """Tag links of published briefings: what makes a tag, and its count, public."""
    return TaggedBriefing.objects.filter(content_object__in=Briefing.objects.published())


def public_tag(slug):
    """A tag that published briefings carry; one only drafts use does not exist for readers."""
    tags = Tag.objects.filter(Exists(public_taggings().filter(tag=OuterRef("pk"))))
    return get_object_or_404(tags, slug=slug)


@require_safe
@public_page
def home(request):
    published = Briefing.objects.published()
    latest = list(published.listed()[:10])
    today = timezone.localdate()
    # Agreements covered lately: grouped over the latest briefings, not the archive.
    dossiers = (
        Agreement.objects.filter(briefings__any=Briefing.objects.in_the_news())
        .only("title", "short_name", "slug", "status")
        .annotate(latest=Max("briefings__publish_at"), coverage=Count("briefings"))
        .order_by("-latest")[:6]
    )
    return render(
        request,
        "newsroom/home.html",
        {
            "lead": latest[0] if latest else None,
            "latest": latest[1:],
            "dossiers": dossiers,
            "upcoming": Event.objects.upcoming(today)
            .select_related("country")
            .order_by("start_date")[:5],
            "recent_events": Event.objects.past(today).select_related("country")[:5],
            "tags": tag_counts(limit=16),
        },
    )


@require_safe
@public_page
def index(request):
    briefings = Briefing.objects.published()
    filters = {}
    if tag := request.GET.get("tag"):
        filters["tag"] = public_tag(tag)
        briefings = briefings.filter(tags=filters["tag"])
    if actor := request.GET.get("actor"):
        filters["actor"] = get_object_or_404(Actor, slug=actor)
        briefings = briefings.filter(actors=filters["actor"])
    if agreement := request.GET.get("agreement"):
        filters["agreement"] = get_object_or_404(Agreement, slug=agreement)
        briefings = briefings.filter(agreements=filters["agreement"])
    if kind := request.GET.get("type"):
        if kind not in Briefing.ArticleType.values:
            raise Http404("No such type of briefing.")
        filters["type"] = Briefing.ArticleType(kind).label
        briefings = briefings.filter(article_type=kind)
    page = Paginator(briefings.listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newsroom/briefing_list.html",
        {
            "page": page,
            "filters": filters,
            "types": Briefing.ArticleType.choices,
            "tags": tag_counts(limit=30),
            "title": "Briefings",
            "description": "Every briefing from the desk, newest first.",
            "nav": "briefings",
        },
    )


def detail_queryset(briefings=None):
    published = Briefing.objects.published() if briefings is None else briefings
    return published.defer("search_vector", "rank_vector").prefetch_related(
        "authors",
        "tags",
        "key_figures",
        "sources",
        "corrections",
        "actors",
        "agreements",
        Prefetch("events", queryset=Event.objects.select_related("country")),
    )


def related_to(briefing):
    """Other published briefings sharing a tag, an actor or an agreement, newest first."""
    links = (
        Q(tags__in=[t.pk for t in briefing.tags.all()])
        | Q(actors__in=[a.pk for a in briefing.actors.all()])
        | Q(agreements__in=[a.pk for a in briefing.agreements.all()])
    )
    linked = Briefing.objects.filter(links).values("pk")
    related = Briefing.objects.published().exclude(pk=briefing.pk).filter(pk__in=linked)
    return related.listed()[:4]


@require_safe
@public_page
def detail(request, slug):
    briefing = detail_queryset().filter(slug=slug).first()
    if briefing is None:
        withdrawn = Briefing.objects.filter(slug=slug, status=Briefing.Status.WITHDRAWN).values(
            "withdrawal_note", "withdrawn_at"
        )
        if withdrawn:
            return render(request, "410.html", {"withdrawn": withdrawn[0]}, status=410)
        raise Http404("No such briefing.")
    return render_briefing(request, briefing)


def moment(value):
    """An ISO 8601 time on the desk's clock, to the second, as schema.org readers expect."""
    return desk_time(value).isoformat(timespec="seconds") if value else None


def news_article(briefing):
    """schema.org NewsArticle data for the page's JSON-LD, from prefetched relations."""
    url = settings.SITE_URL + briefing.get_absolute_url()
    publisher = {"@type": "Organization", "name": "Briefing Desk", "url": settings.SITE_URL}
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.headline,
        "description": briefing.dek,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": moment(briefing.publish_at),
        "dateModified": moment(briefing.public_updated_at or briefing.publish_at),
        "author": [
            {"@type": "Person", "name": a.get_full_name() or a.get_username()}
            for a in briefing.authors.all()
        ]
        or publisher,
        "publisher": publisher,
        "keywords": [t.name for t in briefing.tags.all()],
        "about": [
            {
                "@type": "Thing",
                "name": str(thing),
                "url": settings.SITE_URL + thing.get_absolute_url(),
            }
            for thing in [*briefing.agreements.all(), *briefing.actors.all()]
        ],
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": moment(c.created_at),
                "name": c.get_kind_display(),
            }
            for c in briefing.corrections.all()
        ],
    }


def render_briefing(request, briefing, preview=False):
    """The briefing page as readers get it; previews pass preview=True for the banner.

    `briefing` should come from a queryset prefetched like detail_queryset() does.
    """
    return render(
        request,
        "newsroom/briefing_detail.html",
        {
            "briefing": briefing,
            "related": related_to(briefing) if not preview else [],
            "article": news_article(briefing),
            "preview": preview,
            "title": briefing.headline,
            "description": briefing.dek,
            "nav": "briefings",
        },
    )


def preview_response(request, briefing):
    """The page exactly as readers will get it, bannered, and kept out of indexes and caches."""
    response = render_briefing(request, briefing, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def preview(request, token):
    """A shared preview link: no login, but only while the link is neither expired nor revoked."""
    link = PreviewLink.objects.filter(token=token).first()
    if link is None or not link.is_valid():
        raise Http404("This preview link is not valid.")
    briefing = detail_queryset(Briefing.objects.all()).get(pk=link.briefing_id)
    return preview_response(request, briefing)


@require_safe
@public_page
def tag(request, slug):
    tag = public_tag(slug)
    briefings = Briefing.objects.published().filter(tags=tag).listed()
    page = Paginator(briefings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newsroom/tag.html",
        {
            "tag": tag,
            "page": page,
            "title": f"Briefings tagged “{tag.name}”",
            "description": f"The desk's briefings on {tag.name}, newest first.",
            "nav": "briefings",
        },
    )


def letter_of(initial):
    """The index letter a name starting with `initial` files under: “É” under E, “2” under #."""
    base = unicodedata.normalize("NFKD", initial)[:1].upper()
    return base if base in TOPIC_LETTERS else "#"


@require_safe
@public_page
def topics(request):
    """Every public topic, under its initial (accents ignored), and those in the news now."""
    letter = request.GET.get("letter", "").upper()
    if letter and letter not in TOPIC_LETTERS:
        raise Http404("No such letter.")
    # Initials are folded here, not in SQL: unaccenting 20,000 names took 30 ms a query.
    first = Upper(Left("tag__name", 1))
    initials = set(public_taggings().values_list(first, flat=True).distinct())
    present = {letter_of(initial) for initial in initials}
    page = None
    if letter:
        listed = (
            public_taggings()
            .alias(initial=first)
            .filter(initial__in=[i for i in initials if letter_of(i) == letter])
            .values(name=F("tag__name"), slug=F("tag__slug"))
            .annotate(count=Count("tag_id"))
            .order_by(Lower("tag__name"), "tag__slug")
        )
        page = Paginator(listed, TOPIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newsroom/topics.html",
        {
            "letters": [{"key": key, "present": key in present} for key in TOPIC_LETTERS],
            "letter": letter,
            "page": page,
            "tags": None if letter else tag_counts(limit=40),
            "title": f"Topics under {letter}" if letter else "Topics",
            "description": "Every topic of the desk's published briefings, A to Z.",
            "nav": "briefings",
        },
    )


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
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            # A common word matches most briefings, so the planner would rather read the whole
            # table, or every published row off the status index, and test each row's full
            # vector: it prices that test like an integer comparison, when detoasting a vector
            # costs twenty times more. Steered so, it reads the matches off the GIN index and
            # filters them by published()'s conditions (55 → 21 ms for two common words at
            # 10,000 briefings). A broad query's estimated cost also crossed jit_above_cost,
            # and compiling it took 100 ms or more; parallel workers only add start-up time
            # to a 20-row page on a busy web database. Only this transaction is steered.
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true),"
                " set_config('cpu_operator_cost', '0.05', true),"
                " set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true)"
            )
            page = SearchPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
            for briefing in page.object_list:
                briefing.body_snippet = highlighted(briefing.body_snippet)
                briefing.dek_snippet = highlighted(briefing.dek_snippet)
        actors = Actor.objects.search(query)[:8]
        agreements = Agreement.objects.search(query)[:8]
        events = Event.objects.search(query).select_related("country")[:8]
    return render(
        request,
        "newsroom/search.html",
        {
            "query": query,
            "page": page,
            "actors": actors,
            "agreements": agreements,
            "events": events,
            "title": f"Search: {query}" if query else "Search",
            "description": "Search the desk's published briefings.",
        },
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /subscribe/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    return redirect(static("favicon.ico"), permanent=True)


def page_not_found(request, exception):
    return render(request, "404.html", {"title": "Page not found"}, status=404)


def server_error(request):
    """Rendered without a request context, so it cannot fail on what broke the page."""
    return render(None, "500.html", status=500)
