"""No cached fragment makes unpublished content visible.

Every fragment that could show a briefing is warmed (its card on every list, its article, the
cards of the briefings beside it), then the briefing leaves the public site: withdrawn, expired
or, for a scheduled one, not yet due. Every public page that could show it is then fetched with
the page cache emptied (so the page is rendered again, from the warm fragments) and with it
warm (its purges and lifetimes apply), in both languages, and none may carry the briefing's
canary. The old fragments are still in Redis: safety does not depend on deleting them.
"""

import datetime
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from redis import Redis

from briefings.newsroom.models import Briefing
from briefings.site.cache import EVERY_PAGE, purge_local
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    ContributorFactory,
    DraftFactory,
    EventFactory,
    KeyFigureFactory,
    SourceFactory,
    add_byline,
    editor,
)

pytestmark = pytest.mark.django_db

WINDOW = datetime.timedelta(seconds=8)  # the time a test has to warm every page


def fragments():
    """Every cached fragment, {key: html}."""
    client = Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = [k.decode() for k in client.scan_iter(match=f"{prefix}:*:fragment:*", count=1000)]
    raw = [k.split(":", 2)[2] for k in keys]
    return cache.get_many(raw)


def wait_until(moment):
    """Until the clock has passed `moment`: the condition is time itself."""
    while timezone.now() <= moment:
        time.sleep(0.05)


class Desk:
    """Published briefings around one `target`: it shares their topic, actor, event and
    contributor, so it is listed beside them everywhere and related to them."""

    def __init__(self, target_state):
        self.canary = f"canary{uuid.uuid4().hex[:12]}"
        # Addresses and a search echo what they name: none of them carries the canary.
        self.topic = f"topic-{uuid.uuid4().hex[:8]}"
        self.word = f"quokka{uuid.uuid4().hex[:8]}"
        self.actor = ActorFactory(name="Shared actor")
        self.event = EventFactory(title="Shared event")
        self.colleague = ContributorFactory(name="Colleague Writer")
        self.own_author = ContributorFactory(name=f"Writer {self.canary}")
        self.neighbours = [
            BriefingFactory(headline=f"Neighbour {n}", slug=f"neighbour-{n}", tags=[self.topic])
            for n in range(2)
        ]
        for neighbour in self.neighbours:
            add_byline(neighbour, self.colleague)
            neighbour.actors.add(self.actor)
            neighbour.events.add(self.event)
        factory = BriefingFactory if target_state != "scheduled" else DraftFactory
        self.target = factory(
            headline=f"Headline {self.canary}",
            slug=f"target-{uuid.uuid4().hex[:8]}",
            dek=f"Dek {self.canary}",
            body=f"Body {self.canary}, {self.word}.\n\n## Part {self.canary}\n\nMore.",
            tags=[self.topic, f"own-{self.canary}"],
            expires_at=timezone.now() + WINDOW if target_state == "expiring" else None,
        )
        add_byline(self.target, self.colleague, self.own_author)
        self.target.actors.add(self.actor)
        self.target.events.add(self.event)
        KeyFigureFactory(briefing=self.target, label=f"Figure {self.canary}")
        SourceFactory(briefing=self.target, title=f"Source {self.canary}")
        if target_state == "scheduled":
            self.publish_at = timezone.now() + WINDOW
            self.target.transition(
                Briefing.Status.SCHEDULED, by=editor(), publish_at=self.publish_at
            )

    def urls(self):
        """Every public page that could show the target, under both language prefixes."""
        urls = []
        for language in ("en", "fr"):
            with translation.override(language):
                urls += [
                    reverse("home"),
                    reverse("newsroom:index"),
                    reverse("newsroom:index") + f"?tag={self.topic}",
                    reverse("newsroom:index") + f"?actor={self.actor.slug}",
                    reverse("tag", kwargs={"slug": self.topic}),
                    reverse("contributors:detail", kwargs={"slug": self.colleague.slug}),
                    reverse("contributors:detail", kwargs={"slug": self.own_author.slug}),
                    self.actor.get_absolute_url(),
                    self.event.get_absolute_url(),
                    *(n.get_absolute_url() for n in self.neighbours),  # related briefings
                    reverse("search") + f"?q={self.word}",
                    reverse("search") + "?q=Neighbour",
                    reverse("feed_rss"),
                    reverse("feed_atom"),
                    reverse("tag_feed_rss", kwargs={"slug": self.topic}),
                    reverse("actor_feed_rss", kwargs={"slug": self.actor.slug}),
                    reverse("contributor_feed_rss", kwargs={"slug": self.colleague.slug}),
                    # The briefing's own address under each prefix (the other one redirects).
                    f"/{language}/briefings/{self.target.slug}/",
                ]
        return urls

    def showing(self, client):
        """The pages that show the canary, each fetched (and followed through redirects)."""
        found = []
        for url in self.urls():
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404, 410), (url, response.status_code)
            if self.canary in response.content.decode():
                found.append(url)
        return found


def assert_nowhere(desk, client):
    """No page shows the target: rendered anew from warm fragments, then from the page cache."""
    purge_local([EVERY_PAGE])
    assert desk.showing(client) == [], "rendered from warm fragments"
    assert desk.showing(client) == [], "served from the page cache"


def warm(desk, client):
    """Render every page once, storing its fragments; the pages that showed the target."""
    purge_local([EVERY_PAGE])
    return desk.showing(client)


def test_a_withdrawn_briefing_leaves_no_warm_fragment_on_any_page(client):
    desk = Desk("published")
    shown = warm(desk, client)
    assert len(shown) >= 20, shown  # the target really was on every list, card and page
    before = fragments()
    assert any(desk.canary in html for html in before.values())

    desk.target.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")

    assert_nowhere(desk, client)
    # The fragments that showed it are still cached: nothing deleted them, no page reads them.
    assert {k for k, html in before.items() if desk.canary in html} <= set(fragments())
    response = client.get(f"/en/briefings/{desk.target.slug}/")
    assert response.status_code == 410 and "Sourcing failed." in response.content.decode()


def test_an_expired_briefing_leaves_no_warm_fragment_on_any_page(client):
    desk = Desk("expiring")
    shown = warm(desk, client)
    assert timezone.now() < desk.target.expires_at, "warming took longer than the window"
    assert len(shown) >= 20, shown
    stale = {k for k, html in fragments().items() if desk.canary in html}
    assert stale

    wait_until(desk.target.expires_at)

    assert_nowhere(desk, client)
    assert stale <= set(fragments())


def test_a_scheduled_briefing_shows_nowhere_before_its_time_even_previewed(client):
    desk = Desk("scheduled")
    assert warm(desk, client) == []
    # Its editor previews it, the page exactly as readers will get it: nothing is stored.
    staff = Client()
    staff.force_login(editor())
    preview = staff.get(reverse("newsroom:desk_preview", kwargs={"pk": desk.target.pk}))
    assert desk.canary in preview.content.decode()
    assert not [k for k, html in fragments().items() if desk.canary in html]
    assert timezone.now() < desk.publish_at, "warming took longer than the window"
    assert_nowhere(desk, client)

    wait_until(desk.publish_at)

    # At its time every list has it, the lists' other cards still coming from the cache.
    purge_local([EVERY_PAGE])
    shown = desk.showing(client)
    assert len(shown) >= 20, shown
    assert any(desk.canary in html for html in fragments().values())


def test_a_withdrawn_translation_is_not_linked_from_its_original(client):
    """The article fragment names the other public versions: one withdrawn is gone from it."""
    original = BriefingFactory(headline="Original", slug="original")
    french = BriefingFactory(
        headline="Version française", slug="version-fr", language="fr", translation_of=original
    )
    client.get("/en/briefings/original/")
    assert (
        "/fr/briefings/version-fr/" in client.get("/en/briefings/original/?again").content.decode()
    )

    french.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Mistranslated.")

    purge_local([EVERY_PAGE])
    assert "/fr/briefings/version-fr/" not in client.get("/en/briefings/original/").content.decode()
    assert "Version française" not in client.get("/fr/").content.decode()
