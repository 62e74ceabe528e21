"""Whole-page caching for anonymous readers, in Redis (and a CDN), purged by tag, never stale.

Every cached page records the tags of what it shows (`briefing:42`, `actor:7`, `tag:12` (by
id: a slug may hold any letter, a header not), `list:briefings`, `records`, ...; see
`tag_page`); a change purges exactly the pages tagged
with what changed: a correction to one briefing purges its own page and the pages that show
its card, a publication or withdrawal also the lists it enters or leaves and the pages of
what it links to. Pages that declare nothing carry `any`, purged by every public change (the
old site-wide behaviour, kept for feeds, sitemaps, search and the topic index).

A purge runs in the changing transaction (so a failing Redis fails the change, or the outbox
entry, which is retried), again once it commits (so a page rendered from pre-commit data
cannot survive), and through `briefings.site.purge` backends from a Celery task after commit
(the CDN or Varnish in front). A page whose render began before a purge of one of its tags is
not stored (a purge counter read with the lookup, checked atomically at storing).

A page also never outlives the next moment `Briefing.objects.published()` changes by itself
(a scheduled briefing's time, an expiry): nor does its `s-maxage`, recomputed on every hit.

Only anonymous GET/HEAD requests (no session or messages cookie) are served from or stored in
the cache, and only views wrapped in `public_page` are stored; responses that set cookies,
errors and previews never are. `PageCacheMiddleware` sits before the session, CSRF, auth and
messages middleware, so a hit costs one Redis round trip and none of their work. Tracking
parameters (`utm_*`, `fbclid`, ...) do not split the cache.
"""

import hashlib
import logging
import time
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.cache import patch_cache_control
from taggit.models import Tag

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.digests.signals import edition_sent
from briefings.events.models import Event, Participation
from briefings.images.models import Image
from briefings.newsroom.models import (
    Briefing,
    Byline,
    Contributor,
    Correction,
    KeyFigure,
    Source,
    TaggedBriefing,
)
from briefings.newsroom.signals import briefing_published

logger = logging.getLogger(__name__)

# What a page may be cached for at most, when nothing is scheduled sooner.
MAX_AGE = 300
# Cookies that may make an anonymous reader's page differ from everyone else's.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Parameters that name where a reader came from, never what the page shows.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
TRACKING_PREFIXES = ("utm_",)

API_PREFIX = "/api/"  # the API's answers: cached by briefings.site.api.http, not here
PURGES_KEY = "site:purges"  # a counter: one more at every purge
CHANGES_AT_KEY = "site:changes-at"  # when published() next changes by itself
# Tag sets and purge stamps outlive every page they concern.
TAG_TTL = 2 * MAX_AGE
EVERY_PAGE = "site"  # on every page: purging it empties the page cache
ANY_CHANGE = "any"  # pages that declared nothing: purged by every public change
LISTS = "list:briefings"  # pages whose briefings depend on which are public
RECORDS = "records"  # pages showing actors, agreements and events beyond their own
DIGESTS = "digests"  # the archive of past digest editions: a newly sent one joins it

WATCHED_RECORDS = {Actor: "actor", Agreement: "agreement", Event: "event"}
WATCHED_SUBRECORDS = [Membership, Office, OfficeTerm, AgreementRelation, Party, PartyAction,
                      Participation]  # fmt: skip
BRIEFING_LINKS = {
    Briefing.actors.through: "actor",
    Briefing.agreements.through: "agreement",
    Briefing.events.through: "event",
}
PRIVATE = (Briefing.Status.DRAFT, Briefing.Status.REVIEW)
# A briefing's fields that decide whether and where it is listed.
MEMBERSHIP_FIELDS = ("status", "publish_at", "expires_at", "slug")

# Stores a page unless one of its tags was purged after its render began (ARGV[3], the purge
# counter then); then adds the page to each tag's set. KEYS: page, n stamps, n sets.
STORE_SCRIPT = """
local n = tonumber(ARGV[4])
local began = tonumber(ARGV[3])
for i = 1, n do
  local stamp = redis.call('GET', KEYS[1 + i])
  if stamp and tonumber(stamp) > began then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[1 + n + i], KEYS[1])
  redis.call('EXPIRE', KEYS[1 + n + i], ARGV[5])
end
return 1
"""
# Deletes every page of each tag, and stamps the tag with the new purge count. KEYS: the
# counter, n sets, n stamps, then extra keys to delete.
PURGE_SCRIPT = """
local n = tonumber(ARGV[1])
local count = redis.call('INCR', KEYS[1])
local purged = 0
for i = 1, n do
  local pages = redis.call('SMEMBERS', KEYS[1 + i])
  for j = 1, #pages, 1000 do
    purged = purged + redis.call('DEL', unpack(pages, j, math.min(j + 999, #pages)))
  end
  redis.call('DEL', KEYS[1 + i])
  redis.call('SET', KEYS[1 + n + i], count, 'EX', ARGV[2])
end
for i = 2 + 2 * n, #KEYS do redis.call('DEL', KEYS[i]) end
return purged
"""


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


def _redis():
    return cache._cache.get_client(write=True)


def purge_local(tags, *, changes=False):
    """Delete the cached pages tagged with any of `tags`; `changes`: also forget when
    published() next changes (a briefing entered or left the schedule). Returns pages deleted."""
    tags = sorted(set(tags))
    keys = [cache.make_key(PURGES_KEY)]
    keys += [cache.make_key(f"tagset:{t}") for t in tags]
    keys += [cache.make_key(f"tagstamp:{t}") for t in tags]
    if changes:
        keys.append(cache.make_key(CHANGES_AT_KEY))
    return _redis().eval(PURGE_SCRIPT, len(keys), *keys, len(tags), TAG_TTL)


def purge(tags, *, changes=False):
    """Purge pages by tag now, again after commit, and in every backend from a Celery task.

    Raises if Redis refuses the first purge: the change (or the outbox entry) fails with it
    rather than leave pages stale.
    """
    tags = sorted(set(tags))
    purge_local(tags, changes=changes)

    def after_commit():
        from briefings.site import purge as backends
        from briefings.site import tasks

        try:
            purge_local(tags, changes=changes)
        except Exception as error:  # the task below purges again, with retries
            logger.warning("Page purge after commit failed (%s): %s", error, tags)
        # Varnish or a CDN at once, so the next reader gets the fresh page; the task repeats
        # it with retries, for a backend that was unreachable just now.
        for backend in backends.backends():
            if not isinstance(backend, backends.RedisPurger):
                try:
                    backend.purge(tags)
                except Exception as error:
                    logger.warning("Purge by %s failed (%s): %s", backend, error, tags)
        tasks.enqueue_purge(tags)

    transaction.on_commit(after_commit)


def seconds_fresh(now, change_at=None):
    """How long a page rendered now may be kept: until the next due time or expiry, at most.
    `change_at`: CHANGES_AT_KEY's value, if the caller fetched it with its own keys."""
    if change_at is None:
        change_at = cache.get(CHANGES_AT_KEY)
    if change_at is None:
        upcoming = Briefing.objects.next_visibility_change(now)
        change_at = upcoming.timestamp() if upcoming else 0
        if upcoming is None:
            cache.set(CHANGES_AT_KEY, 0, MAX_AGE)
        elif upcoming.timestamp() - now.timestamp() >= 1:
            cache.set(CHANGES_AT_KEY, change_at, upcoming.timestamp() - now.timestamp())
    if not change_at:
        return MAX_AGE
    return int(min(MAX_AGE, change_at - now.timestamp()))


def is_tracking(name):
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def page_key(request):
    """The page's cache key: host, path and query, without tracking parameters."""
    query = request.META.get("QUERY_STRING", "")
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_tracking(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    address = f"{request.get_host()}{request.path}?{query}"
    return f"page:{hashlib.sha256(address.encode()).hexdigest()}"


def tag_page(request, *tags):
    """Record what this page shows, so a change to any of it purges the page."""
    if hasattr(request, "page_tags"):
        request.page_tags.update(tags)


def briefing_tags(briefings):
    return [f"briefing:{b.pk}" for b in briefings]


def cdn_headers(response, lifetime, tags):
    patch_cache_control(response, public=True, max_age=0, s_maxage=max(0, int(lifetime)))
    response["Surrogate-Key"] = " ".join(sorted(tags))


class PageCacheMiddleware:
    """Serves anonymous readers' pages from the cache; stores what `public_page` views render.

    The page and the purge counter come back in one MGET; a page is stored with its expiry
    (so a hit's `s-maxage` never passes it) and into each of its tags' sets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(API_PREFIX)  # its answers have their own cache
            or any(request.COOKIES.get(name) for name in PRIVATE_COOKIES)
        ):
            return self.get_response(request)
        for name in PRIVATE_COOKIES:
            # An empty one (a deleted session) is no cookie: this reader gets everyone's page,
            # not a response that deletes it and so could not be stored.
            request.COOKIES.pop(name, None)
        key = page_key(request)
        found = cache.get_many([key, PURGES_KEY])
        stored = found.get(key)
        if stored is not None:
            expires, tags, response = stored
            cdn_headers(response, expires - time.time(), tags)
            return response
        request.page_tags = {EVERY_PAGE}
        request.page_lifetime = 0
        response = self.get_response(request)
        lifetime = request.page_lifetime
        if (
            lifetime >= 1
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            tags = request.page_tags if len(request.page_tags) > 1 else {EVERY_PAGE, ANY_CHANGE}
            cdn_headers(response, lifetime, tags)
            # One chunk: a feed is written in thousands of small ones, each a write to the
            # socket when served (a cached feed hit cost 14 ms instead of 1).
            response.content = response.content
            self.store(key, (time.time() + lifetime, tags, response), lifetime, tags, found)
        return response

    @staticmethod
    def store(key, value, lifetime, tags, found):
        tags = sorted(tags)
        keys = [cache.make_key(key)]
        keys += [cache.make_key(f"tagstamp:{t}") for t in tags]
        keys += [cache.make_key(f"tagset:{t}") for t in tags]
        data = cache._cache._serializer.dumps(value)
        began = found.get(PURGES_KEY) or 0
        _redis().eval(
            STORE_SCRIPT, len(keys), *keys, data, int(lifetime), began, len(tags), TAG_TTL
        )


def public_page(view):
    """Let PageCacheMiddleware store this view's pages, for as long as they stay fresh."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if hasattr(request, "page_tags"):
            request.page_lifetime = seconds_fresh(timezone.now())
        return view(request, *args, **kwargs)

    return cached_view


# What a change purges --------------------------------------------------------------------


def link_tags(briefing_pk):
    """The tags of what a briefing links to: lists and pages its publication changes."""
    tags = [f"tag:{pk}" for pk in TaggedBriefing.objects.filter(
        content_object=briefing_pk).values_list("tag_id", flat=True)]  # fmt: skip
    for through, kind in BRIEFING_LINKS.items():
        if kind:
            column = f"{kind}_id"
            tags += [f"{kind}:{pk}" for pk in through.objects.filter(
                briefing=briefing_pk).values_list(column, flat=True)]  # fmt: skip
    return tags


def briefing_will_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """Note whether this save moves the briefing into, out of or within lists."""
    if raw or instance.pk is None:
        instance._cache_was = None
        return
    if update_fields is not None and not set(update_fields) & set(MEMBERSHIP_FIELDS):
        instance._cache_was = "same"
        return
    was = Briefing.objects.filter(pk=instance.pk).values(*MEMBERSHIP_FIELDS).first()
    instance._cache_was = was


def briefing_saved(sender, instance, created=False, raw=False, **kwargs):
    was = getattr(instance, "_cache_was", None)
    if was == "same":
        moved = False
        private = instance.status in PRIVATE
    else:
        moved = was is None or any(was[f] != getattr(instance, f) for f in MEMBERSHIP_FIELDS)
        private = instance.status in PRIVATE and (was is None or was["status"] in PRIVATE)
    if private:  # no public page showed or shows it
        return
    tags = [f"briefing:{instance.pk}", ANY_CHANGE]
    if moved:
        tags += [LISTS, *link_tags(instance.pk)]
        if instance.translation_of_id:  # the original's page links its public translations
            tags.append(f"briefing:{instance.translation_of_id}")
    purge(tags, changes=moved)


def briefing_deleted(sender, instance, **kwargs):
    if instance.status not in PRIVATE:
        purge([f"briefing:{instance.pk}", ANY_CHANGE, LISTS], changes=True)


def links_changed(sender, instance, action, pk_set, **kwargs):
    """A briefing's actors, agreements, events or byline changed, from either side.

    From the briefing's side the pages of what it linked before (pre_*) and links now
    (post_*) are purged; from the other side, the pages tagged with the other object, which
    every briefing page showing it carries.
    """
    if action not in ("pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"):
        return
    kind = BRIEFING_LINKS[sender]
    if isinstance(instance, Briefing):
        if instance.status in PRIVATE:
            return
        tags = [f"briefing:{instance.pk}", ANY_CHANGE, LISTS, *link_tags(instance.pk)]
        if kind:
            tags += [f"{kind}:{pk}" for pk in pk_set or ()]
        purge(tags)
        return
    if action.startswith("pre_"):
        return
    if pk_set is not None:  # briefing pks
        public = Briefing.objects.exclude(status__in=PRIVATE).filter(pk__in=pk_set)
        if not public.exists():
            return
    purge([ANY_CHANGE, LISTS, f"{kind}:{instance.pk}" if kind else EVERY_PAGE])


def tagging_changed(sender, instance, raw=False, **kwargs):
    if raw or Briefing.objects.filter(pk=instance.content_object_id, status__in=PRIVATE).exists():
        return
    purge([f"briefing:{instance.content_object_id}", ANY_CHANGE, LISTS, f"tag:{instance.tag_id}"])


def briefing_part_changed(sender, instance, raw=False, **kwargs):
    """A key figure, source or correction: shown on its briefing's page and in feeds."""
    if raw or Briefing.objects.filter(pk=instance.briefing_id, status__in=PRIVATE).exists():
        return
    purge([f"briefing:{instance.briefing_id}", ANY_CHANGE])


def byline_changed(sender, instance, raw=False, **kwargs):
    """A byline: on its briefing's page and on the cards that list it."""
    if raw or Briefing.objects.filter(pk=instance.briefing_id, status__in=PRIVATE).exists():
        return
    purge([f"briefing:{instance.briefing_id}", ANY_CHANGE, LISTS])


def contributor_changed(sender, instance, created=False, raw=False, **kwargs):
    """A new contributor is on no page; a renamed one may be on any card, as a tag."""
    if not (created or raw):
        purge([EVERY_PAGE])


def image_changed(sender, instance, created=False, raw=False, **kwargs):
    """A new image is on no page; a changed one (file, focal point, alt) may be on any card."""
    if not (created or raw):
        purge([EVERY_PAGE])


def tag_changed(sender, instance, created=False, raw=False, **kwargs):
    """A new tag is on no page; a renamed or deleted one may be on any card."""
    if not (created or raw):
        purge([EVERY_PAGE])


def record_changed(sender, instance, raw=False, **kwargs):
    """An actor, agreement or event: its own page, the briefings linking it, record pages."""
    if not raw:
        purge([f"{WATCHED_RECORDS[sender]}:{instance.pk}", RECORDS, ANY_CHANGE])


def subrecord_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        purge([RECORDS, ANY_CHANGE])


def purge_on_publication(sender, briefing, **kwargs):
    """Publication's purge, as an outbox effect: if Redis refuses it, the entry rolls back and
    is retried, where a lost purge of the save would leave pages stale."""
    purge([f"briefing:{briefing.pk}", ANY_CHANGE, LISTS, *link_tags(briefing.pk)], changes=True)


def purge_on_edition(sender, edition, **kwargs):
    purge([DIGESTS])


def connect():
    uid = "site.cache"
    edition_sent.connect(purge_on_edition, dispatch_uid=f"{uid}-edition-sent")
    pre_save.connect(briefing_will_save, sender=Briefing, dispatch_uid=f"{uid}-pre-briefing")
    post_save.connect(briefing_saved, sender=Briefing, dispatch_uid=f"{uid}-briefing")
    post_delete.connect(briefing_deleted, sender=Briefing, dispatch_uid=f"{uid}-del-briefing")
    for through in BRIEFING_LINKS:
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}-m2m-{through}")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(tagging_changed, sender=TaggedBriefing, dispatch_uid=f"{uid}-{name}-tb")
        signal.connect(tag_changed, sender=Tag, dispatch_uid=f"{uid}-{name}-tag")
        signal.connect(image_changed, sender=Image, dispatch_uid=f"{uid}-{name}-image")
        signal.connect(byline_changed, sender=Byline, dispatch_uid=f"{uid}-{name}-byline")
        signal.connect(
            contributor_changed, sender=Contributor, dispatch_uid=f"{uid}-{name}-contributor"
        )
        for part in (KeyFigure, Source, Correction):
            signal.connect(
                briefing_part_changed, sender=part, dispatch_uid=f"{uid}-{name}-{part.__name__}"
            )
        for record in WATCHED_RECORDS:
            signal.connect(
                record_changed, sender=record, dispatch_uid=f"{uid}-{name}-{record.__name__}"
            )
        for record in WATCHED_SUBRECORDS:
            signal.connect(
                subrecord_changed, sender=record, dispatch_uid=f"{uid}-{name}-{record.__name__}"
            )
    m2m_changed.connect(
        subrecord_changed, sender=Event.agreements.through, dispatch_uid=f"{uid}-m2m-event-agr"
    )
    briefing_published.connect(purge_on_publication, dispatch_uid="site.purge-on-publication")


connect()
