from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver

from briefings.agreements.statuschange import party_status_changed, status_change_audience
from briefings.digests import editions, feedback, tasks
from briefings.digests.models import AlertBatch, StatusAlertBatch, lease_end
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


@receiver(party_status_changed, dispatch_uid="digests.status_alerts")
def record_status_alerts(sender, change, note="", user=None, **kwargs):
    """Record the alerts a confirmed status change owes in the admin's transaction.

    The batch commits with the action's save or not at all; the enqueue after commit is the
    fast path, and the resume task takes the batch once its first lease runs out.
    """
    action = change.action
    batch = StatusAlertBatch.objects.create(
        agreement_id=change.party.agreement_id,
        actor_id=change.party.actor_id,
        old_status=change.old,
        new_status=change.new,
        action_kind=action.kind if action else "",
        action_date=action.date if action else None,
        headline=change.headline[:300],
        note=note,
        created_by=user if getattr(user, "pk", None) else None,
        lease_expires_at=lease_end(),
    )
    transaction.on_commit(lambda: tasks.send_status_alerts.delay(batch.pk), robust=True)


@receiver(status_change_audience, dispatch_uid="digests.status_audience")
def count_status_followers(sender, party, **kwargs):
    return editions.status_alert_recipients(party.agreement_id, party.actor_id).count()
