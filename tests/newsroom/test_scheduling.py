"""Scheduled publication through real Celery workers on the real Redis broker, never eager.

The in-process worker (`celery_worker`) covers timing and changes of schedule; worker and beat
SUBPROCESSES (`celery -A tests.newsroom.worker_app ...`, pointed at the test database) cover
what needs separate processes: two workers racing, a worker killed with SIGKILL in the middle
of a publication, and a desk coming back after downtime.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery.signals import task_postrun
from django.conf import settings
from django.db import connection
from django.utils import timezone

from briefings.newsroom.models import Briefing, Transition
from briefings.newsroom.signals import briefing_published
from briefings.newsroom.tasks import publish_scheduled
from config.celery import app as celery_app
from tests.factories import DraftFactory, editor, role
from tests.support import wait_until

Status = Briefing.Status
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("roles")


@pytest.fixture
def roles(transactional_db):
    """The role groups, which a transactional test's flush removes along with all rows."""
    role("writer")
    role("editor")


def seconds(n):
    return datetime.timedelta(seconds=n)


def schedule(briefing, when, by):
    briefing.transition(Status.SCHEDULED, by=by, publish_at=when)


def published_transitions(briefing):
    return list(Transition.objects.filter(briefing=briefing, to_status=Status.PUBLISHED))


@pytest.fixture
def published_signals():
    received = []
    lock = threading.Lock()

    def receiver(sender, briefing, **kwargs):
        with lock:
            received.append(briefing.pk)

    briefing_published.connect(receiver, dispatch_uid="test-scheduling")
    yield received
    briefing_published.disconnect(dispatch_uid="test-scheduling")


@pytest.fixture
def finished_tasks():
    """The (task name, args) of every task the in-process worker has finished running."""
    finished = []

    def receiver(sender=None, args=None, **kwargs):
        finished.append((sender.name, tuple(args or ())))

    task_postrun.connect(receiver, weak=False, dispatch_uid="test-finished-tasks")
    yield finished
    task_postrun.disconnect(dispatch_uid="test-finished-tasks")


# The in-process worker: timing and changes of schedule --------------------------------------


def test_scheduled_briefing_goes_public_at_its_time_and_never_before(
    celery_worker, published_signals
):
    briefing = DraftFactory(status=Status.REVIEW)
    when = timezone.now() + seconds(2)
    schedule(briefing, when, editor())

    def is_public():
        return Briefing.objects.published().filter(pk=briefing.pk).exists()

    while timezone.now() < when - seconds(0.05):
        assert not is_public(), "public before its time"
        time.sleep(0.02)
    wait_until(is_public, timeout=2, message="the briefing to be public")
    assert timezone.now() - when < seconds(1)

    (record,) = wait_until(
        lambda: published_transitions(briefing), timeout=3, message="publication"
    )
    assert seconds(0) <= record.at - when < seconds(1)
    assert record.by is None
    assert record.note.startswith("Published by schedule")
    briefing.refresh_from_db()
    assert briefing.status == Status.PUBLISHED
    assert briefing.first_published_at == when
    wait_until(lambda: published_signals, timeout=2, message="the signal")
    assert published_signals == [briefing.pk]


def test_rescheduling_earlier_publishes_once_at_the_new_time(
    celery_worker, published_signals, finished_tasks
):
    briefing = DraftFactory(status=Status.REVIEW)
    boss = editor()
    first = timezone.now() + seconds(3)
    schedule(briefing, first, boss)
    earlier = timezone.now() + seconds(1.5)
    schedule(briefing, earlier, boss)

    (record,) = wait_until(lambda: published_transitions(briefing), timeout=3, message="pub")
    assert seconds(0) <= record.at - earlier < seconds(1)
    # The first schedule's message still arrives, and does nothing.
    old = (publish_scheduled.name, (briefing.pk, first.isoformat()))
    wait_until(lambda: old in finished_tasks, timeout=4, message="the old message")
    assert len(published_transitions(briefing)) == 1
    wait_until(lambda: published_signals, timeout=2, message="the signal")
    assert published_signals == [briefing.pk]


def test_rescheduling_later_is_honoured(celery_worker, published_signals, finished_tasks):
    briefing = DraftFactory(status=Status.REVIEW)
    boss = editor()
    first = timezone.now() + seconds(1)
    schedule(briefing, first, boss)
    later = timezone.now() + seconds(2.5)
    schedule(briefing, later, boss)

    old = (publish_scheduled.name, (briefing.pk, first.isoformat()))
    wait_until(lambda: old in finished_tasks, timeout=3, message="the old message")
    briefing.refresh_from_db()
    assert briefing.status == Status.SCHEDULED
    assert not Briefing.objects.published().filter(pk=briefing.pk).exists()

    (record,) = wait_until(lambda: published_transitions(briefing), timeout=3, message="pub")
    assert seconds(0) <= record.at - later < seconds(1)
    wait_until(lambda: published_signals, timeout=2, message="the signal")
    assert published_signals == [briefing.pk]


def test_cancelled_schedule_never_fires(celery_worker, published_signals, finished_tasks):
    briefing = DraftFactory(status=Status.REVIEW)
    boss = editor()
    when = timezone.now() + seconds(1)
    schedule(briefing, when, boss)
    briefing.transition(Status.REVIEW, by=boss, note="Embargo moved; hold it")

    old = (publish_scheduled.name, (briefing.pk, when.isoformat()))
    wait_until(lambda: old in finished_tasks, timeout=3, message="the old message")
    briefing.refresh_from_db()
    assert (briefing.status, briefing.publish_at) == (Status.REVIEW, None)
    assert published_transitions(briefing) == []
    assert published_signals == []


# Worker and beat subprocesses ----------------------------------------------------------------


class Stack:
    """Worker and beat subprocesses on a queue of their own, using the test database."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.signal_key = f"{self.queue}:published"
        self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        self.processes = {}
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "DATABASE_CONN_MAX_AGE": "0",
            "TEST_QUEUE": self.queue,
            "TEST_SIGNAL_KEY": self.signal_key,
            "CELERY_TASK_LOG_LEVEL": "INFO",  # the tests read each task's log lines
            "PYTHONPATH": str(ROOT),
        }

    def start(self, name, *args, ready="ready.", **env):
        log = self.tmp / f"{name}.log"
        self.processes[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.newsroom.worker_app",
                *args,
                "--loglevel",
                "INFO",
                "--logfile",
                str(log),
            ],
            env={**self.env, **env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: log.exists() and ready in log.read_text(), 30, 0.05, f"{name} up")
        return self.processes[name]

    def worker(self, name, **env):
        return self.start(
            name,
            "worker",
            "--queues",
            self.queue,
            "--hostname",
            f"{name}@{self.queue}",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            **env,
        )

    def beat(self):
        schedule_file = str(self.tmp / "beat-schedule")
        return self.start("beat", "beat", "--schedule", schedule_file, ready="Starting...")

    def log(self, name):
        return (self.tmp / f"{name}.log").read_text()

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=20)

    def stop(self):
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            del self.processes[name]

    def signals(self):
        return [int(item.split()[0]) for item in self.redis.lrange(self.signal_key, 0, -1)]

    def cleanup(self, *extra_queues):
        self.redis.delete(self.signal_key, self.queue, *extra_queues)


@pytest.fixture
def stack(transactional_db, tmp_path):
    stack = Stack(tmp_path)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = stack.queue
    yield stack
    celery_app.conf.task_default_queue = previous
    stack.stop()
    stack.cleanup()


def test_two_workers_publish_each_briefing_exactly_once(stack):
    stack.worker("one")
    stack.worker("two")
    boss = editor()
    when = timezone.now() + seconds(2)
    briefings = [DraftFactory(status=Status.REVIEW) for _ in range(10)]
    for briefing in briefings:
        schedule(briefing, when, boss)
        # A duplicate of every message, as a redelivery would make, racing the original.
        publish_scheduled.apply_async((briefing.pk, when.isoformat()), eta=when)

    def all_published():
        return Briefing.objects.filter(
            pk__in=[b.pk for b in briefings], status=Status.PUBLISHED
        ).count() == len(briefings)

    wait_until(all_published, timeout=10, message="all ten published")
    wait_until(lambda: len(stack.signals()) >= len(briefings), timeout=5, message="signals")
    for briefing in briefings:
        assert len(published_transitions(briefing)) == 1
    assert sorted(stack.signals()) == sorted(b.pk for b in briefings)
    # Every one of the 20 messages ran (none was lost), and still nothing happened twice.
    wait_until(
        lambda: sum(stack.log(w).count("publish_scheduled[") for w in ("one", "two")) >= 40,
        timeout=10,
        message="every message received and run",
    )
    for briefing in briefings:
        assert len(published_transitions(briefing)) == 1
    assert len(stack.signals()) == len(briefings)


def test_worker_killed_mid_publication_leaves_nothing_half_done(stack):
    marker = stack.tmp / "paused"
    stack.worker("doomed", TEST_PAUSE_MARKER=str(marker))
    briefing = DraftFactory(status=Status.REVIEW)
    when = timezone.now() + seconds(1)
    schedule(briefing, when, editor())

    # The doomed worker has written the new status inside its transaction and stopped there.
    wait_until(marker.exists, timeout=10, message="the worker to pause mid-publication")
    briefing.refresh_from_db()
    assert briefing.status == Status.SCHEDULED  # uncommitted: invisible to everyone else
    stack.kill("doomed")

    briefing.refresh_from_db()
    assert briefing.status == Status.SCHEDULED
    assert published_transitions(briefing) == []
    assert briefing.revisions.filter(published=True).count() == 0
    assert stack.signals() == []
    # Readers never noticed: the publication time alone made it public.
    assert Briefing.objects.published().filter(pk=briefing.pk).exists()

    # Its message is stuck with the dead worker (unacknowledged); the sweep finishes the job.
    stack.worker("rescuer")
    stack.beat()
    (record,) = wait_until(
        lambda: published_transitions(briefing), timeout=15, message="the rescue"
    )
    assert record.note.startswith("Published by sweep")
    briefing.refresh_from_db()
    assert briefing.status == Status.PUBLISHED
    assert briefing.first_published_at == when
    wait_until(stack.signals, timeout=5, message="the signal")
    assert stack.signals() == [briefing.pk]
    wait_until(lambda: "by sweep" in stack.log("rescuer"), timeout=5, message="the log line")


def test_sweep_publishes_overdue_briefings_in_order_after_downtime(stack):
    boss = editor()
    briefings = [DraftFactory(status=Status.REVIEW) for _ in range(5)]
    now = timezone.now()
    # Scheduled while their messages went to a queue nobody reads: as good as lost.
    lost = f"{stack.queue}-lost"
    celery_app.conf.task_default_queue = lost
    offsets = [2.2, 1.4, 1.8, 1.6, 2.0]
    for briefing, offset in zip(briefings, offsets, strict=True):
        schedule(briefing, now + seconds(offset), boss)
    celery_app.conf.task_default_queue = stack.queue

    last = now + seconds(max(offsets))
    wait_until(lambda: timezone.now() > last + seconds(1), timeout=5, message="downtime")
    assert Briefing.objects.published().filter(pk__in=[b.pk for b in briefings]).count() == 5
    assert not Transition.objects.filter(to_status=Status.PUBLISHED).exists()

    stack.worker("back")
    stack.beat()
    wait_until(
        lambda: Transition.objects.filter(to_status=Status.PUBLISHED).count() == 5,
        timeout=15,
        message="the sweep",
    )
    records = Transition.objects.filter(to_status=Status.PUBLISHED).order_by("at", "pk")
    by_time = sorted(briefings, key=lambda b: b.publish_at)
    assert [r.briefing_id for r in records] == [b.pk for b in by_time]
    assert all(r.note.startswith("Published by sweep") for r in records)
    wait_until(lambda: stack.log("back").count("by sweep") == 5, timeout=5, message="the log")
    stack.cleanup(lost)


def test_worker_back_from_downtime_runs_the_waiting_messages(stack):
    briefing, boss = DraftFactory(status=Status.REVIEW), editor()
    when = timezone.now() + seconds(1)
    schedule(briefing, when, boss)
    wait_until(lambda: timezone.now() > when + seconds(1), timeout=4, message="downtime")
    assert published_transitions(briefing) == []

    stack.worker("back")  # no beat: the message itself does it
    (record,) = wait_until(lambda: published_transitions(briefing), timeout=10, message="pub")
    assert record.note.startswith("Published by schedule")
    wait_until(stack.signals, timeout=5, message="the signal")
    assert stack.signals() == [briefing.pk]
