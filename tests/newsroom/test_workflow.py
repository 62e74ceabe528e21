"""The workflow's one gate, `Briefing.transition()`: who may move what, and what it records."""

import base64
import datetime
import json
import uuid

import pytest
import redis
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from briefings.newsroom.models import Briefing, Correction, EditConflict, Outbox, Transition
from briefings.newsroom.signals import briefing_published
from briefings.newsroom.tasks import enqueue_coming_due
from config.celery import app as celery_app
from tests.factories import DraftFactory, UserFactory, add_byline, editor, writer
from tests.support import run_outbox

pytestmark = pytest.mark.django_db
Status = Briefing.Status


def later(seconds=3600):
    return timezone.now() + datetime.timedelta(seconds=seconds)


@pytest.fixture
def published_signals():
    received = []

    def receiver(sender, briefing, **kwargs):
        received.append(briefing.pk)

    briefing_published.connect(receiver, dispatch_uid="test-workflow")
    yield received
    briefing_published.disconnect(dispatch_uid="test-workflow")


def own_draft(user, **kwargs):
    briefing = DraftFactory(created_by=user, **kwargs)
    add_byline(briefing, user)
    return briefing


def test_writer_submits_own_draft_and_it_is_recorded():
    author = writer()
    briefing = own_draft(author)
    record = briefing.transition(Status.REVIEW, by=author, note="Ready for the desk")
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW
    assert briefing.version == 2
    assert (record.from_status, record.to_status, record.by, record.note) == (
        Status.DRAFT,
        Status.REVIEW,
        author,
        "Ready for the desk",
    )


def test_writer_cannot_move_someone_elses_draft():
    briefing = own_draft(writer())
    with pytest.raises(PermissionDenied):
        briefing.transition(Status.REVIEW, by=writer())
    assert not Transition.objects.exists()


@pytest.mark.parametrize("to_status", [Status.SCHEDULED, Status.PUBLISHED])
def test_writer_cannot_schedule_or_publish_even_own(to_status):
    author = writer()
    briefing = own_draft(author)
    briefing.transition(Status.REVIEW, by=author)
    with pytest.raises(PermissionDenied):
        briefing.transition(to_status, by=author, publish_at=later())
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW
    assert Transition.objects.count() == 1


@pytest.fixture
def enqueued():
    """Newsroom tasks sent to the real broker, on a queue of this test's own: (name, args, ETA)
    each; page purges the public site enqueues on the way are left out."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    broker = redis.Redis.from_url(celery_app.conf.broker_url)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue

    def messages():
        found = []
        for raw in reversed(broker.lrange(queue, 0, -1)):  # kombu pushes on the left
            message = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            eta = message["headers"]["eta"]
            eta = eta and datetime.datetime.fromisoformat(eta)
            if message["headers"]["task"] != "briefings.site.tasks.purge_pages":  # the site's
                found.append((message["headers"]["task"], args, eta))
        return found

    yield messages
    celery_app.conf.task_default_queue = previous
    broker.delete(queue)


def test_editor_schedules_reschedules_and_cancels(enqueued, django_capture_on_commit_callbacks):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    when = later(30)  # within the horizon: enqueued at once
    with django_capture_on_commit_callbacks(execute=True):
        briefing.transition(Status.SCHEDULED, by=boss, publish_at=when)
        assert enqueued() == []  # not before commit
    task = "briefings.newsroom.tasks.publish_scheduled"
    assert enqueued() == [(task, [briefing.pk, when.isoformat()], when)]
    briefing.refresh_from_db()
    assert (briefing.status, briefing.publish_at) == (Status.SCHEDULED, when)
    assert not Briefing.objects.published().filter(pk=briefing.pk).exists()

    briefing.transition(Status.SCHEDULED, by=boss, publish_at=later(7200))
    briefing.transition(Status.DRAFT, by=boss, note="Hold for the summit")
    briefing.refresh_from_db()
    assert (briefing.status, briefing.publish_at) == (Status.DRAFT, None)
    assert [t.to_status for t in briefing.transitions.all()] == [
        Status.SCHEDULED,
        Status.SCHEDULED,
        Status.DRAFT,
    ]


def test_a_far_schedule_is_enqueued_by_the_sweep_once_as_it_comes_near(
    enqueued, django_capture_on_commit_callbacks, settings
):
    settings.NEWSROOM_PUBLISH_HORIZON = 60
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    when = later(3600)
    with django_capture_on_commit_callbacks(execute=True):
        briefing.transition(Status.SCHEDULED, by=boss, publish_at=when)
    assert enqueued() == []  # no broker message waits an hour
    assert enqueue_coming_due(now=when - datetime.timedelta(seconds=61)) == 0

    near = when - datetime.timedelta(seconds=59)
    assert enqueue_coming_due(now=near) == 1
    assert enqueue_coming_due(now=near) == 0  # recorded: not again every 2 s
    task = "briefings.newsroom.tasks.publish_scheduled"
    assert enqueued() == [(task, [briefing.pk, when.isoformat()], when)]

    moved = later(7200)
    with django_capture_on_commit_callbacks(execute=True):
        briefing.transition(Status.SCHEDULED, by=boss, publish_at=moved)
    assert enqueue_coming_due(now=moved - datetime.timedelta(seconds=30)) == 1
    assert enqueued()[1:] == [(task, [briefing.pk, moved.isoformat()], moved)]


def test_publish_now_records_its_side_effects_and_the_dispatcher_sends_the_signal_once(
    published_signals, django_capture_on_commit_callbacks, enqueued
):
    briefing = DraftFactory(status=Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        briefing.transition(Status.PUBLISHED, by=editor())
        # In the publishing transaction itself: the entry stands or falls with the change.
        entry = Outbox.objects.get(briefing=briefing)
        assert enqueued() == []  # not before commit
    assert (entry.kind, entry.published_at, entry.done_at) == (
        Outbox.Kind.BRIEFING_PUBLISHED,
        briefing.publish_at,
        None,
    )
    assert enqueued() == [("briefings.newsroom.tasks.dispatch_outbox", [entry.pk], None)]
    assert published_signals == []  # the dispatcher sends it, not transition()
    briefing.refresh_from_db()
    assert briefing.first_published_at == briefing.publish_at
    assert Briefing.objects.published().filter(pk=briefing.pk).exists()

    assert run_outbox() == 1
    assert run_outbox() == 0
    assert published_signals == [briefing.pk]
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.attempts == 1


def test_a_publication_cannot_record_its_side_effects_twice():
    briefing = DraftFactory(status=Status.REVIEW)
    briefing.transition(Status.PUBLISHED, by=editor())
    with pytest.raises(IntegrityError), transaction.atomic():
        briefing.outbox_entries.create(
            kind=Outbox.Kind.BRIEFING_PUBLISHED, published_at=briefing.publish_at
        )
    assert briefing.outbox_entries.count() == 1


def test_a_failing_receiver_rolls_back_and_the_entry_is_retried_later(published_signals, caplog):
    briefing = DraftFactory(status=Status.REVIEW)
    briefing.transition(Status.PUBLISHED, by=editor())
    failures = ["SMTP relay on fire"]

    def record_then_fail(sender, briefing, **kwargs):
        Correction.objects.create(briefing=briefing, text="effect")
        if failures:
            raise RuntimeError(failures.pop())

    briefing_published.connect(record_then_fail, dispatch_uid="test-failing")
    try:
        assert run_outbox() == 0
        entry = Outbox.objects.get()
        assert entry.done_at is None
        assert entry.attempts == 1
        assert "RuntimeError: SMTP relay on fire" in entry.last_error
        assert entry.next_attempt_at > timezone.now()
        assert "Outbox entry" in caplog.text
        # The other receiver's work and this one's rows were rolled back with the failure.
        assert not Correction.objects.filter(text="effect").exists()
        assert run_outbox() == 0  # backing off: not due yet

        assert Outbox.objects.filter(pk=entry.pk).dispatch() == 1
    finally:
        briefing_published.disconnect(dispatch_uid="test-failing")
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.attempts == 2
    assert Correction.objects.filter(text="effect").count() == 1
    assert published_signals == [briefing.pk, briefing.pk]  # run again, as documented


def test_scheduling_needs_a_future_time():
    briefing = DraftFactory(status=Status.REVIEW)
    with pytest.raises(ValidationError) as error:
        briefing.transition(Status.SCHEDULED, by=editor())
    assert "publish_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        briefing.transition(Status.SCHEDULED, by=editor(), publish_at=later(-5))
    with pytest.raises(ValidationError) as error:
        briefing.transition(Status.SCHEDULED, by=editor(), publish_at=later(), expires_at=later(60))
    assert "expires_at" in error.value.message_dict
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW


def test_withdrawal_needs_a_note_and_is_final():
    briefing = DraftFactory(status=Status.REVIEW)
    boss = editor()
    briefing.transition(Status.PUBLISHED, by=boss)
    with pytest.raises(ValidationError):
        briefing.transition(Status.WITHDRAWN, by=boss, note="  ")
    briefing.transition(Status.WITHDRAWN, by=boss, note="Sourced from a forged document.")
    briefing.refresh_from_db()
    assert briefing.status == Status.WITHDRAWN
    assert briefing.withdrawal_note == "Sourced from a forged document."
    assert briefing.withdrawn_at is not None
    for to_status in (Status.DRAFT, Status.PUBLISHED, Status.SCHEDULED):
        with pytest.raises(ValidationError):
            briefing.transition(to_status, by=boss, publish_at=later())


def test_due_scheduled_briefing_can_no_longer_be_cancelled():
    briefing = DraftFactory(status=Status.REVIEW)
    boss = editor()
    briefing.transition(Status.SCHEDULED, by=boss, publish_at=later())
    Briefing.objects.filter(pk=briefing.pk).update(publish_at=later(-1))
    briefing.refresh_from_db()
    assert briefing.allowed_moves(boss) == {Status.PUBLISHED, Status.WITHDRAWN}
    with pytest.raises(ValidationError):
        briefing.transition(Status.DRAFT, by=boss)


def test_stale_version_is_refused():
    briefing = DraftFactory(status=Status.REVIEW)
    stale = briefing.version
    briefing.transition(Status.DRAFT, by=editor())
    with pytest.raises(EditConflict):
        briefing.transition(Status.REVIEW, by=editor(), expected_version=stale)
    assert Transition.objects.count() == 1


def test_staff_without_a_role_may_do_nothing():
    briefing = DraftFactory()
    nobody = UserFactory()
    assert briefing.allowed_moves(nobody) == set()
    with pytest.raises(PermissionDenied):
        briefing.transition(Status.REVIEW, by=nobody)


def test_superuser_may_do_everything():
    root = UserFactory(is_superuser=True)
    briefing = DraftFactory()
    assert briefing.allowed_moves(root) == {Status.REVIEW, Status.SCHEDULED, Status.PUBLISHED}
