from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver

from briefings.digests import feedback, tasks
from briefings.digests.models import AlertBatch
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published


@receiver(briefing_published, dispatch_uid="digests.instant_alerts")
def record_alerts(sender, briefing, **kwargs):
    """Record the alert work in the caller's transaction (idempotently), then enqueue it.

    The enqueue is only the fast path: if the broker is down, or the message is lost, the
    resume task finds the batch once its first lease runs out.
    """
    if not Briefing.objects.published().filter(pk=briefing.pk).exists():
        return
    AlertBatch.objects.record(briefing)
    transaction.on_commit(lambda: tasks.send_alerts.delay(briefing.pk), robust=True)


@receiver(tracking, dispatch_uid="digests.provider_feedback")
def provider_feedback(sender, event, esp_name, **kwargs):
    """An email provider's signed webhook reported a bounce, complaint or unsubscribe."""
    feedback.record(event, esp_name)
