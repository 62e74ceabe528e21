"""Autosaves: the unsaved text of one user's change form, kept server-side until a real save.

A crash, a closed tab or an expired session then costs nothing: the form offers the text back.
An autosave is the writer's own scratch copy. It never touches the briefing, so it bumps no
version and overwrites nobody; restored, it carries the version it started from, so saving it
goes through the version check like any other save.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from briefings.newsroom.models.briefing import Briefing


class AutosaveQuerySet(models.QuerySet):
    def of(self, user, briefing=None):
        """The user's autosave of `briefing`, or of a new briefing when it is None."""
        if briefing is None:
            return self.filter(user=user, briefing__isnull=True)
        return self.filter(user=user, briefing=briefing)


class Autosave(models.Model):
    # What an autosave keeps: the change form's own text and choice fields, nothing else.
    FIELDS = (
        "headline", "slug", "dek", "body", "article_type", "tags", "language", "translation_of",
    )  # fmt: skip
    MAX_BYTES = 512 * 1024  # a body of ~80,000 words; the request is refused above it

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="briefing_autosaves"
    )
    # None: a briefing not saved yet (the add form); one such autosave per user.
    briefing = models.ForeignKey(
        Briefing,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
        db_index=False,  # autosave_briefing_idx
    )
    base_version = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "briefing"],
                condition=Q(briefing__isnull=False),
                name="autosave_one_per_user_briefing",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(briefing__isnull=True),
                name="autosave_one_new_per_user",
            ),
        ]
        indexes = [models.Index(fields=["briefing"], name="autosave_briefing_idx")]

    def __str__(self):
        return f"Autosave by {self.user} of {self.briefing or 'a new briefing'}"

    @classmethod
    def clean_data(cls, values):
        """The kept fields from a form's values, as text without NUL (which jsonb refuses)."""
        return {
            name: str(values[name]).replace("\x00", "") for name in cls.FIELDS if name in values
        }

    @classmethod
    def keep(cls, user, briefing, values, base_version):
        """Store the user's latest unsaved text, replacing their previous autosave."""
        autosave, _ = cls.objects.of(user, briefing).update_or_create(
            defaults={
                "data": cls.clean_data(values),
                "base_version": base_version,
                "saved_at": timezone.now(),
            },
            user=user,
            briefing=briefing,
        )
        return autosave
