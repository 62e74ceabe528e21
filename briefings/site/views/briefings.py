"""Briefing pages: home, the list, a briefing, its previews.

Every briefing shown comes through `Briefing.objects.published()`; every page runs a fixed
number of queries whatever it lists (related rows are prefetched with published querysets).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.inlined import attach, inlined
from briefings.newsroom.models import Briefing, PreviewLink, TaggedBriefing
from briefings.params import TAG_SLUG, TOKEN, is_slug, slug_param
from briefings.site import fragments
from briefings.site.cache import LISTS, RECORDS, briefing_tags, public_page, tag_page
from briefings.site.jsonld import news_article
from briefings.site.views.topics import PAGE_SIZE, public_tag, tag_counts
from briefings.staff.policy import verified_staff_required


@require_safe
@public_page
def home(request):
    published = Briefing.objects.published().for_language(get_language())
    latest = list(fragments.cards(published)[:10])
    tag_page(request, LISTS, RECORDS, *briefing_tags(latest))
    today = timezone.localdate()
    # Agreements covered lately: grouped over the latest briefings, not the archive.
    dossiers = (
        Agreement.objects.filter(briefings__any=Briefing.objects.in_the_news())
        .only("title", "short_name", "slug", "status", "i18n")
        .annotate(latest=Max("briefings__publish_at"), coverage=Count("briefings"))
        .order_by("-latest")[:6]
    )
    # The lead story and the cards in one round trip to the cache.
    lead, *cards = fragments.card_fragments(
        [(briefing, "lead" if n == 0 else "card") for n, briefing in enumerate(latest)]
    ) or [None]
    return render(
        request,
        "site/newsroom/home.html",
        {
            "lead": lead,
            "cards": mark_safe("".join(cards)),  # noqa: S308 - templates' output
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
    briefings = Briefing.objects.published().for_language(get_language())
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
    page = Paginator(fragments.cards(briefings), PAGE_SIZE).get_page(request.GET.get("page"))
    tag_page(request, LISTS, *briefing_tags(page))
    return render(
        request,
        "site/newsroom/briefing_list.html",
        {
            "page": page,
            "filters": filters,
            "types": Briefing.ArticleType.choices,
            "tags": tag_counts(limit=30),
            "title": _("Briefings"),
            "description": _("Every briefing from the desk, newest first."),
            "nav": "briefings",
        },
    )


# What a briefing page shows besides the briefing: fetched in the briefing's own query.
DETAIL_RELATIONS = (
    "contributors", "tags", "key_figures", "sources", "corrections",
    "actors", "agreements", "events",
)  # fmt: skip


def detail_queryset(briefings=None):
    """Briefings with everything their page shows, in one query (see briefings.inlined), their
    other published versions included (`with_public_versions`)."""
    published = Briefing.objects.published() if briefings is None else briefings
    return inlined(
        published.defer("body", "search_vector", "rank_vector")
        .select_related("lead_image")
        .with_public_versions(),
        *DETAIL_RELATIONS,
    )


def detail_briefing(queryset):
    """The one briefing of a detail_queryset(), its relations attached, or None."""
    briefing = queryset.first()
    if briefing is None:
        return None
    attach(briefing, *DETAIL_RELATIONS)
    briefing.contributor_list = list(briefing.contributors.all())  # byline() reads it
    return briefing


def related_to(briefing):
    """Other published briefings sharing a tag, an actor or an agreement, newest first.

    The links are read off the link tables by id, one index scan each, rather than by
    joining the briefings table to all three ORed.
    """
    tags = [t.pk for t in briefing.tags.all()]
    actors = [a.pk for a in briefing.actors.all()]
    agreements = [a.pk for a in briefing.agreements.all()]
    linked = (
        TaggedBriefing.objects.filter(tag__in=tags)
        .values("content_object")
        .union(
            Briefing.actors.through.objects.filter(actor__in=actors).values("briefing"),
            Briefing.agreements.through.objects.filter(agreement__in=agreements).values("briefing"),
        )
    )
    related = (
        Briefing.objects.published()
        .for_language(briefing.language)
        .exclude(pk=briefing.pk)
        .filter(pk__in=linked)
    )
    return fragments.cards(related)[:4]


@require_safe
@public_page
def detail(request, slug):
    briefing = detail_briefing(detail_queryset().filter(slug=slug))
    if briefing is None:
        withdrawn = Briefing.objects.filter(slug=slug, status=Briefing.Status.WITHDRAWN).values(
            "withdrawal_note", "withdrawn_at"
        )
        if withdrawn:
            return render(request, "site/410.html", {"withdrawn": withdrawn[0]}, status=410)
        raise Http404("No such briefing.")
    own_url = briefing.get_absolute_url()
    if briefing.language != get_language() and own_url != request.path:
        # A briefing lives under its own language's prefix, one address per version.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{own_url}?{query}" if query else own_url)
    response = render_briefing(request, briefing)
    tag_page(request, *page_tags(briefing))
    return response


def page_tags(briefing):
    """What a briefing page shows: itself, what it links to, its related briefings' cards."""
    return [
        f"briefing:{briefing.pk}",
        *(f"briefing:{version.pk}" for version in briefing.versions),
        *([f"briefing:{briefing.translation_of_id}"] if briefing.translation_of_id else []),
        *briefing_tags(briefing.related),
        *(f"tag:{tag.pk}" for tag in briefing.tags.all()),
        *(f"actor:{actor.pk}" for actor in briefing.actors.all()),
        *(f"agreement:{agreement.pk}" for agreement in briefing.agreements.all()),
        *(f"event:{event.pk}" for event in briefing.events.all()),
    ]


def render_briefing(request, briefing, preview=False):
    """The briefing page as readers get it; previews pass preview=True for the banner.

    `briefing` should come from a queryset prefetched like detail_queryset() does.
    """
    briefing.related = list(related_to(briefing)) if not preview else []
    # The other published versions: the page links them ("Lire en français") and names
    # them as alternates (hreflang). An unpublished one is never named, preview or not.
    if hasattr(briefing, "version_list"):
        briefing.versions = [
            Briefing(id=v["id"], language=v["language"], slug=v["slug"])
            for v in briefing.version_list
        ]
    else:
        briefing.versions = list(briefing.translations_public())
    alternates = {briefing.language: briefing.get_absolute_url()}
    alternates |= {version.language: version.get_absolute_url() for version in briefing.versions}
    article_html = None if preview else fragments.render_article(briefing, briefing.versions)
    return render(
        request,
        "site/newsroom/briefing_detail.html",
        {
            "briefing": briefing,
            "versions": briefing.versions,
            "article_html": article_html,
            "alternates": alternates if not preview else {},
            "related": briefing.related,
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
    briefing = detail_briefing(detail_queryset(Briefing.objects.all()).filter(pk=link.briefing_id))
    return preview_response(request, briefing)


@require_safe
@verified_staff_required
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
    return preview_response(
        request, detail_briefing(detail_queryset(Briefing.objects.all()).filter(pk=pk))
    )
