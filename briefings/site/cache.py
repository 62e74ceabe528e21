"""Whole-page caching for anonymous readers, in Redis, never stale.

Every cached page is stored with the site-wide content *generation* it was rendered under: a
random token replaced on any save, delete or link change of something a public page shows (and
again once the transaction commits, so a page rendered from pre-commit data cannot survive);
work on drafts and briefings in review, which no public page shows, leaves it alone. A
page whose token is not the current one is never served. A page also never outlives the next
moment `Briefing.objects.published()` changes by itself — a scheduled briefing's time or an
expiry — so readers see a scheduled briefing at its time and never before.

Only anonymous GET/HEAD requests (no session or messages cookie) are served from or stored in
the cache, and only views wrapped in `public_page` are stored; responses that set cookies,
errors and previews never are. `PageCacheMiddleware` sits before the session, CSRF, auth and
messages middleware, so a hit costs one Redis round trip and none of their work.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from taggit.models import Tag

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation
from briefings.images.models import Image
from briefings.newsroom.models import Briefing, Correction, KeyFigure, Source, TaggedBriefing
from briefings.newsroom.signals import briefing_published

GENERATION_KEY = "site:generation"
# What a page may be cached for at most, when nothing is scheduled sooner.
MAX_AGE = 300
# Cookies that may make an anonymous reader's page differ from everyone else's.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")

WATCHED = [
    Briefing, TaggedBriefing, Tag, KeyFigure, Source, Correction,
    Actor, Membership, Office, OfficeTerm,
    Agreement, AgreementRelation, Party, PartyAction,
    Event, Participation,
    Image,
]  # fmt: skip
BRIEFING_LINKS = (
    Briefing.actors.through,
    Briefing.agreements.through,
    Briefing.events.through,
    Briefing.authors.through,
    TaggedBriefing,
)
WATCHED_LINKS = [*BRIEFING_LINKS, Event.agreements.through]


class PooledRedisCacheClient(RedisCacheClient):
    """One redis.Redis client per connection pool, kept for the life of the process.

    Django's client builds a new redis.Redis on every call, and redis-py fills a table of some
    165 response callbacks for each: on a page-cache hit that cost more than the round trip.
    redis.Redis is thread-safe over its pool, so one per pool serves every thread.
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


class PooledRedisCache(RedisCache):
    """Django's RedisCache over PooledRedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient


def generation():
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    return token


def bump_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def purge_on_publication(sender, briefing, **kwargs):
    """Publication's purge, as an outbox effect: if Redis refuses it, the entry rolls back and
    is retried, where a lost after-commit bump of the save would leave pages stale."""
    bump_generation()
    transaction.on_commit(bump_generation)


def content_changed(sender, **kwargs):
    if not touches_public_pages(sender, **kwargs):
        return
    bump_generation()
    transaction.on_commit(bump_generation)


PRIVATE = (Briefing.Status.DRAFT, Briefing.Status.REVIEW)


def touches_public_pages(
    sender, instance, update_fields=None, action=None, pk_set=None, created=False, **kwargs
):
    """False only for a change no public page can show: to a draft or a briefing in review.

    Writers save drafts all day; if each save emptied every reader's cache, readers would
    hardly ever be served from it. Anything else counts, and anything unsure counts: a status
    change (a transition saves "status"), links changed from the other side without their
    briefings named.
    """
    if isinstance(instance, Briefing):  # the briefing, or its links changed from its side
        return instance.status not in PRIVATE or "status" in (update_fields or ())
    if action is not None and sender in BRIEFING_LINKS:  # from the other side: briefing pks
        if pk_set is None:  # a clear(): which briefings lost the link is not told
            return True
        return Briefing.objects.filter(pk__in=pk_set).exclude(status__in=PRIVATE).exists()
    if sender is Tag:  # a new tag is on no page until a public briefing carries it
        return not created
    if sender in (TaggedBriefing, KeyFigure, Source, Correction):
        briefing = instance.content_object_id if sender is TaggedBriefing else instance.briefing_id
        return not Briefing.objects.filter(pk=briefing, status__in=PRIVATE).exists()
    return True


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


def page_key(request):
    address = f"{request.get_host()}{request.get_full_path()}"
    return f"page:{hashlib.sha256(address.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serves anonymous readers' pages from the cache; stores what `public_page` views render.

    The generation token and the page come back in one MGET; the page is stored with the
    token it was rendered under and served only while that token is current.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or any(
            request.COOKIES.get(name) for name in PRIVATE_COOKIES
        ):
            return self.get_response(request)
        for name in PRIVATE_COOKIES:
            # An empty one (a deleted session) is no cookie: this reader gets everyone's page,
            # not a response that deletes it and so could not be stored.
            request.COOKIES.pop(name, None)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        token = found.get(GENERATION_KEY) or generation()
        stored = found.get(key)
        if stored is not None and stored[0] == token:
            return stored[1]
        request.page_generation = token
        response = self.get_response(request)
        lifetime = getattr(request, "page_lifetime", 0)
        if (
            lifetime >= 1
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            # One chunk: a feed is written in thousands of small ones, each a write to the
            # socket when served (a cached feed hit cost 14 ms instead of 1).
            response.content = response.content
            cache.set(key, (token, response), lifetime)
        return response


def public_page(view):
    """Let PageCacheMiddleware store this view's pages, for as long as they stay fresh."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        token = getattr(request, "page_generation", None)
        if token is not None:
            request.page_lifetime = seconds_fresh(token, timezone.now())
        return view(request, *args, **kwargs)

    return cached_view


for model in WATCHED:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
    post_delete.connect(
        content_changed, sender=model, dispatch_uid=f"cache-delete-{model.__name__}"
    )
for through in WATCHED_LINKS:
    m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"cache-m2m-{through}")
briefing_published.connect(purge_on_publication, dispatch_uid="site.purge-on-publication")
