"""The API's operations: each builds plain data from prefetched rows (agreements: from plain
values, see agreements.py) in a fixed number of queries, whatever the page size
(tests/site/test_api.py holds the budgets).

Each answers with `respond()`, JSON written directly (orjson, see http.py): django-ninja would
otherwise validate and re-dump every nested row through pydantic, which cost more than the rest
of the request (27 ms of a 120 ms page of agreements). The `response=` schemas still document
every answer in the OpenAPI schema, and the tests validate each endpoint's answers against it.
"""

import datetime

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from briefings import params
from briefings.actors.models import Actor, Membership, OfficeTerm
from briefings.agreements.models import Agreement, Party
from briefings.events.models import Event, Participation
from briefings.newsroom.models import Briefing, bylines_prefetch
from briefings.site.api import agreements as answers
from briefings.site.api import schemas
from briefings.site.api.http import json_body
from briefings.site.api.pagination import paginate

router = Router()


def respond(data):
    return HttpResponse(json_body(data), content_type="application/json")


# -- parameters -------------------------------------------------------------------------------


def slug_or_404(value):
    if not params.is_slug(value):
        raise HttpError(404, "Not found.")
    return value


def slug_filter(value, name):
    """A filter naming a slug: one that cannot be a slug matches nothing (400, said plainly)."""
    if value is None:
        return None
    if not params.is_slug(value):
        raise HttpError(400, f"“{name}” must be a slug.")
    return value


def date_filter(value, name):
    if value is None or value == "":
        return None
    parsed = params.iso_date(value)
    if parsed is None:
        raise HttpError(400, f"“{name}” must be a date as YYYY-MM-DD.")
    return parsed


def moment_filter(value, name):
    """An ISO 8601 date or date-time; a naive one is read as UTC."""
    if value is None or value == "":
        return None
    day = params.iso_date(value)
    if day is not None:
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    try:
        if len(value) > 40:
            raise ValueError
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise HttpError(400, f"“{name}” must be an ISO 8601 date or date-time.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def choice_filter(value, name, choices):
    if value is None or value == "":
        return None
    if value not in choices:
        raise HttpError(400, f"“{name}” must be one of: {', '.join(choices)}.")
    return value


class Paging(Schema):
    """`cursor`: the `next_cursor` of the page before; `limit`: rows a page, 1–100 (20)."""

    cursor: str | None = None
    limit: int | None = None


# -- data -------------------------------------------------------------------------------------


def url(obj):
    return settings.SITE_URL + obj.get_absolute_url()


def actor_ref(actor):
    return {
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "iso_alpha2": actor.iso_alpha2,
        "iso_alpha3": actor.iso_alpha3,
        "wikidata_qid": actor.wikidata_qid,
        "url": url(actor),
    }


def actor_data(actor):
    return {
        **actor_ref(actor),
        "short_name": actor.short_name,
        "summary": actor.summary,
        "updated_at": actor.updated_at,
        "memberships": [
            {
                "organisation": m.organisation.slug,
                "member": actor.slug,
                "role": m.role,
                "start_date": m.start_date,
                "start_precision": m.start_precision,
                "end_date": m.end_date,
                "end_precision": m.end_precision,
            }
            for m in actor.memberships.all()
        ],
        "office_terms": [
            {
                "office": t.office.title,
                "organisation": t.office.organisation.slug,
                "person": actor.slug,
                "start_date": t.start_date,
                "start_precision": t.start_precision,
                "end_date": t.end_date,
                "end_precision": t.end_precision,
            }
            for t in actor.office_terms.all()
        ],
        "translations": answers.translations(actor.i18n),
    }


ACTORS = Actor.objects.prefetch_related(
    Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
    Prefetch("office_terms", queryset=OfficeTerm.objects.select_related("office__organisation")),
)


def event_data(event):
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "summary": event.summary,
        "url": url(event),
        "start_date": event.start_date,
        "start_precision": event.start_precision,
        "end_date": event.end_date,
        "end_precision": event.end_precision,
        "place_name": event.place_name,
        "country": event.country.slug if event.country else None,
        "parent": event.parent.slug if event.parent else None,
        "agreements": [a.slug for a in event.agreements.all()],
        "participants": [
            {"actor": actor_ref(p.actor), "role": p.role} for p in event.participations.all()
        ],
        "updated_at": event.updated_at,
        "translations": answers.translations(event.i18n),
    }


EVENTS = Event.objects.select_related("country", "parent").prefetch_related(
    Prefetch("agreements", queryset=Agreement.objects.only("slug")),
    Prefetch("participations", queryset=Participation.objects.select_related("actor")),
)


def link(obj, name):
    return {"slug": obj.slug, "name": name, "url": url(obj)}


def briefing_data(briefing, body=False):
    data = {
        "slug": briefing.slug,
        "headline": briefing.headline,
        "dek": briefing.dek,
        "article_type": briefing.article_type,
        "url": url(briefing),
        "published_at": briefing.publish_at,
        "updated_at": briefing.public_updated_at or briefing.publish_at,
        "authors": [c.name for c in briefing.byline()],  # contributors, in byline order
        "tags": [t.name for t in briefing.tags.all()],
        "actors": [link(a, a.name) for a in briefing.actors.all()],
        "agreements": [link(a, a.display_name) for a in briefing.agreements.all()],
        "events": [link(e, e.title) for e in briefing.events.all()],
    }
    if body:
        data["body_html"] = str(briefing.rendered_body)
    return data


def briefings():
    """Only what published() allows, at the moment of the request."""
    return Briefing.objects.published().prefetch_related(
        bylines_prefetch(), "tags", "actors", "agreements", "events"
    )


# -- operations -------------------------------------------------------------------------------


@router.get("/actors", response=schemas.ActorPage, tags=["actors"])
def actors(
    request,
    paging: Query[Paging],
    kind: str | None = None,
    agreement: str | None = None,
    updated_since: str | None = None,
):
    """States, blocs, institutions, organisations and people, with ISO codes, Wikidata ids,
    memberships and office terms. `agreement`: only the parties to it."""
    queryset = ACTORS
    if kind := choice_filter(kind, "kind", Actor.Kind.values):
        queryset = queryset.filter(kind=kind)
    if agreement := slug_filter(agreement, "agreement"):
        queryset = queryset.filter(party_records__agreement__slug=agreement)
    if since := moment_filter(updated_since, "updated_since"):
        queryset = queryset.filter(updated_at__gte=since)
    rows, next_url, cursor = paginate(request, queryset, ["id"], paging.cursor, paging.limit)
    return respond(
        {"items": [actor_data(a) for a in rows], "next": next_url, "next_cursor": cursor}
    )


@router.get("/actors/{slug}", response=schemas.Actor, tags=["actors"])
def actor(request, slug: str):
    return respond(actor_data(get_object_or_404(ACTORS, slug=slug_or_404(slug))))


@router.get("/agreements", response=schemas.AgreementPage, tags=["agreements"])
def agreements(
    request,
    paging: Query[Paging],
    kind: str | None = None,
    status: str | None = None,
    actor: str | None = None,
    signed_from: str | None = None,
    signed_to: str | None = None,
    updated_since: str | None = None,
    as_of: str | None = None,
):
    """Agreements with their relations, parties, every party's dated actions and derived
    status. `as_of` (YYYY-MM-DD): statuses as they stood that day, from the actions on record
    by then; an action known only to the month or year counts from its period's end.
    `updated_since`: agreements changed since, or with a party's action on record since."""
    as_of = date_filter(as_of, "as_of")
    queryset = Agreement.objects.all()
    if kind := choice_filter(kind, "kind", Agreement.Kind.values):
        queryset = queryset.filter(kind=kind)
    if status := choice_filter(status, "status", Agreement.Status.values):
        queryset = queryset.filter(status=status)
    if actor := slug_filter(actor, "actor"):
        queryset = queryset.filter(party_records__actor__slug=actor)
    if start := date_filter(signed_from, "signed_from"):
        queryset = queryset.filter(signed_on__gte=start)
    if end := date_filter(signed_to, "signed_to"):
        queryset = queryset.filter(signed_on__lte=end)
    if since := moment_filter(updated_since, "updated_since"):
        queryset = queryset.updated_since(since)
    rows, next_url, cursor = paginate(
        request, answers.versions(queryset), ["id"], paging.cursor, paging.limit
    )
    layout = answers.Answers(as_of)
    return respond(
        {
            "items": layout.agreements(rows),
            "next": next_url,
            "next_cursor": cursor,
        }
    )


@router.get("/agreements/{slug}", response=schemas.Agreement, tags=["agreements"])
def agreement(request, slug: str, as_of: str | None = None):
    as_of = date_filter(as_of, "as_of")
    row = answers.versions(Agreement.objects.filter(slug=slug_or_404(slug))).first()
    found = answers.Answers(as_of).agreements([row]) if row else None
    if not found:
        raise Http404
    return respond(found[0])


@router.get("/agreements/{slug}/parties", response=schemas.PartyList, tags=["agreements"])
def parties(request, slug: str, as_of: str | None = None, status: str | None = None):
    """One agreement's parties with their actions and derived status, as of a date if asked
    (`?as_of=2019-01-01&status=bound`: who had ratified on 1 January 2019)."""
    as_of = date_filter(as_of, "as_of")
    status = choice_filter(status, "status", Party.Status.values)
    row = get_object_or_404(answers.versions(Agreement.objects.all()), slug=slug_or_404(slug))
    tally, parties = answers.Answers(as_of).agreement_parties(row["id"], row["record_version"])
    return respond(
        {
            "agreement": slug,
            "as_of": as_of,
            "counts": tally,
            "items": [p for s, p in parties if status is None or s == status],
        }
    )


@router.get("/events", response=schemas.EventPage, tags=["events"])
def events(
    request,
    paging: Query[Paging],
    agreement: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    start_from: str | None = None,
    start_to: str | None = None,
    updated_since: str | None = None,
):
    """Summits, signings, visits and votes with their participants, newest first."""
    queryset = EVENTS
    if agreement := slug_filter(agreement, "agreement"):
        queryset = queryset.filter(agreements__slug=agreement)
    if actor := slug_filter(actor, "actor"):
        queryset = queryset.filter(participations__actor__slug=actor).distinct()
    if kind := choice_filter(kind, "kind", Event.Kind.values):
        queryset = queryset.filter(kind=kind)
    if start := date_filter(start_from, "start_from"):
        queryset = queryset.filter(start_date__gte=start)
    if end := date_filter(start_to, "start_to"):
        queryset = queryset.filter(start_date__lte=end)
    if since := moment_filter(updated_since, "updated_since"):
        queryset = queryset.filter(updated_at__gte=since)
    rows, next_url, cursor = paginate(request, queryset, ["-id"], paging.cursor, paging.limit)
    return respond(
        {"items": [event_data(e) for e in rows], "next": next_url, "next_cursor": cursor}
    )


@router.get("/events/{slug}", response=schemas.Event, tags=["events"])
def event(request, slug: str):
    return respond(event_data(get_object_or_404(EVENTS, slug=slug_or_404(slug))))


@router.get("/briefings", response=schemas.BriefingPage, tags=["briefings"])
def briefing_list(
    request,
    paging: Query[Paging],
    agreement: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    published_from: str | None = None,
    published_to: str | None = None,
    updated_since: str | None = None,
):
    """Published briefings, newest first: metadata and links (the body is on each briefing).
    `kind` is the article type."""
    queryset = briefings()
    if agreement := slug_filter(agreement, "agreement"):
        queryset = queryset.filter(agreements__slug=agreement)
    if actor := slug_filter(actor, "actor"):
        queryset = queryset.filter(actors__slug=actor)
    if kind := choice_filter(kind, "kind", Briefing.ArticleType.values):
        queryset = queryset.filter(article_type=kind)
    if start := moment_filter(published_from, "published_from"):
        queryset = queryset.filter(publish_at__gte=start)
    if end := moment_filter(published_to, "published_to"):
        queryset = queryset.filter(publish_at__lte=end)
    if since := moment_filter(updated_since, "updated_since"):
        queryset = queryset.filter(
            Q(public_updated_at__gte=since)
            | Q(public_updated_at__isnull=True, publish_at__gte=since)
        )
    rows, next_url, cursor = paginate(
        request, queryset, ["-publish_at", "-id"], paging.cursor, paging.limit
    )
    return respond(
        {"items": [briefing_data(b) for b in rows], "next": next_url, "next_cursor": cursor}
    )


@router.get("/briefings/{slug}", response=schemas.Briefing, tags=["briefings"])
def briefing(request, slug: str):
    """One published briefing, with its body as sanitised HTML."""
    return respond(briefing_data(get_object_or_404(briefings(), slug=slug_or_404(slug)), body=True))
