"""Publication on the clock and its side effects: thin tasks over the models.

Every task is safe to run twice or concurrently: the row locks in `publish_due` and
`Outbox.objects.dispatch` decide.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from briefings.newsroom.models import Briefing, Outbox

# The sweep leaves the first second after a briefing's time to its own task.
SWEEP_GRACE = datetime.timedelta(seconds=1)

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 10,
    "soft_time_limit": 30,
    "time_limit": 60,
}

# Entries one outbox sweep performs at most; the next sweep, 2 s later, takes the rest.
OUTBOX_SWEEP_BATCH = 500

OUTBOX = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 30,
    "time_limit": 60,
}


@shared_task(**RETRY)
def publish_scheduled(briefing_id, publish_at):
    """Publish one briefing at its time, if it is still scheduled for that time.

    Its side effects are dispatched here too, right after the commit: their on-commit message
    would cost a trip through the broker, up to a second under load (the benchmark's p99).
    That message still goes out, and finds the entry done.
    """
    published = Briefing.objects.filter(pk=briefing_id).publish_due(
        publish_at=parse_datetime(publish_at)
    )
    if published:
        Outbox.objects.filter(briefing_id=briefing_id).dispatch()


def horizon():
    return datetime.timedelta(seconds=settings.NEWSROOM_PUBLISH_HORIZON)


def send_publication(briefing_id, publish_at):
    publish_scheduled.apply_async((briefing_id, publish_at.isoformat()), eta=publish_at)


def enqueue_publication(briefing_id, publish_at):
    """Enqueue the task for one schedule, with its exact time as ETA, and record it."""
    send_publication(briefing_id, publish_at)
    Briefing.objects.filter(pk=briefing_id, publish_at=publish_at).mark_enqueued()


def enqueue_coming_due(now=None):
    """Enqueue each schedule coming within the horizon that has no task yet, once.

    The rows stay locked until the marks commit, so two sweeps cannot enqueue one schedule
    twice; a failure to enqueue rolls the marks back for the next sweep. Returns the count.
    """
    with transaction.atomic():
        coming = Briefing.objects.coming_due(horizon(), now).select_for_update(skip_locked=True)
        found = list(coming.order_by("publish_at").values_list("pk", "publish_at"))
        for pk, publish_at in found:
            send_publication(pk, publish_at)
        Briefing.objects.filter(pk__in=[pk for pk, _ in found]).mark_enqueued()
    return len(found)


@shared_task(**RETRY)
def publish_overdue():
    """The beat sweep: anything due that no task published (lost message, worker down), then
    the tasks of schedules coming within the horizon."""
    overdue = Briefing.objects.filter(publish_at__lte=timezone.now() - SWEEP_GRACE)
    overdue.publish_due(skip_locked=True, via="sweep")
    enqueue_coming_due()


@shared_task(**OUTBOX)
def dispatch_outbox(entry_id):
    """The fast path: perform one outbox entry, enqueued when its transaction commits."""
    Outbox.objects.filter(pk=entry_id).dispatch()


@shared_task(**OUTBOX)
def dispatch_outbox_due():
    """The beat sweep: every entry due and not done (message lost, broker down, failed)."""
    Outbox.objects.due().dispatch(limit=OUTBOX_SWEEP_BATCH)
