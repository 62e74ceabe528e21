import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event, Participation
from briefings.params import slug_param
from briefings.site import fragments
from briefings.site.cache import RECORDS, briefing_tags, public_page, tag_page

PAGE_SIZE = 40
# The actor and agreement selects offer the FILTER_CHOICES most often in the latest
# FILTER_WINDOW events.
FILTER_WINDOW = 500
FILTER_CHOICES = 40


def date_param(request, name):
    value = request.GET.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404(f"“{name}” must be a date like 2025-06-23.") from None


def filter_choices(model, fields, selected=None):
    """Actors or agreements for a filter select, in their usual order, and whether it is cut.

    A select of everything with an event ran to a thousand options, so it offers those in the
    most of the latest FILTER_WINDOW events (the count stays bounded), plus the selected one,
    so a link from an actor's page still shows as chosen. One query; it also asks whether
    anything with an event was left out, for the hint that points readers to those pages.
    """
    recent = Event.objects.values("pk")[:FILTER_WINDOW]
    leading = (
        model.objects.filter(events__in=recent)
        .annotate(recent_events=Count("events", distinct=True))
        .order_by("-recent_events", *model._meta.ordering, "pk")
        .values("pk")[:FILTER_CHOICES]
    )
    listed = Q(pk__in=leading)
    if selected is not None:
        listed |= Q(pk=selected.pk)
    left_out = model.objects.filter(events__isnull=False).exclude(listed)
    choices = list(model.objects.filter(listed).annotate(cut=Exists(left_out)).only(*fields))
    return choices, bool(choices) and choices[0].cut


@require_safe
@public_page
def index(request):
    events = Event.objects.select_related("country")
    filters = {}
    if actor := slug_param(request, "actor"):
        filters["actor"] = get_object_or_404(Actor, slug=actor)
        events = events.filter(participants=filters["actor"]).distinct()
    if agreement := slug_param(request, "agreement"):
        filters["agreement"] = get_object_or_404(Agreement, slug=agreement)
        events = events.filter(agreements=filters["agreement"])
    if kind := request.GET.get("kind"):
        if kind not in Event.Kind.values:
            raise Http404("No such kind of event.")
        filters["kind"] = kind
        events = events.filter(kind=kind)
    if start := date_param(request, "from"):
        filters["from"] = start
        events = events.filter(start_date__gte=start)
    if end := date_param(request, "to"):
        filters["to"] = end
        events = events.filter(start_date__lte=end)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    actors, actors_cut = filter_choices(Actor, ["name", "slug", "i18n"], filters.get("actor"))
    agreements, agreements_cut = filter_choices(
        Agreement, ["title", "slug", "short_name", "i18n"], filters.get("agreement")
    )
    return render(
        request,
        "site/events/event_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Event.Kind.choices,
            "actors": actors,
            "actors_cut": actors_cut,
            "agreements": agreements,
            "agreements_cut": agreements_cut,
            "title": _("Events"),
            "description": _("A timeline of summits, signings, visits and votes."),
            "nav": "events",
        },
    )


@require_safe
@public_page
def detail(request, slug):
    event = get_object_or_404(
        Event.objects.select_related("country", "parent").prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("actor")),
            "agreements",
            "children",
        ),
        slug=slug,
    )
    briefings = list(fragments.cards(event.briefings.published().for_language(get_language()))[:10])
    tag_page(request, f"event:{event.pk}", RECORDS, *briefing_tags(briefings))
    return render(
        request,
        "site/events/event_detail.html",
        {
            "event": event,
            "briefings": briefings,
            "title": event.title_i18n,
            "description": event.summary_i18n[:300]
            or _("%(title)s, %(date)s.") % {"title": event.title_i18n, "date": event.date_display},
            "nav": "events",
        },
    )
