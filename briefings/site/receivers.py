"""The dossier dump kept fresh: a committed change to the reference records marks it stale.

The mark (in the cache, set on commit, so a rolled-back edit marks nothing) is all an edit
costs; `site.sweep_dossier_dump` rebuilds once the first change is DOSSIER_DUMP_DEBOUNCE
seconds old, so many edits in a minute give one rebuild. No message waits in the broker for
the debounce: a worker holding an ETA message can exit when Redis crashes (kombu 5.7).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation
from briefings.site import dossier

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


def dossier_changed(sender, **kwargs):
    transaction.on_commit(dossier.mark_changed, robust=True)


for model in DUMPED:
    post_save.connect(dossier_changed, sender=model, dispatch_uid=f"dossier-save-{model.__name__}")
    post_delete.connect(
        dossier_changed, sender=model, dispatch_uid=f"dossier-delete-{model.__name__}"
    )
m2m_changed.connect(
    dossier_changed, sender=Event.agreements.through, dispatch_uid="dossier-event-agreements"
)
