import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from briefings.clock import desk_time
from briefings.digests import editions, rendering, transport
from briefings.digests.models import (
    AlertBatch,
    Edition,
    EditionChunk,
    StatusAlertBatch,
    Subscriber,
)

MAX_RETRIES = 8


def enqueue_chunks(edition):
    """Dispatch the edition's chunks that are unsent and unleased (new, or their worker died)."""
    for chunk in edition.chunks.take_stranded():
        transaction.on_commit(lambda pk=chunk.pk: send_chunk.delay(pk))


@shared_task(name="digests.start_edition")
def start_edition(kind):
    """Open (or find) the edition of the current period and fan it out; safe to run twice."""
    edition = editions.start_edition(kind)
    enqueue_chunks(edition)
    return edition.pk


@shared_task(name="digests.tick")
def tick():
    """Every minute: start an edition whose local time has come, resume any left unfinished.

    Only within DIGEST_CATCH_UP of the configured time, so a worker started in the afternoon
    does not send the morning digest late; `manage.py send_digest` covers deliberate catch-up.
    """
    now = timezone.now()
    local = desk_time(now)
    hour, minute = (int(part) for part in settings.DIGEST_DAILY_AT.split(":"))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due <= local < due + datetime.timedelta(hours=settings.DIGEST_CATCH_UP_HOURS):
        start_edition.delay(Edition.Kind.DAILY)
        if local.weekday() == settings.DIGEST_WEEKLY_DAY:
            start_edition.delay(Edition.Kind.WEEKLY)
    resume()


@shared_task(name="digests.resume")
def resume():
    """Every 10 s: dispatch again the chunks and alert batches whose worker's lease ran out."""
    chunk_ids, briefing_ids = editions.dispatch_stranded()
    for pk in chunk_ids:
        transaction.on_commit(lambda pk=pk: send_chunk.delay(pk))
    for pk in briefing_ids:
        transaction.on_commit(lambda pk=pk: send_alerts.delay(pk))
    for pk in editions.dispatch_stranded_status_alerts():
        transaction.on_commit(lambda pk=pk: send_status_alerts.delay(pk))


@shared_task(name="digests.send_chunk", bind=True, max_retries=MAX_RETRIES)
def send_chunk(self, chunk_id):
    try:
        temporary = editions.send_chunk(chunk_id)
    except transport.TemporaryFailure:  # the SMTP server could not be reached at all
        temporary = 1
    if temporary:
        countdown = settings.DIGEST_RETRY_BACKOFF * 2**self.request.retries
        EditionChunk.objects.filter(pk=chunk_id).hold(countdown)
        raise self.retry(countdown=countdown)


@shared_task(name="digests.send_alerts", bind=True, max_retries=MAX_RETRIES)
def send_alerts(self, briefing_id):
    try:
        temporary = editions.send_alerts(briefing_id)
    except transport.TemporaryFailure:
        temporary = 1
    if temporary:
        countdown = settings.DIGEST_RETRY_BACKOFF * 2**self.request.retries
        AlertBatch.objects.filter(briefing_id=briefing_id).hold(countdown)
        raise self.retry(countdown=countdown)


@shared_task(name="digests.send_status_alerts", bind=True, max_retries=MAX_RETRIES)
def send_status_alerts(self, batch_id):
    try:
        temporary = editions.send_status_alerts(batch_id)
    except transport.TemporaryFailure:
        temporary = 1
    if temporary:
        countdown = settings.DIGEST_RETRY_BACKOFF * 2**self.request.retries
        StatusAlertBatch.objects.filter(pk=batch_id).hold(countdown)
        raise self.retry(countdown=countdown)


@shared_task(
    name="digests.send_confirmation",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def send_confirmation(subscriber_id, token, language=None):
    """The double opt-in email: the only one an unconfirmed address ever gets.

    In `language`, the one chosen with the request (a confirmed subscriber's own changes
    only once they confirm); a message queued before languages existed carries none.
    """
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.state == Subscriber.State.SUPPRESSED:
        return
    rendering.confirmation(subscriber, token, language).send()


@shared_task(
    name="digests.send_welcome",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def send_welcome(subscriber_id):
    """The welcome after confirming, once: sent under the subscriber's row lock and marked in
    the same transaction, so a duplicate task waits and finds it sent; a failed send rolls
    back the mark and the task retries."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=subscriber_id, welcomed_at__isnull=True)
            .receiving()
            .first()
        )
        if subscriber is None:
            return False
        rendering.welcome(subscriber).send()
        subscriber.welcomed_at = timezone.now()
        subscriber.save(update_fields=["welcomed_at"])
    return True


@shared_task(name="digests.welcome_missed")
def welcome_missed():
    """Every few minutes: queue again the welcomes whose task never sent them. send_welcome
    locks and marks, so one that is merely slow and its copy send a single welcome."""
    ids = list(Subscriber.objects.unwelcomed().values_list("pk", flat=True)[:1000])
    for pk in ids:
        send_welcome.delay(pk)
    return len(ids)


@shared_task(name="digests.purge_pending")
def purge_pending():
    """Forget sign-ups nobody confirmed in time: their confirmation links have expired too."""
    deleted, _ = Subscriber.objects.expired_pending().delete()
    return deleted
