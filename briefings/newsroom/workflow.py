"""The editorial workflow: its states, the moves between them, who makes each, and its rules.

`Briefing.transition()` is the one entry point: it locks the row, checks a move against
MOVES, applies it with `apply_move()` and records it. The admin draws its buttons from the
same table, so a move cannot exist for one and not the other.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("briefing status", "Draft")
    REVIEW = "review", pgettext_lazy("briefing status", "In review")
    SCHEDULED = "scheduled", pgettext_lazy("briefing status", "Scheduled")
    PUBLISHED = "published", pgettext_lazy("briefing status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("briefing status", "Withdrawn")


@dataclass(frozen=True)
class Move:
    role: str  # "author" or "editor"
    label: str  # the button on the change form


# Each allowed move, who may make it, and its button. "author" is the briefing's own writer
# (creator or byline) or anyone who may edit any briefing; "editor" needs the publish
# permission. Withdrawal is final: its note stays public at the old address, so a corrected
# piece is a new briefing rather than a quiet resurrection. Buttons come in this order.
MOVES = {
    (Status.DRAFT, Status.REVIEW): Move("author", _("Submit for review")),
    (Status.REVIEW, Status.DRAFT): Move("author", _("Return to draft")),
    (Status.DRAFT, Status.SCHEDULED): Move("editor", _("Schedule")),
    (Status.REVIEW, Status.SCHEDULED): Move("editor", _("Approve and schedule")),
    (Status.SCHEDULED, Status.SCHEDULED): Move("editor", _("Reschedule")),
    (Status.SCHEDULED, Status.REVIEW): Move("editor", _("Cancel schedule (back to review)")),
    (Status.SCHEDULED, Status.DRAFT): Move("editor", _("Cancel schedule (back to draft)")),
    (Status.DRAFT, Status.PUBLISHED): Move("editor", _("Publish now")),
    (Status.REVIEW, Status.PUBLISHED): Move("editor", _("Approve and publish now")),
    (Status.SCHEDULED, Status.PUBLISHED): Move("editor", _("Publish now")),
    (Status.SCHEDULED, Status.WITHDRAWN): Move("editor", _("Withdraw")),
    (Status.PUBLISHED, Status.WITHDRAWN): Move("editor", _("Withdraw")),
}


def apply_move(briefing, to_status, now, note, publish_at, expires_at):
    """Set status and times on `briefing` (locked, unsaved) for an allowed move.

    Times given as None keep the briefing's own. Raises ValidationError, by field, when the
    times or the note do not fit the move; the caller discards the instance then.
    """
    errors = {}
    if to_status == Status.SCHEDULED:
        publish_at = publish_at or briefing.publish_at
        if publish_at is None:
            errors["publish_at"] = "Set a publication time to schedule this briefing."
        elif publish_at <= now:
            errors["publish_at"] = "That time has passed: publish now instead."
    elif to_status == Status.PUBLISHED:
        if briefing.status == Status.SCHEDULED and briefing.publish_at <= now:
            publish_at = briefing.publish_at
        elif publish_at is None:
            publish_at = now
        elif publish_at > now:
            errors["publish_at"] = "That time is still to come: schedule instead."
    elif to_status == Status.WITHDRAWN:
        if not note.strip():
            errors["note"] = "Say why the briefing is withdrawn: readers will see this note."
        briefing.withdrawn_at, briefing.withdrawal_note = now, note
        publish_at = briefing.publish_at
    elif briefing.status == Status.SCHEDULED:
        publish_at = None  # the schedule is cancelled
    else:
        publish_at = briefing.publish_at
    if to_status in (Status.SCHEDULED, Status.PUBLISHED):
        expires_at = expires_at or briefing.expires_at
        if publish_at and expires_at and expires_at <= max(publish_at, now):
            errors["expires_at"] = "The expiry time must come after publication."
        briefing.expires_at = expires_at
    if errors:
        raise ValidationError(errors)
    briefing.status, briefing.publish_at = to_status, publish_at
    if to_status == Status.PUBLISHED:
        briefing.first_published_at = briefing.first_published_at or publish_at
