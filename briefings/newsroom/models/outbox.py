"""The outbox: side effects of a state change, recorded in the transaction that makes the change.

A broker message can be lost (the broker down at commit, a worker killed, Redis restarted
without persistence); a row committed with the change cannot. The dispatcher performs each
entry under its row lock and marks it done in the same transaction, so an entry is done exactly
when what its receivers recorded is committed, and a failure leaves it pending for a retry.
"""

import datetime
import logging

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from briefings.newsroom.notices import send_review_notice
from briefings.newsroom.signals import briefing_published

logger = logging.getLogger(__name__)

# A failed entry waits 1 s, 2 s, 4 s ... up to this before its next attempt.
MAX_BACKOFF = datetime.timedelta(minutes=5)


class OutboxQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)

    def due(self, now=None):
        """Pending entries whose next attempt has come: what the beat sweep performs."""
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())

    def dispatch(self, limit=None):
        """Perform each pending entry here, oldest first, each in its own locked transaction.

        Safe from any number of workers at once: SKIP LOCKED leaves an entry being performed
        to whoever holds it, and the re-check under the lock skips one done meanwhile. A
        failure rolls back everything the entry's receivers did; the attempt is then recorded
        in a transaction of its own. Returns the number of entries done.
        """
        pending = self.pending()
        pks = list(pending.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        done = 0
        for pk in pks:
            try:
                with transaction.atomic():
                    entry = pending.filter(pk=pk).select_for_update(skip_locked=True).first()
                    if entry is None:
                        continue
                    entry.perform()
                done += 1
            except Exception as error:
                logger.exception("Outbox entry %s failed; it will be retried", pk)
                with transaction.atomic():
                    failed = pending.filter(pk=pk).select_for_update().first()
                    if failed is not None:
                        failed.record_failure(error)
        return done


class Outbox(models.Model):
    """One side effect that must happen once, for one publication of one briefing."""

    class Kind(models.TextChoices):
        BRIEFING_PUBLISHED = "briefing_published", "briefing_published signal"
        REVIEW_NOTICE = "review_notice", "review email"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    briefing = models.ForeignKey(
        "newsroom.Briefing",
        on_delete=models.CASCADE,
        related_name="outbox_entries",
        db_index=False,  # outbox_briefing_idx
    )
    # Which publication: the briefing's publication time. With kind and briefing it is unique,
    # so however a publication is reached (task, sweep, "Publish now") its effects are
    # recorded once. For a review notice, the time of the move it tells of.
    published_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "outbox"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "briefing", "published_at"], name="outbox_once_per_publication"
            )
        ]
        indexes = [
            models.Index(fields=["briefing"], name="outbox_briefing_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(done_at__isnull=True),
                name="outbox_pending_idx",
            ),
        ]

    def __str__(self):
        state = "done" if self.done_at else "pending"
        return f"{self.kind} for briefing {self.briefing_id} ({state})"

    def perform(self):
        """Run the effect and mark the entry done, in the caller's (locked) transaction.

        `send`, not `send_robust`: a receiver's exception must undo the others' work and
        leave the entry pending, so receivers record durable work in this transaction and
        stay idempotent (they run again when a later one fails).
        """
        if self.kind == self.Kind.BRIEFING_PUBLISHED:
            briefing = self.briefing
            briefing_published.send(sender=type(briefing), briefing=briefing)
        elif self.kind == self.Kind.REVIEW_NOTICE:
            send_review_notice(self)
        self.attempts += 1
        self.done_at = timezone.now()
        self.save(update_fields=["attempts", "done_at"])

    def record_failure(self, error):
        """Count the failed attempt and put the next one off, doubling the wait each time."""
        self.attempts += 1
        backoff = min(datetime.timedelta(seconds=2 ** min(self.attempts - 1, 20)), MAX_BACKOFF)
        self.next_attempt_at = timezone.now() + backoff
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        self.save(update_fields=["attempts", "next_attempt_at", "last_error"])
