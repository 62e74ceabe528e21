"""The newsroom's models, one module per concern; import them from here."""

from briefings.newsroom.models.autosaves import Autosave, AutosaveQuerySet
from briefings.newsroom.models.briefing import (
    Briefing,
    BriefingDeletion,
    BriefingQuerySet,
    Correction,
    EditConflict,
    KeyFigure,
    Source,
    TaggedBriefing,
    Transition,
    bylines_prefetch,
)
from briefings.newsroom.models.contributors import Byline, Contributor
from briefings.newsroom.models.outbox import Outbox, OutboxQuerySet
from briefings.newsroom.models.previews import PreviewLink
from briefings.newsroom.models.revisions import Revision, RevisionQuerySet

__all__ = [
    "Autosave",
    "AutosaveQuerySet",
    "Briefing",
    "BriefingDeletion",
    "BriefingQuerySet",
    "Byline",
    "Contributor",
    "Correction",
    "EditConflict",
    "KeyFigure",
    "Outbox",
    "OutboxQuerySet",
    "PreviewLink",
    "Revision",
    "RevisionQuerySet",
    "Source",
    "TaggedBriefing",
    "Transition",
    "bylines_prefetch",
]
