"""Workers killed mid-run: the work resumes, nobody is skipped, nobody doubled beyond the window.

Each test starts real `celery worker` subprocesses on a queue of their own against the test
database and a real SMTP server in this process, slowed down so the kill lands mid-run.
"""

import datetime
import os
import signal
import time

import pytest
from django.db import connection, transaction

from briefings.agreements import statuschange
from briefings.agreements.models import Party
from briefings.digests.models import (
    Alert,
    AlertBatch,
    Delivery,
    Edition,
    StatusAlert,
    StatusAlertBatch,
)
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published
from config.celery import app
from tests.digests.factories import SubscriberFactory
from tests.digests.processes import Worker, assert_once_each_within_window, children, slow_down
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    PartyActionFactory,
    PartyFactory,
)
from tests.support import wait_until

pytestmark = pytest.mark.worker  # starts `celery worker` subprocesses itself

RESUME_WITHIN = 60  # seconds from a worker's death to the end of the run it left


@pytest.fixture
def workers(smtp_server, transactional_db, tmp_path):
    started = []

    def start(queue=None, beat=True):
        worker = Worker(smtp_server, connection.settings_dict, tmp_path, queue)
        worker.start(beat=beat)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def test_killed_pool_process_resumes_without_resending_or_skipping(smtp_server, workers):
    BriefingFactory(headline="The pact is signed")
    addresses = [SubscriberFactory(email=f"k{n}@mail.example").email for n in range(40)]
    slow_down(smtp_server, 0.05)
    worker = workers(beat=False)
    wait_until(lambda: children(worker.process.pid), timeout=60)
    app.send_task("digests.start_edition", args=["daily"], queue=worker.queue)
    wait_until(lambda: len(smtp_server.messages) >= 8, timeout=60)
    # The pool child sending right now, read at the moment of the kill; the main process
    # sees it die and hands the unacknowledged message to the next child.
    victim = children(worker.process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists(), timeout=90)

    assert_once_each_within_window(smtp_server.messages, addresses)
    assert Delivery.objects.filter(state="sent").count() == 40


def test_stranded_chunks_resume_within_a_minute_of_the_worker_dying(smtp_server, workers):
    """The whole worker dies: its message stays unacknowledged in Redis (for the broker's
    visibility timeout), so only the chunk's lease running out brings the chunk back."""
    BriefingFactory(headline="The pact is signed")
    addresses = [SubscriberFactory(email=f"g{n}@mail.example").email for n in range(200)]
    slow_down(smtp_server, 0.02)
    first = workers()
    app.send_task("digests.start_edition", args=["daily"], queue=first.queue)
    wait_until(lambda: len(smtp_server.messages) >= 40, timeout=60)
    first.kill()
    killed = time.monotonic()
    workers(queue=first.queue)
    edition = wait_until(
        lambda: Edition.objects.filter(completed_at__isnull=False).first(),
        timeout=RESUME_WITHIN + 30,
        interval=0.2,
        message="the edition to complete",
    )
    resumed_in = time.monotonic() - killed

    assert resumed_in < RESUME_WITHIN
    assert_once_each_within_window(smtp_server.messages, addresses)
    assert Delivery.objects.filter(edition=edition, state="sent").count() == 200


def test_alerts_resume_after_the_worker_is_killed_mid_batch(smtp_server, workers):
    pact = AgreementFactory(slug="pact")
    briefing = BriefingFactory(headline="The pact is ratified")
    briefing.agreements.add(pact)
    addresses = [
        SubscriberFactory(email=f"a{n}@mail.example", instant_alerts=True).email for n in range(200)
    ]
    SubscriberFactory(email="digest-only@mail.example")  # no instant alerts: gets nothing
    slow_down(smtp_server, 0.02)
    first = workers()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = first.queue  # where the receiver's fast path enqueues
    try:
        briefing_published.send(sender=Briefing, briefing=briefing)
    finally:
        app.conf.task_default_queue = previous
    assert AlertBatch.objects.filter(briefing=briefing, done_at__isnull=True).exists()
    wait_until(lambda: len(smtp_server.messages) >= 40, timeout=60)
    first.kill()
    killed = time.monotonic()
    assert Alert.objects.filter(state="claimed").exists()  # left mid-batch
    workers(queue=first.queue)
    wait_until(
        lambda: AlertBatch.objects.filter(briefing=briefing, done_at__isnull=False).exists(),
        timeout=RESUME_WITHIN + 30,
        interval=0.2,
        message="the alert batch to complete",
    )
    resumed_in = time.monotonic() - killed

    assert resumed_in < RESUME_WITHIN
    assert_once_each_within_window(smtp_server.messages, addresses)
    assert Alert.objects.filter(briefing=briefing, state="sent").count() == 200
    for _, rcpts, message in smtp_server.messages:
        subscriber = Alert.objects.get(subscriber__email=rcpts[0]).subscriber_id
        assert message["Message-ID"] == f"<alert.{briefing.pk}.{subscriber}@briefings.example>"


def test_status_alerts_resume_after_the_worker_is_killed_mid_batch(smtp_server, workers):
    """Italy ratifies CETA: every follower is alerted once, though the worker dies mid-batch."""
    party = PartyFactory(
        agreement=AgreementFactory(short_name="CETA", slug="ceta"),
        actor=ActorFactory(name="Italy", short_name=""),
    )
    addresses = [
        SubscriberFactory(
            email=f"s{n}@mail.example",
            follow_all=False,
            agreements=[party.agreement],
            instant_alerts=True,
        ).email
        for n in range(200)
    ]
    SubscriberFactory(follow_all=False, agreements=[party.agreement])  # digests only
    slow_down(smtp_server, 0.02)
    first = workers()
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = first.queue  # where the receiver's fast path enqueues
    try:
        with transaction.atomic():  # as the admin's save does
            PartyActionFactory(party=party, kind="ratification", date=datetime.date(2025, 3, 14))
            change = statuschange.StatusChange.since(Party.Status.NONE, party.pk)
            statuschange.announce(change, "", None)
    finally:
        app.conf.task_default_queue = previous
    batch = StatusAlertBatch.objects.get(done_at__isnull=True)
    wait_until(lambda: len(smtp_server.messages) >= 40, timeout=60)
    first.kill()
    killed = time.monotonic()
    assert StatusAlert.objects.filter(state="claimed").exists()  # left mid-batch
    workers(queue=first.queue)
    wait_until(
        lambda: StatusAlertBatch.objects.filter(done_at__isnull=False).exists(),
        timeout=RESUME_WITHIN + 30,
        interval=0.2,
        message="the status alerts to complete",
    )
    resumed_in = time.monotonic() - killed

    assert resumed_in < RESUME_WITHIN
    assert_once_each_within_window(smtp_server.messages, addresses)
    assert StatusAlert.objects.filter(batch=batch, state="sent").count() == 200
    for _, rcpts, message in smtp_server.messages:
        subscriber = StatusAlert.objects.get(subscriber__email=rcpts[0]).subscriber_id
        assert message["Message-ID"] == f"<status.{batch.pk}.{subscriber}@briefings.example>"
        assert message["Subject"] == "Alert: Italy ratified CETA on 14 March 2025"
