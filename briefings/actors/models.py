from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField

from briefings import partialdate
from briefings.lookups import Unaccented
from briefings.paths import slug_path


def name_search_index(field, name):
    """The trigram index that serves `field__unaccented__icontains` (see briefings.lookups)."""
    return GinIndex(OpClass(Upper(Unaccented(field)), name="gin_trgm_ops"), name=name)


def french(field):
    """A translated field's French value as stored (no fallback), for searches and indexes.

    modeltrans's own `name_fr` lookup casts the value to the field's type, which no index
    over the JSON value serves.
    """
    return KeyTextTransform(f"{field}_fr", "i18n")


def in_either_language(queryset, text, *fields):
    """Rows whose fields contain the words in English or in French, accents ignored."""
    aliases = {f"_{field}_fr": french(field) for field in fields}
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__unaccented__icontains": text})
        match |= Q(**{f"_{field}_fr__unaccented__icontains": text})
    return queryset.alias(**aliases).filter(match)


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


class ActorQuerySet(models.QuerySet):
    def states(self):
        return self.filter(kind=Actor.Kind.STATE)

    def people(self):
        return self.filter(kind=Actor.Kind.PERSON)

    def search(self, text):
        """Actors whose name or short name, in English or French, contains the words, accents
        ignored (trigram indexes)."""
        return in_either_language(self, text, "name", "short_name")


class Actor(models.Model):
    """Anyone who acts in a dossier: a state, a bloc, an institution, an organisation, a person."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        BLOC = "bloc", _("Bloc / supranational union")
        INSTITUTION = "institution", _("Institution")
        ORGANISATION = "organisation", _("International organisation")
        PERSON = "person", _("Person")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    short_name = models.CharField(max_length=60, blank=True, help_text="E.g. “EU”, “NATO”.")
    summary = models.TextField(blank=True)
    iso_alpha2 = models.CharField(
        "ISO 3166 alpha-2",
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Two capital letters, e.g. CA.")],
    )
    iso_alpha3 = models.CharField(
        "ISO 3166 alpha-3",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Three capital letters, e.g. CAN.")],
    )
    wikidata_qid = models.CharField(
        "Wikidata QID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata item id, e.g. Q16.")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    i18n = TranslationField(fields=("name", "short_name", "summary"))

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "name"], name="actor_kind_name_idx"),
            name_search_index("name", "actor_name_trgm_idx"),
            name_search_index("short_name", "actor_short_name_trgm_idx"),
            name_search_index(french("name"), "actor_name_fr_trgm_idx"),
            name_search_index(french("short_name"), "actor_short_name_fr_trgm_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["iso_alpha2"], condition=~Q(iso_alpha2=""), name="actor_iso_alpha2_unique"
            ),
            models.UniqueConstraint(
                fields=["iso_alpha3"], condition=~Q(iso_alpha3=""), name="actor_iso_alpha3_unique"
            ),
            models.UniqueConstraint(
                fields=["wikidata_qid"], condition=~Q(wikidata_qid=""), name="actor_wikidata_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="state") | (Q(iso_alpha2="") & Q(iso_alpha3="")),
                name="actor_iso_codes_only_for_states",
                violation_error_message="Only a state has ISO 3166 codes.",
            ),
            models.CheckConstraint(
                condition=Q(iso_alpha2="") | Q(iso_alpha2__regex=r"^[A-Z]{2}$"),
                name="actor_iso_alpha2_format",
            ),
            models.CheckConstraint(
                condition=Q(iso_alpha3="") | Q(iso_alpha3__regex=r"^[A-Z]{3}$"),
                name="actor_iso_alpha3_format",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_qid="") | Q(wikidata_qid__regex=r"^Q[1-9][0-9]*$"),
                name="actor_wikidata_format",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("actors:detail", self.slug)

    @property
    def is_person(self):
        return self.kind == self.Kind.PERSON


class DatedQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=on)
        )


class Membership(models.Model):
    """One actor in another over time: France in the EU, the Commission as an EU institution."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        INSTITUTION = "institution", _("Institution of")
        OBSERVER = "observer", _("Observer")
        CANDIDATE = "candidate", _("Candidate")
        PARTNER = "partner", _("Partner")

    member = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(null=True, blank=True)
    start_precision = partialdate.precision_field()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while it lasts.")
    end_precision = partialdate.precision_field()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(member=F("organisation")),
                name="membership_not_self",
                violation_error_message="An actor cannot be a member of itself.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="membership_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.UniqueConstraint(
                fields=["member", "organisation", "role"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_role",
                violation_error_message=(
                    "This membership is already open; end it before opening another."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("start_date", "start_precision"),
                name="membership_start_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(start date)."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("end_date", "end_precision"),
                name="membership_end_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(end date)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role_idx")]

    def __str__(self):
        return f"{self.member} — {self.get_role_display().lower()} {self.organisation}"

    def clean(self):
        if self.organisation_id and self.organisation.is_person:
            raise ValidationError({"organisation": "A person cannot have members."})

    @property
    def start_display(self):
        return partialdate.format_partial(self.start_date, self.start_precision)

    @property
    def end_display(self):
        return partialdate.format_partial(self.end_date, self.end_precision)


class Office(models.Model):
    """A post that one person holds at a time (Popolo's post): Prime Minister of Canada."""

    title = models.CharField(max_length=200, help_text="E.g. “Prime Minister of Canada”.")
    role = models.CharField(max_length=100, help_text="E.g. “Prime Minister”.")
    organisation = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="offices")
    updated_at = models.DateTimeField(auto_now=True)
    i18n = TranslationField(fields=("title",))

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"],
                name="office_unique_role",
                violation_error_message="This organisation already has an office with this role.",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def current_holder(self):
        term = next((t for t in self.terms.all() if t.end_date is None), None)
        return term.person if term else None


class OfficeTerm(models.Model):
    """A person in an office from a date; the current holder is the one whose term has no end."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="terms")
    person = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="office_terms")
    start_date = models.DateField()
    start_precision = partialdate.precision_field()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while in office.")
    end_precision = partialdate.precision_field()
    updated_at = models.DateTimeField(auto_now=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="officeterm_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(end_date__isnull=True),
                name="officeterm_one_current",
                violation_error_message=(
                    "This office already has a current holder; end that term first."
                ),
            ),
            ExclusionConstraint(
                name="officeterm_no_overlap",
                violation_error_message="This office already has a holder during these dates.",
                expressions=[
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                    ("office", RangeOperators.EQUAL),
                ],
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("start_date", "start_precision"),
                name="officeterm_start_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(start date)."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("end_date", "end_precision"),
                name="officeterm_end_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(end date)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["person", "end_date"], name="officeterm_person_idx")]

    def __str__(self):
        return f"{self.person} — {self.office}"

    def clean(self):
        if self.person_id and not self.person.is_person:
            raise ValidationError({"person": "Only a person can hold an office."})

    @property
    def is_current(self):
        return self.end_date is None

    @property
    def start_display(self):
        return partialdate.format_partial(self.start_date, self.start_precision)

    @property
    def end_display(self):
        return partialdate.format_partial(self.end_date, self.end_precision)
