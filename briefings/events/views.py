import datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event, Participation
from briefings.newsroom.cache import public_page

PAGE_SIZE = 40


def date_param(request, name):
    value = request.GET.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404(f"“{name}” must be a date like 2025-06-23.") from None


@require_safe
@public_page
def index(request):
    events = Event.objects.select_related("country")
    filters = {}
    if actor := request.GET.get("actor"):
        filters["actor"] = get_object_or_404(Actor, slug=actor)
        events = events.filter(participants=filters["actor"]).distinct()
    if agreement := request.GET.get("agreement"):
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
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Event.Kind.choices,
            "actors": Actor.objects.filter(participations__isnull=False)
            .distinct()
            .only("name", "slug")
            .order_by("name"),
            "agreements": Agreement.objects.filter(events__isnull=False)
            .distinct()
            .only("title", "slug", "short_name")
            .order_by("title"),
            "title": "Events",
            "description": "A timeline of summits, signings, visits and votes.",
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
    briefings = event.briefings.published().listed()[:10]
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "briefings": briefings,
            "title": event.title,
            "description": event.summary[:300] or f"{event.title}, {event.date_display}.",
            "nav": "events",
        },
    )
