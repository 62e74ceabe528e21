"""Every public briefing page runs the same small number of queries, whatever it shows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.digests.models import Delivery, Edition
from briefings.events.models import Event
from briefings.newsroom.models import Briefing, Contributor
from tests.digests.factories import SubscriberFactory
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    ContributorFactory,
    CorrectionFactory,
    DraftFactory,
    EventFactory,
    KeyFigureFactory,
    SourceFactory,
    UserFactory,
    add_byline,
)

pytestmark = pytest.mark.django_db

# One more than the page's own queries: the first page after any change also asks when
# published() next changes by itself (the cache lifetime), then keeps the answer in Redis.
# Home and the list count topics (and home dossiers) over the latest briefings' ids, fetched
# first, then tag ids, then only the leading tags' names: three small queries instead of one
# join over every tag. A briefing fetches everything it shows in its own query (relations as
# JSON, briefings.inlined), then its related briefings and their tags. Search steers its
# transaction to the GIN index (one SET LOCAL).
BUDGETS = {
    "/en/": 9,
    "/en/briefings/": 7,
    "/en/briefings/?tag=shared&type=news": 8,
    "/en/briefings/lead/": 5,
    "/en/tags/shared/": 6,
    "/en/tags/": 4,
    "/en/tags/?letter=T": 5,
    "/en/search/?q=briefing": 7,
    "/en/feeds/rss/": 5,
    "/en/feeds/atom/": 5,
    "/en/tags/shared/rss/": 7,
    "/sitemap.xml": 15,
    "/sitemap-briefings.xml": 3,
    "/sitemap-tags.xml": 3,
    "/sitemap-actors.xml": 3,
    "/sitemap-contributors.xml": 3,
    "/sitemap-digests.xml": 3,
    "/en/contributors/ana-ferreira/": 6,
    "/en/contributors/ana-ferreira/rss/": 6,
    "/en/contributors/ana-ferreira/atom/": 6,
}


# The same pages for French readers: each list picks the French version of a translated
# briefing in the same queries; a briefing lives under its own language's prefix.
FRENCH_BUDGETS = {
    **{
        url.replace("/en/", "/fr/", 1): budget
        for url, budget in BUDGETS.items()
        if url.startswith("/en/") and url != "/en/briefings/lead/"
    },
    "/fr/briefings/lead-fr/": 5,
}


def build(count):
    lead = BriefingFactory(
        slug="lead", tags=["shared"], body="Lede.\n\n## One\n\n## Two\n\n### Two, a\n\n## Three"
    )
    add_byline(lead, ContributorFactory(name="Ana Ferreira", slug="ana-ferreira"))
    french = BriefingFactory(slug="lead-fr", language="fr", translation_of=lead, tags=["shared"])
    for n in range(count):
        briefing = BriefingFactory(tags=["shared", f"topic-{n}"])
        author = UserFactory(password=None)  # no hashing: only the count matters here
        actor, agreement, event = ActorFactory(), AgreementFactory(), EventFactory()
        for target in (lead, french, briefing):
            add_byline(target, author)
            target.actors.add(actor)
            target.agreements.add(agreement)
            target.events.add(event)
        add_byline(briefing, Contributor.objects.get(slug="ana-ferreira"))
        lead.tags.add(f"topic-{n}")
        KeyFigureFactory(briefing=lead)
        SourceFactory(briefing=lead)
        CorrectionFactory(briefing=lead)
        CorrectionFactory(briefing=briefing)
        DraftFactory(tags=["shared"])


@pytest.fixture(scope="module", params=[1, 25])
def count(request, django_db_setup, django_db_blocker):
    """`build(count)` once for all the module's tests of that size, rolled back after them;
    each test runs in a savepoint of its own on top, as it would on an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        build(request.param)
        yield request.param
        transaction.set_rollback(True)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_run_constant_queries(client, count, language, django_assert_max_num_queries):
    assert Briefing.objects.published().count() == count + 2

    for url, budget in (BUDGETS if language == "en" else FRENCH_BUDGETS).items():
        cache.clear()  # each page pays for a cold cache
        with django_assert_max_num_queries(budget, info=url):
            response = client.get(url)
        assert response.status_code == 200, url


# Detail pages of what briefings link to: the record, its own relations, its briefings.
DETAIL_BUDGETS = {Actor: 11, Agreement: 9, Event: 8}  # each with one for bylines


@pytest.mark.parametrize("language", ["en", "fr"])
def test_linked_record_pages_run_constant_queries(
    client, count, language, django_assert_max_num_queries
):
    for model, budget in DETAIL_BUDGETS.items():
        record = model.objects.filter(briefings__slug="lead").order_by("pk").first()
        with translation.override(language):
            url = record.get_absolute_url()
        cache.clear()
        with django_assert_max_num_queries(budget, info=url):
            response = client.get(url)
        assert response.status_code == 200, model


def test_digest_archive_pages_run_constant_queries(client, count, django_assert_max_num_queries):
    """The archive lists editions in one query (with the count); an edition's page finds the
    edition, then its briefings as a list does (tags and bylines prefetched)."""
    now = timezone.now()
    reader = SubscriberFactory()
    for day in range(count):
        edition = Edition.objects.create(
            kind="daily",
            period=(now - datetime.timedelta(days=day)).date(),
            starts_at=now - datetime.timedelta(days=day + 1),
            ends_at=now - datetime.timedelta(days=day) + datetime.timedelta(minutes=1),
            completed_at=now,
        )
        Delivery.objects.create(
            edition=edition, subscriber=reader, message_id=f"<d.{day}@x>", state="sent"
        )
    latest = Edition.objects.archived().order_by("-period").first()
    for url, budget in (("/en/digests/", 3), (latest.get_absolute_url(), 6)):
        cache.clear()
        with django_assert_max_num_queries(budget, info=url):
            response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(latest.get_absolute_url()).content.decode().count('class="card') >= count
