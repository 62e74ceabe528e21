"""Preview links: an unpublished briefing shown to someone without a desk login."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models.briefing import Briefing


class PreviewLink(models.Model):
    """A login-free link to an unpublished briefing, for a fixed time, revocable."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="previewlink_expires_after"
            )
        ]

    LIFETIME = datetime.timedelta(hours=48)

    def __str__(self):
        return f"Preview of {self.briefing}"

    NOT_PREVIEWABLE = (
        "Preview links are only for briefings that readers cannot see yet: this one has "
        "been published or withdrawn. Share its public address instead."
    )

    def save(self, *args, **kwargs):
        """A new link gets an unguessable token and, unless told otherwise, 48 hours of life.

        A new link for a briefing readers can see (or could, or that was withdrawn) is
        refused: a preview is for what is not public yet.
        """
        if self._state.adding and not self.previewable(self.briefing):
            raise ValidationError(self.NOT_PREVIEWABLE)
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        if self.expires_at is None:
            self.expires_at = self.created_at + self.LIFETIME
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsroom:preview", kwargs={"token": self.token})

    def clean(self):
        super().clean()
        if self.pk is None and self.briefing_id and not self.previewable(self.briefing):
            raise ValidationError(self.NOT_PREVIEWABLE)

    @staticmethod
    def previewable(briefing, now=None):
        """Only work no reader has seen: never published, not withdrawn, not public now.

        A scheduled briefing whose time has not come is still previewable (an embargo);
        once it has been public, or withdrawn, a preview would outlive what readers get.
        """
        return (
            briefing.first_published_at is None
            and briefing.status not in (briefing.Status.PUBLISHED, briefing.Status.WITHDRAWN)
            and not briefing.is_public(now)
        )

    def is_valid(self, now=None):
        """Open only while unexpired, unrevoked, and the briefing is still unpublished:
        publication or withdrawal ends every preview link at once."""
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.expires_at > now
            and self.previewable(self.briefing, now)
        )

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
