"""The page cache: pages come from Redis for anonymous readers, and are never stale.

A publish, an edit or a withdrawal shows at once; a scheduled briefing appears at its time and
not a moment before; an expired one goes at its expiry.
"""

import datetime
import socket
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from briefings.newsroom.models import Briefing, Outbox
from briefings.site.cache import PURGES_KEY, purge_local, seconds_fresh
from tests.factories import ActorFactory, BriefingFactory, DraftFactory, KeyFigureFactory, editor
from tests.support import run_outbox

pytestmark = pytest.mark.django_db


def page(client, url="/en/"):
    response = client.get(url)
    return response.status_code, response.content.decode()


def poll(condition, timeout=15):
    """Ask again until the condition holds; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_anonymous_pages_are_served_from_the_cache(client, django_assert_num_queries):
    BriefingFactory(headline="Cached headline", slug="cached")

    for url in [
        "/en/",
        "/en/briefings/",
        "/en/briefings/cached/",
        "/en/feeds/rss/",
        "/sitemap.xml",
    ]:
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first.content


def test_signed_in_users_bypass_the_cache(client, django_assert_max_num_queries):
    BriefingFactory(headline="Cached headline")
    client.get("/en/")
    client.force_login(editor())

    with django_assert_max_num_queries(30) as captured:
        client.get("/en/")

    assert len(captured) > 0


def test_publishing_shows_at_once_everywhere(client):
    briefing = DraftFactory(headline="Fresh news", slug="fresh", tags=["defence"])
    BriefingFactory(tags=["defence"])
    for url in ["/en/", "/en/briefings/", "/en/tags/defence/", "/en/feeds/rss/"]:
        assert "Fresh news" not in page(client, url)[1]
    assert page(client, "/en/briefings/fresh/")[0] == 404

    briefing.transition(Briefing.Status.PUBLISHED, by=editor())

    for url in [
        "/en/",
        "/en/briefings/",
        "/en/tags/defence/",
        "/en/feeds/rss/",
        "/en/briefings/fresh/",
    ]:
        assert "Fresh news" in page(client, url)[1], url


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_publication_whose_purge_fails_is_retried_until_redis_takes_it(settings):
    briefing = DraftFactory()
    briefing.transition(Briefing.Status.PUBLISHED, by=editor())
    entry = Outbox.objects.get(briefing=briefing)
    before = cache.get(PURGES_KEY)
    working = settings.CACHES
    settings.CACHES = {
        "default": {**working["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}
    }

    assert run_outbox() == 0
    entry.refresh_from_db()
    assert entry.done_at is None and entry.attempts == 1
    assert "ConnectionError" in entry.last_error

    settings.CACHES = working
    Outbox.objects.filter(pk=entry.pk).update(next_attempt_at=timezone.now())
    assert run_outbox() == 1
    entry.refresh_from_db()
    assert entry.done_at is not None
    assert cache.get(PURGES_KEY) > before


def test_edits_and_link_changes_show_at_once(client):
    briefing = BriefingFactory(headline="First headline", slug="story")
    actor = ActorFactory(name="Canada", slug="canada")
    for url in ["/en/briefings/story/", "/en/actors/canada/"]:
        page(client, url)

    briefing.headline = "Second headline"
    briefing.save()
    assert "Second headline" in page(client, "/en/briefings/story/")[1]

    briefing.actors.add(actor)
    assert "Second headline" in page(client, "/en/actors/canada/")[1]

    actor.name = "Dominion of Canada"
    actor.save()
    assert "Dominion of Canada" in page(client, "/en/briefings/story/")[1]

    briefing.tags.add("procurement")
    assert 'href="/en/tags/procurement/"' in page(client, "/en/briefings/story/")[1]


def test_work_on_drafts_leaves_readers_cache_alone(client, django_assert_num_queries):
    BriefingFactory(headline="Already out", tags=["defence"])
    actor = ActorFactory(name="Canada", slug="canada")
    page(client, "/en/")
    purges = cache.get(PURGES_KEY)

    draft = DraftFactory(headline="Still being written", tags=["secret-topic"])
    draft.body = "A second paragraph."
    draft.save()
    draft.actors.add(actor)
    actor.briefings.add(draft)
    KeyFigureFactory(briefing=draft)

    assert cache.get(PURGES_KEY) == purges
    with django_assert_num_queries(0):
        assert "Already out" in page(client, "/en/")[1]

    # Review is as private as a draft; scheduling is the first move readers' pages feel.
    draft.transition(Briefing.Status.REVIEW, by=editor())
    draft.headline = "Reviewed headline"
    draft.save()
    assert cache.get(PURGES_KEY) == purges
    draft.transition(
        Briefing.Status.SCHEDULED, by=editor(), publish_at=timezone.now() + datetime.timedelta(1)
    )
    assert cache.get(PURGES_KEY) > purges


def test_withdrawal_shows_at_once(client):
    briefing = BriefingFactory(headline="Soon withdrawn", slug="soon-withdrawn")
    assert page(client, "/en/briefings/soon-withdrawn/")[0] == 200
    assert "Soon withdrawn" in page(client, "/en/")[1]

    briefing.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")

    status, body = page(client, "/en/briefings/soon-withdrawn/")
    assert status == 410 and "Sourcing failed." in body
    assert "Soon withdrawn" not in page(client, "/en/")[1]


def test_a_scheduled_briefing_appears_at_its_time_and_not_before(client):
    BriefingFactory(headline="Already out")
    briefing = DraftFactory(headline="Embargoed until its time", slug="embargoed")
    publish_at = timezone.now() + datetime.timedelta(seconds=2.5)
    briefing.transition(Briefing.Status.SCHEDULED, by=editor(), publish_at=publish_at)

    def visible():
        asked_at = timezone.now()
        home = page(client, "/en/")[1]
        detail = page(client, "/en/briefings/embargoed/")
        shown = "Embargoed until its time" in home
        if shown or detail[0] == 200:
            assert timezone.now() >= publish_at, "served before its time"
        if asked_at >= publish_at + datetime.timedelta(milliseconds=200):
            return shown and detail[0] == 200
        return False

    assert "Embargoed until its time" not in page(client, "/en/")[1]
    poll(visible)


def test_an_expiring_briefing_disappears_at_its_expiry(client):
    expires_at = timezone.now() + datetime.timedelta(seconds=2.5)
    BriefingFactory(headline="Time-limited notice", slug="notice", expires_at=expires_at)
    assert "Time-limited notice" in page(client, "/en/")[1]

    def gone():
        asked_at = timezone.now()
        shown = "Time-limited notice" in page(client, "/en/")[1]
        return asked_at >= expires_at + datetime.timedelta(milliseconds=200) and not shown

    poll(gone)
    assert page(client, "/en/briefings/notice/")[0] == 404


def test_cache_lifetime_never_passes_the_next_publication():
    now = timezone.now()
    DraftFactory()
    BriefingFactory(
        status=Briefing.Status.SCHEDULED, publish_at=now + datetime.timedelta(seconds=42)
    )

    assert seconds_fresh(now) == 42


def test_errors_and_sessions_are_not_stored(client):
    def stored_pages():
        return cache._cache.get_client().keys(f"{cache.key_prefix}*page:*")

    client.get("/en/briefings/missing/")
    client.get("/en/search/?q=x", HTTP_COOKIE="sessionid=abc")
    assert stored_pages() == []

    client.get("/en/search/?q=x")
    assert len(stored_pages()) == 1


def test_a_hit_is_served_before_sessions_and_auth(client, django_assert_num_queries):
    BriefingFactory(headline="Cached headline", slug="cached")
    first = client.get("/en/briefings/cached/")
    assert hasattr(first.wsgi_request, "user")

    with django_assert_num_queries(0):
        hit = client.get("/en/briefings/cached/")

    assert not hasattr(hit.wsgi_request, "user"), "auth middleware ran on a hit"
    assert hit.content == first.content
    # Stored after the inner middleware: a hit keeps their headers.
    assert hit["X-Frame-Options"] == "DENY"


def test_a_session_or_messages_cookie_bypasses_the_cache(client, django_assert_max_num_queries):
    BriefingFactory(headline="Cached headline")
    client.get("/en/")

    for cookie in ["sessionid=abc", "messages=abc"]:
        with django_assert_max_num_queries(30) as captured:
            response = client.get("/en/", HTTP_COOKIE=cookie)
        assert response.status_code == 200
        assert len(captured) > 0, cookie


def test_a_purge_of_a_tag_drops_exactly_its_pages(client, django_assert_num_queries):
    briefing = BriefingFactory(headline="Old headline", slug="story", tags=["shared"])
    BriefingFactory(headline="Related", slug="related", tags=["shared"])
    BriefingFactory(headline="Unrelated", slug="unrelated")
    urls = ["/en/briefings/story/", "/en/briefings/related/", "/en/briefings/unrelated/"]
    for url in urls:
        page(client, url)
    Briefing.objects.filter(pk=briefing.pk).update(headline="New headline")  # no signal
    assert "Old headline" in page(client, "/en/briefings/story/")[1]

    purge_local([f"briefing:{briefing.pk}"])

    assert "New headline" in page(client, "/en/briefings/story/")[1]
    assert "New headline" in page(client, "/en/briefings/related/")[1]  # its card there
    with django_assert_num_queries(0):
        assert "Unrelated" in page(client, "/en/briefings/unrelated/")[1]


def test_one_redis_client_serves_every_call():
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_a_stored_page_is_one_chunk(client):
    """A feed is written in many small pieces; served from the cache, it goes out in one."""
    BriefingFactory(headline="Cached headline")
    first = client.get("/en/feeds/rss/")
    hit = client.get("/en/feeds/rss/")

    assert len(hit._container) == 1
    assert hit.content == first.content


def test_a_correction_purges_only_the_pages_showing_that_briefing(
    client, django_assert_num_queries
):
    corrected = BriefingFactory(headline="Before the fix", slug="fixed", tags=["shared"])
    others = [BriefingFactory(slug=f"other-{n}") for n in range(5)]
    sibling = BriefingFactory(slug="sibling", tags=["shared"])  # shows the corrected card
    actor = ActorFactory(slug="canada")
    urls = [o.get_absolute_url() for o in others] + ["/en/actors/canada/", "/en/tags/"]
    for url in [*urls, "/en/briefings/fixed/", "/en/briefings/sibling/"]:
        page(client, url)

    corrected.headline = "After the fix"
    corrected.save()

    assert "After the fix" in page(client, "/en/briefings/fixed/")[1]
    assert "After the fix" in page(client, sibling.get_absolute_url())[1]
    for url in urls[:-1]:  # the topic index carries `any`: purged by every public change
        with django_assert_num_queries(0):
            assert page(client, url)[0] == 200, url
    assert actor.slug == "canada"


def test_tracking_parameters_share_the_page_others_split_it(client, django_assert_num_queries):
    BriefingFactory(headline="Shared page", slug="shared")
    client.get("/en/briefings/shared/")

    with django_assert_num_queries(0):
        for query in [
            "utm_source=news&utm_medium=email",
            "fbclid=x",
            "gclid=1",
            "mc_cid=a&mc_eid=b",
        ]:
            assert client.get(f"/en/briefings/shared/?{query}").status_code == 200
    with django_assert_num_queries(5):  # another parameter: another page
        client.get("/en/briefings/?page=1&utm_campaign=a")
    with django_assert_num_queries(0):
        client.get("/en/briefings/?page=1&utm_source=b")  # the same page, other tracking
        client.get("/en/briefings/?utm_term=c&page=1")


def test_pages_carry_cdn_headers_bounded_by_the_next_publication(client):
    briefing = BriefingFactory(slug="story", tags=["defence"])
    BriefingFactory(
        status=Briefing.Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(seconds=40)
    )

    for attempt in ("miss", "hit"):
        response = client.get("/en/briefings/story/")
        control = response["Cache-Control"]
        assert "public" in control, attempt
        maxage = int(control.split("s-maxage=")[1].split(",")[0])
        assert 0 < maxage <= 40, attempt
        keys = response["Surrogate-Key"].split()
        assert f"briefing:{briefing.pk}" in keys and "site" in keys
        assert f"tag:{briefing.tags.get().pk}" in keys


def test_a_page_rendered_before_a_purge_is_not_stored(client, django_assert_num_queries):
    """The render read the old row; the purge (the change's commit) came before storing."""
    from briefings.site import cache as page_cache

    briefing = BriefingFactory(headline="Old headline", slug="story")
    real = page_cache.PageCacheMiddleware.store

    def purge_first(key, value, lifetime, tags, found):
        purge_local([f"briefing:{briefing.pk}"])
        return real(key, value, lifetime, tags, found)

    page_cache.PageCacheMiddleware.store = staticmethod(purge_first)
    try:
        page(client, "/en/briefings/story/")
    finally:
        page_cache.PageCacheMiddleware.store = staticmethod(real)
    Briefing.objects.filter(pk=briefing.pk).update(headline="New headline")

    assert "New headline" in page(client, "/en/briefings/story/")[1]
