from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltrans.fields import TranslationField

from briefings import partialdate
from briefings.actors.models import Actor, french, in_either_language, name_search_index
from briefings.agreements.models import Agreement
from briefings.paths import slug_path


class EventQuerySet(models.QuerySet):
    def upcoming(self, today):
        return self.filter(start_date__gte=today).exclude(status=Event.Status.CANCELLED)

    def past(self, today):
        return self.filter(start_date__lt=today)

    def search(self, text):
        """Events whose title or place, in English or French, contains the words, accents
        ignored (trigram indexes)."""
        return in_either_language(self, text, "title", "place_name")


class Event(models.Model):
    """Something that happened or will: a summit, a signing, a visit, a vote."""

    class Kind(models.TextChoices):
        SUMMIT = "summit", _("Summit")
        SIGNING = "signing", _("Signing")
        VISIT = "visit", _("Visit")
        STATEMENT = "statement", _("Statement")
        VOTE = "vote", _("Vote")
        ELECTION = "election", _("Election")
        COMMEMORATION = "commemoration", _("Commemoration")
        MEETING = "meeting", _("Meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("event status", "Scheduled")
        HELD = "held", pgettext_lazy("event status", "Held")
        POSTPONED = "postponed", pgettext_lazy("event status", "Postponed")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.HELD)
    summary = models.TextField(blank=True)
    start_date = models.DateField()
    start_precision = partialdate.precision_field()
    end_date = models.DateField(null=True, blank=True)
    end_precision = partialdate.precision_field()
    place_name = models.CharField(max_length=120, blank=True, help_text="City or venue.")
    country = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events_hosted",
        limit_choices_to={"kind": Actor.Kind.STATE},
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    participants = models.ManyToManyField(Actor, through="Participation", related_name="events")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    i18n = TranslationField(fields=("title", "summary", "place_name"))

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [
            models.Index(fields=["start_date", "kind"], name="event_start_kind_idx"),
            name_search_index("title", "event_title_trgm_idx"),
            name_search_index("place_name", "event_place_trgm_idx"),
            name_search_index(french("title"), "event_title_fr_trgm_idx"),
            name_search_index(french("place_name"), "event_place_fr_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="event_not_own_parent",
                violation_error_message="An event cannot be part of itself.",
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("start_date", "start_precision"),
                name="event_start_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(start date)."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("end_date", "end_precision"),
                name="event_end_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(end date)."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_path("events:detail", self.slug)

    @property
    def start_display(self):
        return partialdate.format_partial(self.start_date, self.start_precision)

    @property
    def end_display(self):
        return partialdate.format_partial(self.end_date, self.end_precision)

    @property
    def date_display(self):
        if self.end_date and self.end_date != self.start_date:
            return f"{self.start_display} – {self.end_display}"
        return self.start_display

    @property
    def place_display(self):
        """“Antwerp, Belgium”, in the reader's language."""
        country = self.country and self.country.name_i18n
        return ", ".join(p for p in [self.place_name_i18n, country] if p)


class Participation(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        VISITOR = "visitor", _("Visitor")
        SIGNATORY = "signatory", _("Signatory")
        ATTENDEE = "attendee", _("Attendee")
        SPEAKER = "speaker", _("Speaker")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ATTENDEE)

    class Meta:
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="participation_unique_role",
                violation_error_message="This actor already has this role at this event.",
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display().lower()}) at {self.event}"
