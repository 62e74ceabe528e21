"""Whole-page caching for anonymous readers, in Redis, never stale.

Every cached page is keyed on a site-wide content *generation*: a random token replaced on any
save, delete or link change of something a public page shows (and again once the transaction
commits, so a page rendered from pre-commit data cannot survive). A page also never outlives
the next moment `Briefing.objects.published()` changes by itself — a scheduled briefing's time
or an expiry — so readers see a scheduled briefing at its time and never before.

Only anonymous GET/HEAD requests (no session cookie) are served from or stored in the cache;
responses that set cookies, errors and previews never are.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from taggit.models import Tag

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation
from briefings.newsroom.models import Briefing, Correction, KeyFigure, Source, TaggedBriefing

GENERATION_KEY = "site:generation"
# What a page may be cached for at most, when nothing is scheduled sooner.
MAX_AGE = 300

WATCHED = [
    Briefing, TaggedBriefing, Tag, KeyFigure, Source, Correction,
    Actor, Membership, Office, OfficeTerm,
    Agreement, AgreementRelation, Party, PartyAction,
    Event, Participation,
]  # fmt: skip
WATCHED_LINKS = [
    Briefing.actors.through,
    Briefing.agreements.through,
    Briefing.events.through,
    Briefing.authors.through,
    Event.agreements.through,
]


def generation():
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    return token


def bump_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def content_changed(sender, **kwargs):
    bump_generation()
    transaction.on_commit(bump_generation)


def seconds_fresh(token, now):
    """How long a page rendered now may be kept: until the next due time or expiry, at most."""
    key = f"site:changes-at:{token}"
    change_at = cache.get(key)
    if change_at is None:
        upcoming = Briefing.objects.next_visibility_change(now)
        change_at = upcoming.timestamp() if upcoming else 0
        if upcoming is None:
            cache.set(key, 0, MAX_AGE)
        elif upcoming.timestamp() - now.timestamp() >= 1:
            cache.set(key, change_at, upcoming.timestamp() - now.timestamp())
    if not change_at:
        return MAX_AGE
    return int(min(MAX_AGE, change_at - now.timestamp()))


def public_page(view):
    """Serve a public view from the cache for anonymous readers, keyed on the generation."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.COOKIES.get(
            settings.SESSION_COOKIE_NAME
        ):
            return view(request, *args, **kwargs)
        token = generation()
        address = f"{request.get_host()}{request.get_full_path()}"
        key = f"page:{token}:{hashlib.sha256(address.encode()).hexdigest()}"
        response = cache.get(key)
        if response is not None:
            return response
        lifetime = seconds_fresh(token, timezone.now())
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()  # a sitemap's TemplateResponse: pickled rendered, or not at all
        if (
            lifetime >= 1
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            cache.set(key, response, lifetime)
        return response

    return cached_view


for model in WATCHED:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
    post_delete.connect(
        content_changed, sender=model, dispatch_uid=f"cache-delete-{model.__name__}"
    )
for through in WATCHED_LINKS:
    m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"cache-m2m-{through}")
m2m_changed.connect(content_changed, sender=TaggedBriefing, dispatch_uid="cache-m2m-tags")
