"""The dossier dump kept fresh: any committed change to the reference records rebuilds it once.

Debounced through a mark in the cache: many edits in a minute (an editor's afternoon, a demo
load in one transaction) give one rebuild, DOSSIER_DUMP_DEBOUNCE seconds after the first.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation
from briefings.site import tasks

logger = logging.getLogger(__name__)

DUMPED = [
    Actor,
    Membership,
    Office,
    OfficeTerm,
    Agreement,
    AgreementRelation,
    Party,
    PartyAction,
    Event,
    Participation,
]


def schedule_regeneration():
    """Enqueue one rebuild unless one is already waiting; a lost enqueue clears the mark.

    If the broker is down the mark is cleared and the hourly beat run catches up.
    """
    debounce = settings.DOSSIER_DUMP_DEBOUNCE
    if not cache.add(tasks.PENDING_KEY, 1, timeout=int(debounce) + 60):
        return
    try:
        tasks.regenerate_dossier_dump.apply_async(countdown=debounce)
    except Exception:
        cache.delete(tasks.PENDING_KEY)
        raise


def dossier_changed(sender, **kwargs):
    transaction.on_commit(schedule_regeneration, robust=True)


for model in DUMPED:
    post_save.connect(dossier_changed, sender=model, dispatch_uid=f"dossier-save-{model.__name__}")
    post_delete.connect(
        dossier_changed, sender=model, dispatch_uid=f"dossier-delete-{model.__name__}"
    )
m2m_changed.connect(
    dossier_changed, sender=Event.agreements.through, dispatch_uid="dossier-event-agreements"
)
