from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event


class BriefingQuerySet(models.QuerySet):
    def published(self, now=None):
        """The only gate to public briefings: the publication time decides, at read time.

        A scheduled briefing whose time has come is public even before a worker marks it
        published, so no queue can delay readers; an expired one is gone at its expiry.
        """
        now = now or timezone.now()
        return self.filter(
            status__in=[Briefing.Status.SCHEDULED, Briefing.Status.PUBLISHED],
            publish_at__lte=now,
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Briefing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class ArticleType(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        BACKGROUND = "background", "Background"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    dek = models.TextField("summary (dek)", max_length=400, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    article_type = models.CharField(
        max_length=20, choices=ArticleType.choices, default=ArticleType.NEWS
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("publication time", null=True, blank=True)
    expires_at = models.DateTimeField("expiry time", null=True, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    public_updated_at = models.DateTimeField(
        "updated (shown to readers)", null=True, blank=True, editable=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_note = models.TextField(blank=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="bylines", verbose_name="byline"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefings_created",
        editable=False,
    )
    actors = models.ManyToManyField(Actor, blank=True, related_name="briefings")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="briefings")
    events = models.ManyToManyField(Event, blank=True, related_name="briefings")
    tags = TaggableManager(through="TaggedBriefing", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        permissions = [
            ("publish_briefing", "Can approve, schedule, publish and withdraw briefings"),
            ("edit_any_briefing", "Can edit briefings by anyone"),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="briefing_status_publish_idx"),
            models.Index(fields=["-publish_at"], name="briefing_publish_at_idx"),
            GinIndex(fields=["search_vector"], name="briefing_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=F("publish_at")),
                name="briefing_expires_after_publish",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(publish_at__isnull=False),
                name="briefing_public_needs_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="briefing_withdrawn_has_time",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("newsroom:detail", kwargs={"slug": self.slug})

    def is_public(self, now=None):
        now = now or timezone.now()
        return (
            self.status in (self.Status.SCHEDULED, self.Status.PUBLISHED)
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )


class TaggedBriefing(TaggedItemBase):
    content_object = models.ForeignKey(Briefing, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="taggedbriefing_unique_tag"
            )
        ]


class KeyFigure(models.Model):
    """A number a reader should take away: “€150 billion”, “1.37% of GDP”."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="key_figures")
    label = models.CharField(max_length=120)
    value = models.CharField(max_length=40, help_text="As printed, e.g. “€150 billion”, “1.37%”.")
    unit = models.CharField(max_length=60, blank=True, help_text="E.g. “of GDP”.")
    source = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label}: {self.value} {self.unit}".strip()


class Source(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=500, blank=True)
    publisher = models.CharField(max_length=120, blank=True)
    published_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Transition(models.Model):
    """One move through the workflow: who, when, from which state to which, and why."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Briefing.Status.choices)
    to_status = models.CharField(max_length=20, choices=Briefing.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["briefing", "at"], name="transition_briefing_at_idx")]

    def __str__(self):
        return f"{self.briefing}: {self.from_status} → {self.to_status}"


class Revision(models.Model):
    """A full snapshot of a briefing's content, taken at every save."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    data = models.JSONField()
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="revision_unique_number")
        ]
        indexes = [models.Index(fields=["created_at"], name="revision_created_idx")]

    def __str__(self):
        return f"{self.briefing} — revision {self.number}"


class Correction(models.Model):
    """A public note on a published briefing: a correction, a clarification or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["briefing", "created_at"], name="correction_briefing_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.briefing}"


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

    def __str__(self):
        return f"Preview of {self.briefing}"

    def is_valid(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
