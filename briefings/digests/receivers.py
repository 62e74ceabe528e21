from django.db import transaction
from django.dispatch import receiver

from briefings.digests import tasks
from briefings.newsroom.signals import briefing_published


@receiver(briefing_published, dispatch_uid="digests.instant_alerts")
def enqueue_alerts(sender, briefing, **kwargs):
    transaction.on_commit(lambda: tasks.send_alerts.delay(briefing.pk))
