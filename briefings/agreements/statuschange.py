"""A party's derived status changing in the admin: what it was, what it becomes, in words.

Agreements knows nothing of subscribers. When an editor confirms a change, the admin sends
`party_status_changed` inside the transaction that saved the action, so whatever a listener
records there (digests records the alerts it owes) commits with the action or not at all.
`status_change_audience` asks listeners how many people a change would reach, for the
admin's preview; each receiver returns a count.
"""

from dataclasses import dataclass

from django.dispatch import Signal

from briefings import partialdate
from briefings.agreements.models import Party, PartyAction

# sender=Party; change=StatusChange, note=str (the editor's, may be empty), user=the editor
party_status_changed = Signal()
# sender=Party; party=Party; each receiver returns how many people it would alert
status_change_audience = Signal()

VERBS = {
    PartyAction.Kind.RATIFICATION: "ratified",
    PartyAction.Kind.ACCEPTANCE: "accepted",
    PartyAction.Kind.APPROVAL: "approved",
    PartyAction.Kind.ACCESSION: "acceded to",
    PartyAction.Kind.SUCCESSION: "succeeded to",
    PartyAction.Kind.FORMAL_CONFIRMATION: "formally confirmed",
    PartyAction.Kind.PROVISIONAL_APPLICATION: "began provisionally applying",
    PartyAction.Kind.WITHDRAWAL: "withdrew from",
    PartyAction.Kind.SIGNATURE: "signed",
    PartyAction.Kind.SIGNATURE_AD_REFERENDUM: "signed ad referendum",
}


def status_label(value):
    return dict(Party.Status.choices).get(value, value)


def party_with_actions(party_id, lock=False):
    """The party as the database has it now, its actions prefetched for the derived status.

    With `lock`, its row is locked until the transaction ends, so two editors saving the
    same party's actions at once see each other's change rather than both announcing one.
    """
    queryset = Party.objects.select_related("actor", "agreement").prefetch_related("actions")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=party_id)


@dataclass(frozen=True)
class StatusChange:
    """One party's status moving from `old` to `new`, with the action that decided `new`."""

    party: Party
    old: str
    new: str
    action: PartyAction | None

    @classmethod
    def since(cls, before, party_id):
        """The change from the status `before` to the party's status now, or None if the same."""
        party = party_with_actions(party_id)
        if party.status == before:
            return None
        return cls(party, before, party.status, party.status_action)

    @property
    def key(self):
        """What the editor was shown, so a confirmation cannot approve a different change.

        Made of what survives the preview's rollback (no new primary key): the agreement,
        the actor, both statuses and the deciding action's kind and date.
        """
        party, action = self.party, self.action
        decided = f"{action.kind}@{action.date.isoformat()}" if action else "-"
        return f"{party.agreement_id}.{party.actor_id}:{self.old}>{self.new}:{decided}"

    @property
    def old_label(self):
        return status_label(self.old)

    @property
    def new_label(self):
        return status_label(self.new)

    @property
    def headline(self):
        """“Italy ratified CETA on 14 March 2025”, in the words of the deciding action."""
        actor = self.party.actor.short_name or self.party.actor.name
        agreement = self.party.agreement.display_name
        verb = VERBS.get(self.action.kind) if self.action else None
        if verb is None:
            return f"{actor} is now “{self.new_label}” in {agreement} (was “{self.old_label}”)"
        date = partialdate.format_partial(self.action.date, self.action.date_precision)
        on = "on" if self.action.date_precision == partialdate.Precision.DAY else "in"
        return f"{actor} {verb} {agreement} {on} {date}"


def audience(party):
    """How many people listeners would alert of a change to this party's status."""
    return sum(
        count
        for _, count in status_change_audience.send(sender=Party, party=party)
        if isinstance(count, int)
    )


def announce(change, note, user):
    party_status_changed.send(sender=Party, change=change, note=note, user=user)
