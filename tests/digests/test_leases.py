"""Durable alert work and leases, without a worker: what is recorded, when, and what resumes."""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from briefings.digests import editions, tasks
from briefings.digests.models import AlertBatch, Delivery, EditionChunk
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


class Rollback(Exception):
    pass


def test_alert_work_is_recorded_in_the_publishing_transaction(django_capture_on_commit_callbacks):
    briefing = BriefingFactory()
    with mock.patch.object(tasks.send_alerts, "delay") as delay:
        with pytest.raises(Rollback), transaction.atomic():
            briefing_published.send(sender=Briefing, briefing=briefing)
            assert AlertBatch.objects.filter(briefing=briefing).exists()
            raise Rollback
        assert not AlertBatch.objects.exists()  # rolled back with the publication
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            briefing_published.send(sender=Briefing, briefing=briefing)
            briefing_published.send(sender=Briefing, briefing=briefing)  # a dispatcher's rerun
            delay.assert_not_called()  # not before the commit
    assert AlertBatch.objects.filter(briefing=briefing, done_at__isnull=True).count() == 1
    assert delay.call_args_list == [mock.call(briefing.pk)] * 2


def test_an_unpublished_briefing_gets_no_alert_work():
    briefing = BriefingFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
    briefing_published.send(sender=Briefing, briefing=briefing)
    assert editions.send_alerts(briefing.pk) == 0
    assert not AlertBatch.objects.exists()  # so a later publication still alerts


def test_the_enqueue_is_a_fast_path_a_broker_outage_cannot_lose_the_work():
    briefing = BriefingFactory()
    with mock.patch.object(tasks.send_alerts, "delay", side_effect=OSError("broker down")):
        briefing_published.send(sender=Briefing, briefing=briefing)
    batch = AlertBatch.objects.get(briefing=briefing)
    later = batch.lease_expires_at + SECOND
    assert list(AlertBatch.objects.stranded(later)) == [batch]


def test_only_expired_or_never_leased_work_is_dispatched_again():
    SubscriberFactory()
    edition = editions.start_edition("daily")
    [chunk] = edition.chunks.all()
    now = timezone.now()
    assert edition.chunks.take_stranded(now) == [chunk]  # new: dispatched, and leased for it
    assert edition.chunks.take_stranded(now) == []  # its lease is live: not again
    chunk.refresh_from_db()
    assert chunk.dispatched_at == now and chunk.lease_expires_at > now
    expired = chunk.lease_expires_at + SECOND
    assert edition.chunks.take_stranded(expired) == [chunk]  # the worker stopped renewing
    EditionChunk.objects.filter(pk=chunk.pk).update(done_at=now)
    assert edition.chunks.take_stranded(expired + 60 * SECOND) == []


def test_send_digest_during_a_stall_resumes_the_stranded_chunk(
    django_capture_on_commit_callbacks,
):
    SubscriberFactory()
    edition = editions.start_edition("daily")
    chunk = edition.chunks.get()
    # A worker claimed it and died: its lease ran out a moment ago.
    EditionChunk.objects.filter(pk=chunk.pk).update(
        dispatched_at=timezone.now() - 30 * SECOND, lease_expires_at=timezone.now() - SECOND
    )
    with (
        mock.patch.object(tasks.send_chunk, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.start_edition("daily")  # what `manage.py send_digest daily` queues
    delay.assert_called_once_with(chunk.pk)


def test_resume_dispatches_chunks_and_alert_batches_whose_lease_ran_out(
    django_capture_on_commit_callbacks,
):
    SubscriberFactory()
    edition = editions.start_edition("daily")
    chunk = edition.chunks.get()
    live, dead = BriefingFactory(), BriefingFactory()
    AlertBatch.objects.record(live)
    AlertBatch.objects.record(dead)
    past = timezone.now() - SECOND
    AlertBatch.objects.filter(briefing=dead).update(lease_expires_at=past)
    with (
        mock.patch.object(tasks.send_chunk, "delay") as chunk_delay,
        mock.patch.object(tasks.send_alerts, "delay") as alert_delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.resume()
    chunk_delay.assert_called_once_with(chunk.pk)
    alert_delay.assert_called_once_with(dead.pk)


def test_marks_are_committed_a_batch_at_a_time_with_the_lease_renewed(settings):
    subscribers = [SubscriberFactory() for _ in range(editions.MARK_BATCH)]
    edition = editions.start_edition("daily", now=timezone.now())
    chunk = edition.chunks.get()
    Delivery.objects.bulk_create(
        Delivery(edition=edition, subscriber=s, message_id=f"<{s.pk}@x>") for s in subscribers
    )
    marks = editions.Marks(
        Delivery.objects.filter(edition=edition), EditionChunk.objects.filter(pk=chunk.pk)
    )
    with mock.patch.object(editions, "MARK_INTERVAL", 3600):
        for subscriber in subscribers[:-1]:
            marks.add(subscriber.pk, Delivery.State.SENT)
        assert not Delivery.objects.filter(state="sent").exists()  # held until the batch fills
        marks.add(subscribers[-1].pk, Delivery.State.SENT)
    assert Delivery.objects.filter(state="sent").count() == editions.MARK_BATCH
    chunk.refresh_from_db()
    assert chunk.lease_expires_at > timezone.now()
