import dataclasses
import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslationField

from briefings import partialdate
from briefings.actors.models import Actor, french, in_either_language, name_search_index
from briefings.paths import slug_path


class AgreementQuerySet(models.QuerySet):
    def with_party_counts(self, as_of=None):
        """Annotate party_count, bound_count, ended_count (withdrawn or no longer covered) and
        not_bound_count in the same query, as of a date (today when None)."""
        bound = Q(party_records__in=Party.objects.bound(as_of))
        ended = Q(party_records__in=Party.objects.ended(as_of))
        return self.annotate(
            party_count=Count("party_records", distinct=True),
            bound_count=Count("party_records", filter=bound, distinct=True),
            ended_count=Count("party_records", filter=ended, distinct=True),
        ).annotate(not_bound_count=F("party_count") - F("bound_count"))

    def updated_since(self, moment):
        """Agreements whose record changed at or after `moment`: the row itself; a party, an
        action, a relation or a party's actor recorded, changed or removed since
        (`linked_changed_at`, whatever the action's own date); or a party's action entering the
        record since (from its period's end, as `status_on(as_of)` counts it). An action has a
        calendar date, not a time: the day before `moment`'s UTC date is counted too, as that
        date is a day behind somewhere, and listing twice loses nothing.
        """
        day = moment.astimezone(datetime.UTC).date() - datetime.timedelta(days=1)
        end = partialdate.period_end_expression("date", "date_precision")
        recorded = PartyAction.objects.alias(_end=end).filter(
            party__agreement=OuterRef("pk"), _end__gte=day
        )
        return self.filter(
            Q(updated_at__gte=moment) | Q(linked_changed_at__gte=moment) | Exists(recorded)
        )

    def search(self, text):
        """Agreements whose title or acronym, in English or French, contains the words, accents
        ignored (trigram indexes)."""
        return in_either_language(self, text, "title", "short_name")


class Agreement(models.Model):
    """An international agreement or commitment, with its lifecycle and its parties."""

    class Kind(models.TextChoices):
        TREATY = "treaty", _("Treaty")
        TRADE = "trade", _("Trade agreement")
        SECURITY_DEFENCE = "security_defence", _("Security and defence partnership")
        FUNDING = "funding", _("Funding instrument")
        POLITICAL = "political", _("Political commitment")
        ALLIANCE = "alliance", _("Alliance commitment")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("agreement status", "Proposed")
        NEGOTIATING = "negotiating", pgettext_lazy("agreement status", "Under negotiation")
        CONCLUDED = "concluded", pgettext_lazy("agreement status", "Concluded")
        SIGNED = "signed", pgettext_lazy("agreement status", "Signed")
        PROVISIONAL = "provisional", pgettext_lazy("agreement status", "Provisionally applied")
        IN_FORCE = "in_force", pgettext_lazy("agreement status", "In force")
        SUSPENDED = "suspended", pgettext_lazy("agreement status", "Suspended")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "Terminated")

    title = models.CharField(max_length=255)
    short_name = models.CharField(max_length=60, blank=True, help_text="Acronym, e.g. CETA.")
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    summary = models.TextField(blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    concluded_precision = partialdate.precision_field()
    signed_on = models.DateField(null=True, blank=True)
    signed_precision = partialdate.precision_field()
    signed_place = models.CharField(max_length=120, blank=True)
    provisionally_applied_on = models.DateField(null=True, blank=True)
    in_force_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    needs_ratification = models.BooleanField(
        default=True,
        help_text=(
            "Untick for instruments no party ratifies (an EU regulation, a political "
            "commitment, a funding instrument): their page shows adoption and application "
            "instead of a ratification table."
        ),
    )
    adopted_on = models.DateField(null=True, blank=True)
    adopted_precision = partialdate.precision_field()
    adopted_by = models.CharField(
        max_length=120, blank=True, help_text="E.g. “Council of the EU”, “NATO summit, Wales”."
    )
    applies_from = models.DateField(
        null=True, blank=True, help_text="Entry into application (or into force) of the instrument."
    )
    parties = models.ManyToManyField(Actor, through="Party", related_name="agreements")
    related = models.ManyToManyField(
        "self", through="AgreementRelation", symmetrical=False, related_name="related_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Both kept by the database: triggers, defended in migration 0007's docstring.
    record_version = models.BigIntegerField(
        db_default=0,
        editable=False,
        help_text="Moves whenever anything the agreement's record shows changes; set by triggers.",
    )
    linked_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a party, action, relation or party's actor shown with it last changed.",
    )
    i18n = TranslationField(fields=("title", "short_name", "summary", "signed_place", "adopted_by"))

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "kind"], name="agreement_status_kind_idx"),
            name_search_index("title", "agreement_title_trgm_idx"),
            name_search_index("short_name", "agreement_short_name_trgm_idx"),
            name_search_index(french("title"), "agreement_title_fr_trgm_idx"),
            name_search_index(french("short_name"), "agreement_short_fr_trgm_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(concluded_on__isnull=True)
                | Q(signed_on__gte=F("concluded_on")),
                name="agreement_signed_after_concluded",
                violation_error_message="An agreement cannot be signed before it is concluded.",
            ),
            models.CheckConstraint(
                condition=Q(provisionally_applied_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(provisionally_applied_on__gte=F("signed_on")),
                name="agreement_applied_after_signed",
                violation_error_message="Provisional application cannot start before signature.",
            ),
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(in_force_on__gte=F("signed_on")),
                name="agreement_in_force_after_signed",
                violation_error_message="Entry into force cannot come before signature.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(in_force_on__isnull=True)
                | Q(ended_on__gte=F("in_force_on")),
                name="agreement_ended_after_in_force",
                violation_error_message="An agreement cannot end before it enters into force.",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(ended_on__isnull=False),
                name="agreement_terminated_has_end",
                violation_error_message="A terminated agreement needs its end date.",
            ),
            models.CheckConstraint(
                condition=~Q(status="provisional") | Q(provisionally_applied_on__isnull=False),
                name="agreement_provisional_has_date",
                violation_error_message=(
                    "A provisionally applied agreement needs the date it began."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("signed_on", "signed_precision"),
                name="agreement_signed_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(signature date)."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("adopted_on", "adopted_precision"),
                name="agreement_adopted_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(adoption date)."
                ),
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("concluded_on", "concluded_precision"),
                name="agreement_concluded_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January "
                    "(conclusion date)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.short_name})" if self.short_name else self.title

    def get_absolute_url(self):
        return slug_path("agreements:detail", self.slug)

    @property
    def display_name(self):
        """The acronym where there is one (« AECG »), else the title, in the reader's language."""
        return self.short_name_i18n or self.title_i18n

    @property
    def signed_display(self):
        return partialdate.format_partial(self.signed_on, self.signed_precision)

    @property
    def concluded_display(self):
        return partialdate.format_partial(self.concluded_on, self.concluded_precision)

    @property
    def adopted_display(self):
        return partialdate.format_partial(self.adopted_on, self.adopted_precision)


class AgreementRelation(models.Model):
    """A typed link between two agreements: the Canada pact mirrors the EU–UK one."""

    class Kind(models.TextChoices):
        MIRRORS = "mirrors", _("mirrors")
        IMPLEMENTS = "implements", _("implements")
        REQUIRES = "requires", _("requires")
        SUPERSEDES = "supersedes", _("supersedes")
        AMENDS = "amends", _("amends")
        RELATED = "related", _("is related to")

    source = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="agreementrelation_unique",
                violation_error_message="These agreements are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="agreementrelation_not_self",
                violation_error_message="An agreement cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source.display_name} {self.get_kind_display()} {self.target.display_name}"


class PartyQuerySet(models.QuerySet):
    """Status filters in SQL, matching Party.status_on() row for row (tested)."""

    @staticmethod
    def _actions(kinds, as_of, **outer):
        actions = PartyAction.objects.filter(kind__in=kinds, **outer)
        if as_of is not None:
            end = partialdate.period_end_expression("date", "date_precision")
            actions = actions.alias(_end=end).filter(_end__lte=as_of)
        return actions

    def bound(self, as_of=None):
        """Parties whose latest consent to be bound (as of the date) no withdrawal or end of
        coverage followed."""
        ending = self._actions(
            PartyAction.ENDING, as_of, party=OuterRef(OuterRef("pk")), date__gte=OuterRef("date")
        )
        consent = self._actions(PartyAction.CONSENT, as_of, party=OuterRef("pk")).filter(
            ~Exists(ending)
        )
        return self.filter(Exists(consent))

    def not_bound(self, as_of=None):
        return self.exclude(pk__in=self.bound(as_of).values("pk"))

    def ended(self, as_of=None):
        """Parties that withdrew or ceased to be covered (as of the date), and did not rejoin."""
        consent = self._actions(
            PartyAction.CONSENT, as_of, party=OuterRef(OuterRef("pk")), date__gt=OuterRef("date")
        )
        ending = self._actions(PartyAction.ENDING, as_of, party=OuterRef("pk")).filter(
            ~Exists(consent)
        )
        return self.filter(Exists(ending))


@dataclasses.dataclass(frozen=True)
class DerivedStatus:
    """A party's status on a date, the action that decides it and how sure the record is.

    `approximate`: the deciding action is known only to the month or year, so it is counted
    from the period's end. `uncertain`: an action known only to a period that contains the date
    might already have changed the status, and is not counted.
    """

    status: str
    action: "PartyAction | None"
    as_of: datetime.date | None
    approximate: bool
    uncertain: bool

    @property
    def label(self):
        if self.status == Party.Status.BOUND:
            return self.action.kind_label
        return STATUS_LABELS[self.status]

    @property
    def caveat(self):
        """What a reader should be told about the dates behind this status, or ""."""
        if self.uncertain:
            return gettext(
                "An action known only to the month or year may already have changed this."
            )
        if self.approximate and self.action.date_precision == partialdate.Precision.MONTH:
            return gettext("Rests on a date known only to the month; counted from its end.")
        if self.approximate:
            return gettext("Rests on a date known only to the year; counted from its end.")
        return ""


class Party(models.Model):
    """An actor's place in an agreement; its status is derived from its dated actions."""

    class Role(models.TextChoices):
        PARTY = "party", _("Party")
        PROSPECTIVE = "prospective", _("Prospective party")

    class Status(models.TextChoices):
        NONE = "none", _("No action")
        SIGNED = "signed", pgettext_lazy("party status", "Signed")
        PROVISIONAL = "provisional", _("Provisionally applying")
        BOUND = "bound", pgettext_lazy("party status", "Ratified")
        WITHDRAWN = "withdrawn", pgettext_lazy("party status", "Withdrawn")
        CEASED = "ceased", _("No longer covered")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_records")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="party_records")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTY)
    note = models.CharField(max_length=255, blank=True)
    i18n = TranslationField(fields=("note",))

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "parties"
        ordering = ["actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "actor"],
                name="party_unique_actor",
                violation_error_message="This actor is already a party to this agreement.",
            )
        ]

    def __str__(self):
        return f"{self.actor} in {self.agreement.display_name}"

    def _actions(self):
        """The actions in date order; sorted once per prefetch, as a table row asks often.

        A prefetch into `action_list` (to_attr) is read first: Django then skips building a
        related manager per party, a third of a large API page's time."""
        prefetched = self.__dict__.get("action_list")  # Prefetch("actions", to_attr=…)
        if prefetched is None:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("actions")
        if prefetched is None:
            return sorted(self.actions.all(), key=lambda a: (a.date, a.pk or 0))
        memo = self.__dict__.get("_sorted_actions")
        if memo is None or memo[0] is not prefetched:
            memo = (prefetched, sorted(prefetched, key=lambda a: (a.date, a.pk or 0)))
            self._sorted_actions = memo
        return memo[1]

    def _latest(self, kinds, actions=None):
        actions = self._actions() if actions is None else actions
        return next((a for a in reversed(actions) if a.kind in kinds), None)

    def status_on(self, as_of=None):
        """The status the record of actions adds up to on `as_of` (today's record when None).

        The one place statuses are derived (PartyQuerySet filters the same way in SQL): the
        latest consent decides unless a withdrawal or end of coverage came after it;
        otherwise provisional application, then signature. An action known only to the month
        or year counts from the period's end. Uses prefetched actions when present.
        """
        if as_of is None:
            memo = self.__dict__.get("_status_now")
            if memo is not None and memo[0] is self._actions():
                return memo[1]
        actions = self._actions()
        counted, pending = actions, []
        if as_of is not None:
            counted = [a for a in actions if a.period_end <= as_of]
            pending = [a for a in actions if a.date <= as_of < a.period_end]
        consent = self._latest(PartyAction.CONSENT, counted)
        ending = self._latest(PartyAction.ENDING, counted)
        if ending and (consent is None or ending.date >= consent.date):
            status = (
                self.Status.WITHDRAWN
                if ending.kind == PartyAction.Kind.WITHDRAWAL
                else self.Status.CEASED
            )
            action = ending
        elif consent:
            status, action = self.Status.BOUND, consent
        elif provisional := self._latest([PartyAction.Kind.PROVISIONAL_APPLICATION], counted):
            status, action = self.Status.PROVISIONAL, provisional
        elif signature := self._latest(PartyAction.SIGNING, counted):
            status, action = self.Status.SIGNED, signature
        else:
            status, action = self.Status.NONE, None
        derived = DerivedStatus(
            status=status,
            action=action,
            as_of=as_of,
            approximate=bool(action and action.date_precision != partialdate.Precision.DAY),
            uncertain=any(a.kind in PartyAction.STATUS_KINDS for a in pending),
        )
        if as_of is None:
            self._status_now = (actions, derived)
        return derived

    @property
    def status(self):
        """Today's derived status; see status_on()."""
        return self.status_on().status

    @property
    def consent(self):
        """The action that bound the party (its ratification, acceptance, accession…)."""
        return self._latest(PartyAction.CONSENT)

    @property
    def ending(self):
        """Its withdrawal or the end of its coverage, if any."""
        return self._latest(PartyAction.ENDING)

    @property
    def signature(self):
        return self._latest(PartyAction.SIGNING)

    @property
    def status_action(self):
        """The action that decides the current status, to date it."""
        return self.status_on().action

    @property
    def noted_actions(self):
        """Steps a ratification table notes beside the dates: votes, provisional application."""
        noted = {
            PartyAction.Kind.DOMESTIC_APPROVAL,
            PartyAction.Kind.DOMESTIC_REJECTION,
            PartyAction.Kind.PROVISIONAL_APPLICATION,
        }
        return [a for a in self.actions.all() if a.note or a.kind in noted]

    def get_status_display(self):
        return self.status_on().label


class PartyAction(models.Model):
    """A dated step by one party, in the UN Treaty Collection's vocabulary plus domestic votes."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        SIGNATURE_AD_REFERENDUM = "signature_ad_referendum", _("Signature ad referendum")
        RATIFICATION = "ratification", _("Ratification")
        ACCEPTANCE = "acceptance", _("Acceptance")
        APPROVAL = "approval", _("Approval")
        ACCESSION = "accession", _("Accession")
        SUCCESSION = "succession", _("Succession")
        FORMAL_CONFIRMATION = "formal_confirmation", _("Formal confirmation")
        PROVISIONAL_APPLICATION = "provisional_application", _("Provisional application")
        DECLARATION = "declaration", _("Declaration")
        RESERVATION = "reservation", _("Reservation")
        WITHDRAWAL = "withdrawal", _("Denunciation / withdrawal")
        CEASED_COVERAGE = "ceased_coverage", _("Ceased to be covered")
        DOMESTIC_APPROVAL = "domestic_approval", _("Domestic approval (vote)")
        DOMESTIC_REJECTION = "domestic_rejection", _("Domestic rejection (vote)")

    CONSENT = [
        Kind.RATIFICATION,
        Kind.ACCEPTANCE,
        Kind.APPROVAL,
        Kind.ACCESSION,
        Kind.SUCCESSION,
        Kind.FORMAL_CONFIRMATION,
    ]
    SIGNING = [Kind.SIGNATURE, Kind.SIGNATURE_AD_REFERENDUM]
    # A withdrawal, or coverage ended from outside (a state leaving the EU leaves its treaties).
    ENDING = [Kind.WITHDRAWAL, Kind.CEASED_COVERAGE]
    STATUS_KINDS = {*CONSENT, *SIGNING, *ENDING, Kind.PROVISIONAL_APPLICATION}

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    date_precision = partialdate.precision_field(
        help_text="The UN record gives days; news of a signing may give only the month."
    )
    place = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=255, blank=True, help_text="E.g. “Senate, 211–44”.")
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind", "date"],
                name="partyaction_unique_per_day",
                violation_error_message="This party already has this action on this date.",
            ),
            models.CheckConstraint(
                condition=partialdate.normalised("date", "date_precision"),
                name="partyaction_date_normalised",
                violation_error_message=(
                    "A date known to the month must be the 1st, one known to the year 1 January."
                ),
            ),
        ]
        indexes = [models.Index(fields=["kind", "date"], name="partyaction_kind_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date_display}"

    @property
    def date_display(self):
        return partialdate.format_partial(self.date, self.date_precision)

    @property
    def kind_label(self):
        """get_kind_display() by a dict: Django's hashes the choices on every call."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def period_end(self):
        """The day by which the action had certainly happened (its date's period's end)."""
        return partialdate.period_end(self.date, self.date_precision)


KIND_LABELS = dict(PartyAction.Kind.choices)
STATUS_LABELS = dict(Party.Status.choices)
