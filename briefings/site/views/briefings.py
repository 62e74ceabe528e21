"""Briefing pages: home, the list, a briefing, its previews.

Every briefing shown comes through `Briefing.objects.published()`; every page runs a fixed
number of queries whatever it lists (related rows are prefetched with published querysets).
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.newsroom.models import Briefing, PreviewLink
from briefings.params import TAG_SLUG, TOKEN, is_slug, slug_param
from briefings.site.cache import public_page
from briefings.site.jsonld import news_article
from briefings.site.views.topics import PAGE_SIZE, public_tag, tag_counts


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
        "site/newsroom/home.html",
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
    if tag := slug_param(request, "tag", TAG_SLUG):
        filters["tag"] = public_tag(tag)
        briefings = briefings.filter(tags=filters["tag"])
    if actor := slug_param(request, "actor"):
        filters["actor"] = get_object_or_404(Actor, slug=actor)
        briefings = briefings.filter(actors=filters["actor"])
    if agreement := slug_param(request, "agreement"):
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
        "site/newsroom/briefing_list.html",
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
    return (
        published.defer("search_vector", "rank_vector")
        .select_related("lead_image")
        .prefetch_related(
            "authors",
            "tags",
            "key_figures",
            "sources",
            "corrections",
            "actors",
            "agreements",
            Prefetch("events", queryset=Event.objects.select_related("country")),
        )
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
            return render(request, "site/410.html", {"withdrawn": withdrawn[0]}, status=410)
        raise Http404("No such briefing.")
    return render_briefing(request, briefing)


def render_briefing(request, briefing, preview=False):
    """The briefing page as readers get it; previews pass preview=True for the banner.

    `briefing` should come from a queryset prefetched like detail_queryset() does.
    """
    return render(
        request,
        "site/newsroom/briefing_detail.html",
        {
            "briefing": briefing,
            "related": related_to(briefing) if not preview else [],
            "article": news_article(briefing),
            "preview": preview,
            "title": briefing.headline,
            "description": briefing.dek,
            "social_image": briefing.lead_image.social_card() if briefing.lead_image else None,
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
    """A shared preview link: no login, and only while the link is neither expired nor revoked
    and the briefing unpublished (publication or withdrawal ends it: 404)."""
    if not is_slug(token, TOKEN, max_length=64):
        raise Http404("This preview link is not valid.")
    link = PreviewLink.objects.select_related("briefing").filter(token=token).first()
    if link is None or not link.is_valid():
        raise Http404("This preview link is not valid.")
    briefing = detail_queryset(Briefing.objects.all()).get(pk=link.briefing_id)
    return preview_response(request, briefing)


@require_safe
@staff_member_required
def desk_preview(request, pk):
    """The admin's Preview button: any briefing its viewer may see on the desk, as readers will."""
    briefing = get_object_or_404(Briefing.objects.visible_to(request.user), pk=pk)
    user = request.user
    if not (
        user.has_perm("newsroom.view_briefing")
        or user.has_perm("newsroom.change_briefing")
        or briefing.can_edit(user)
    ):
        raise PermissionDenied
    return preview_response(request, detail_queryset(Briefing.objects.all()).get(pk=pk))
