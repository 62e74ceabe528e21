import datetime

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.clock import desk_time
from briefings.newsroom.models import Briefing
from briefings.partialdate import day_month_year

# One salt per purpose: a token minted for one link can never be replayed on another.
CONFIRM_SALT = "digests.confirm"
PREFERENCES_SALT = "digests.preferences"
UNSUBSCRIBE_SALT = "digests.unsubscribe"


class SupersededLink(Exception):
    """A genuine confirmation link that was already used, or that an unsubscribe replaced."""


# The welcome's own task normally sends it within seconds of confirming; the sweep takes over
# after WELCOME_GRACE, for as long as WELCOME_WINDOW.
WELCOME_GRACE = datetime.timedelta(minutes=2)
WELCOME_WINDOW = datetime.timedelta(days=2)


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Subscribers an email may go to: confirmed and not paused."""
        return self.filter(state=Subscriber.State.CONFIRMED, paused=False)

    def unwelcomed(self, now=None):
        """Subscriptions started between two days and two minutes ago whose welcome has not
        gone: its task was lost (broker down at commit) or gave up retrying. Older ones are
        left alone: a welcome days late is no welcome, and subscribers from before welcomes
        existed never had one coming."""
        now = now or timezone.now()
        return self.receiving().filter(
            welcomed_at__isnull=True,
            confirmed_at__lte=now - WELCOME_GRACE,
            confirmed_at__gt=now - WELCOME_WINDOW,
        )

    def expired_pending(self, now=None):
        now = now or timezone.now()
        return self.filter(
            state=Subscriber.State.PENDING,
            created_at__lt=now - datetime.timedelta(seconds=settings.DIGEST_CONFIRM_MAX_AGE),
        )


class Subscriber(models.Model):
    """A reader who asked for email; nothing is sent but a confirmation until they confirm."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        SUPPRESSED = "suppressed", "Suppressed (bounces or a complaint)"

    class Frequency(models.TextChoices):
        DAILY = "daily", pgettext_lazy("digest frequency", "Daily")
        WEEKLY = "weekly", pgettext_lazy("digest frequency", "Weekly")

    email = models.EmailField(max_length=254)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    follow_all = models.BooleanField(
        "follows everything", default=True, help_text="Otherwise only the chosen follows."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    actors = models.ManyToManyField(Actor, blank=True, related_name="subscribers")
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="subscribers")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="daily")
    instant_alerts = models.BooleanField(
        default=False, help_text="An email as soon as a briefing on a followed agreement appears."
    )
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the period the last digest covered."
    )
    link_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Bumped by every confirmation and unsubscribe. A confirmation link carries "
        "the value it was issued at, so a used or superseded link is refused.",
    )
    hard_bounces = models.PositiveSmallIntegerField(default=0)
    soft_bounces = models.PositiveSmallIntegerField(
        default=0, help_text="Temporary failures the email provider reported."
    )
    last_bounce = models.TextField(blank=True)
    welcomed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the welcome email went out."
    )
    language = models.CharField(
        _("language of the emails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Confirmation, digests and alerts come in this language."),
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "confirmed", "unsubscribed", "suppressed"]),
                name="subscriber_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(confirmed_at__isnull=False),
                name="subscriber_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="subscriber_language_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "frequency"], name="subscriber_state_freq_idx")]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        """The subscriber's own preferences page: the signed link every email carries."""
        return reverse("digests:preferences", kwargs={"token": self.token(PREFERENCES_SALT)})

    def token(self, salt):
        return signing.Signer(salt=salt).sign(str(self.pk))

    def unsubscribe_url(self):
        return reverse("digests:unsubscribe", kwargs={"token": self.token(UNSUBSCRIBE_SALT)})

    def in_language(self):
        """Everything an email to this subscriber says, and every link in it, in their language."""
        return translation.override(self.language)

    @classmethod
    def from_token(cls, token, salt):
        """The subscriber a signed link names, or None for a tampered or unknown one."""
        try:
            pk = int(signing.Signer(salt=salt).unsign(token))
        except (signing.BadSignature, ValueError):
            return None
        return cls.objects.filter(pk=pk).first()

    def confirmation_token(self, choices):
        """A signed, expiring link that carries the requested follows until it is clicked.

        It also carries the subscriber's link generation: confirming or unsubscribing moves
        that on, so the link works once, and never after a later unsubscribe.
        """
        payload = {"s": self.pk, "e": self.email.lower(), "c": choices, "g": self.link_generation}
        return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)

    @classmethod
    def from_confirmation_token(cls, token):
        """(subscriber, choices) for a valid link; None if tampered, expired or out of date.

        Raises SupersededLink for a genuine link already used or issued before the latest
        unsubscribe (or one from before links carried a generation).
        """
        try:
            payload = signing.loads(
                token, salt=CONFIRM_SALT, max_age=settings.DIGEST_CONFIRM_MAX_AGE
            )
            subscriber = cls.objects.filter(pk=payload["s"], email__iexact=payload["e"]).first()
            choices = payload["c"]
            generation = payload.get("g")
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None
        if subscriber is None or subscriber.state == cls.State.SUPPRESSED:
            return None
        if generation != subscriber.link_generation:
            raise SupersededLink
        choices["tags"] = list(Tag.objects.filter(pk__in=choices["tags"]))
        choices["actors"] = list(Actor.objects.filter(pk__in=choices["actors"]))
        choices["agreements"] = list(Agreement.objects.filter(pk__in=choices["agreements"]))
        return subscriber, choices

    def confirm(self, choices, now=None):
        """Apply the choices carried by a confirmation link and start sending.

        `self` is the subscriber as from_confirmation_token() found it: if its link
        generation moved on since (the same link used twice at once, or an unsubscribe in
        between), SupersededLink is raised and nothing changes. Confirming moves the
        generation on, so the link that did it is spent. Returns True when this started the
        subscription (it was not confirmed before), False for a change of choices.
        """
        now = now or timezone.now()
        with transaction.atomic():
            current = (
                type(self)
                .objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("link_generation", flat=True)
                .first()
            )
            if current != self.link_generation:
                raise SupersededLink
            started = self.state != self.State.CONFIRMED
            if started:
                self.confirmed_at = now
                self.last_digest_at = None
            self.state = self.State.CONFIRMED
            self.unsubscribed_at = None
            self.paused = False
            self.link_generation = current + 1
            self.save()
            self.apply_follows(choices)
        return started

    def apply_follows(self, choices):
        self.follow_all = choices["follow_all"]
        self.frequency = choices["frequency"]
        self.instant_alerts = choices["instant_alerts"]
        # Links issued before subscribers chose a language carry none: keep theirs.
        self.language = choices.get("language", self.language)
        self.save(update_fields=["follow_all", "frequency", "instant_alerts", "language"])
        self.tags.set(choices["tags"])
        self.actors.set(choices["actors"])
        self.agreements.set(choices["agreements"])

    def unsubscribe(self, now=None):
        """Stop sending; every confirmation link issued so far stops working too."""
        fields = ["link_generation"]
        if self.state in (self.State.CONFIRMED, self.State.PENDING):
            self.state = self.State.UNSUBSCRIBED
            self.unsubscribed_at = now or timezone.now()
            fields += ["state", "unsubscribed_at"]
        self.link_generation = F("link_generation") + 1
        self.save(update_fields=fields)
        self.refresh_from_db(fields=["link_generation"])

    def record_hard_bounce(self, reason, *, suppress=False):
        """Count a permanent refusal; enough of them and the address gets nothing more.

        `suppress` for a provider's final word (a hard bounce after its own retries, a
        complaint): one is enough.
        """
        self.hard_bounces += 1
        self.last_bounce = reason[:1000]
        if suppress or self.hard_bounces >= settings.DIGEST_HARD_BOUNCE_LIMIT:
            self.state = self.State.SUPPRESSED
        self.save(update_fields=["hard_bounces", "last_bounce", "state"])

    def record_soft_bounce(self, reason):
        """A temporary failure the provider gave up on for now; many of them also suppress."""
        self.soft_bounces += 1
        self.last_bounce = reason[:1000]
        if self.soft_bounces >= settings.DIGEST_SOFT_BOUNCE_LIMIT:
            self.state = self.State.SUPPRESSED
        self.save(update_fields=["soft_bounces", "last_bounce", "state"])

    def schedule_summary(self):
        """When this subscriber's email comes, in words for the welcome email (in the active
        language: call it under `in_language()`)."""
        values = {
            "day": WEEKDAYS[settings.DIGEST_WEEKLY_DAY],
            "time": settings.DIGEST_DAILY_AT,
        }
        if self.frequency == self.Frequency.WEEKLY and self.instant_alerts:
            text = gettext(
                "A weekly digest every %(day)s at %(time)s (Brussels time), on days with new "
                "briefings, and an alert as soon as a briefing on an agreement you follow appears."
            )
        elif self.frequency == self.Frequency.WEEKLY:
            text = gettext(
                "A weekly digest every %(day)s at %(time)s (Brussels time), on days with new "
                "briefings."
            )
        elif self.instant_alerts:
            text = gettext(
                "A daily digest every morning at %(time)s (Brussels time), on days with new "
                "briefings, and an alert as soon as a briefing on an agreement you follow appears."
            )
        else:
            text = gettext(
                "A daily digest every morning at %(time)s (Brussels time), on days with new "
                "briefings."
            )
        return text % values

    def follows_summary(self):
        if self.follow_all:
            return gettext("Everything")
        names = [t.name for t in self.tags.all()]
        names += [a.short_name_i18n or a.name_i18n for a in self.actors.all()]
        names += [a.display_name for a in self.agreements.all()]
        return ", ".join(names) or gettext("Nothing yet")


def group_of():
    """A briefing's translation group, named by its original's id (digests speak of groups:
    an original and its translations go out as one)."""
    return Coalesce("translation_of_id", "pk")


def groups_first_published(since, until):
    """The translation groups whose first public version was published in (since, until]."""
    return (
        Briefing.objects.published()
        .annotate(group=group_of())
        .values("group")
        .annotate(first=Min("publish_at"))
        .filter(first__gt=since, first__lte=until)
    )


def versions_for(groups, language):
    """What readers of `language` get of these groups, as a queryset of briefings."""
    return (
        Briefing.objects.published()
        .for_language(language)
        .annotate(group=group_of())
        .filter(group__in=groups)
    )


class EditionQuerySet(models.QuerySet):
    def archived(self):
        """Editions readers may look back on: sent (finished, with at least one digest out)
        and still carrying a public briefing. A planned or running edition is not listed."""
        public = groups_first_published(OuterRef("starts_at"), OuterRef("ends_at"))
        sent = Delivery.objects.filter(edition=OuterRef("pk"), state=Delivery.State.SENT)
        return self.filter(completed_at__isnull=False).filter(Exists(sent), Exists(public))

    def with_counts(self):
        return self.annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__state=Delivery.State.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__state=Delivery.State.FAILED)),
            pending_count=Count("deliveries", filter=Q(deliveries__state=Delivery.State.CLAIMED)),
        )


class Edition(models.Model):
    """One run of the daily or weekly digest; unique per kind and period, so ticks can't fork it."""

    class Kind(models.TextChoices):
        DAILY = "daily", pgettext_lazy("digest frequency", "Daily")
        WEEKLY = "weekly", pgettext_lazy("digest frequency", "Weekly")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    period = models.DateField(help_text="The desk-local day, or the Monday of the week.")
    starts_at = models.DateTimeField(help_text="Window start for a subscriber's first digest.")
    ends_at = models.DateTimeField(help_text="Briefings published up to this time are included.")
    last_subscriber_id = models.BigIntegerField(
        default=0, help_text="Subscribers who joined later wait for the next edition."
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="edition_unique_kind_period"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="edition_window_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} digest of {self.period:%d %B %Y}"

    def get_absolute_url(self):
        """The edition's public web version, as readers who follow everything got it."""
        return reverse(
            "digest_archive:detail", kwargs={"kind": self.kind, "period": f"{self.period:%Y-%m-%d}"}
        )

    def public_briefings(self, language=settings.LANGUAGE_CODE):
        """What the edition carried for readers who follow everything, as far as it is still
        public: read at request time, so a briefing withdrawn since is simply not there.

        One briefing per translation group whose first public version falls in the window,
        as readers of `language` get it: their translation where public, the original
        otherwise (the selection rule of `digests.selection`).
        """
        groups = groups_first_published(self.starts_at, self.ends_at).values("group")
        return versions_for(groups, language)

    def title(self):
        """“Daily digest of 23 June 2025”, in the active language."""
        values = {"date": day_month_year(self.period)}
        if self.kind == self.Kind.WEEKLY:
            return gettext("Weekly digest, week of %(date)s") % values
        return gettext("Daily digest of %(date)s") % values

    def description(self):
        values = {"date": day_month_year(self.period)}
        if self.kind == self.Kind.WEEKLY:
            return gettext("The briefings of the desk's weekly digest of %(date)s.") % values
        return gettext("The briefings of the desk's daily digest of %(date)s.") % values

    @classmethod
    def period_for(cls, kind, now):
        local = desk_time(now).date()
        if kind == cls.Kind.WEEKLY:
            return local - datetime.timedelta(days=local.weekday())
        return local

    @property
    def length(self):
        return datetime.timedelta(days=7 if self.kind == self.Kind.WEEKLY else 1)


def lease_end(now=None):
    """When a lease taken or renewed now runs out, unless its holder renews it again."""
    return (now or timezone.now()) + datetime.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)


class LeasedQuerySet(models.QuerySet):
    """Work rows (edition chunks, alert batches) held by a lease while a task works them."""

    def stranded(self, now=None):
        """Unfinished and unleased: never dispatched, or their worker (or message) is gone."""
        now = now or timezone.now()
        return self.filter(done_at__isnull=True).filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now)
        )

    def take_stranded(self, now=None):
        """Lease the stranded rows to a dispatch and return them; concurrent callers split them.

        The lease covers the wait in the queue; the worker renews it as it sends. Rows another
        caller is leasing right now are skipped rather than waited for.
        """
        now = now or timezone.now()
        with transaction.atomic():
            rows = list(self.stranded(now).select_for_update(skip_locked=True, of=("self",)))
            self.model.objects.filter(pk__in=[r.pk for r in rows]).update(
                lease_expires_at=lease_end(now), dispatched_at=now
            )
        return rows

    def renew(self, now=None):
        return self.update(lease_expires_at=lease_end(now))

    def hold(self, seconds):
        """Keep the lease through a retry's backoff, so resumption does not cut it short."""
        later = timezone.now() + datetime.timedelta(seconds=seconds)
        return self.filter(done_at__isnull=True).update(lease_expires_at=lease_end(later))


class Leased(models.Model):
    """The fields LeasedQuerySet works on: when the row was last dispatched, until when its
    current worker is trusted, and when it was finished."""

    dispatched_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class EditionChunk(Leased):
    """A slice of subscriber ids an edition fans out to one task; done once every one is handled.

    Its lease says how long its current worker is trusted to be alive: renewed with every
    batch of marks, and once it runs out the resume task dispatches the chunk again. The
    advisory lock, not the lease, keeps two live workers apart.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()

    objects = LeasedQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "first_id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "first_id"], name="chunk_unique_start"),
            models.CheckConstraint(
                condition=Q(last_id__gte=models.F("first_id")), name="chunk_range_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(done_at__isnull=True),
                name="chunk_open_lease_idx",
            )
        ]

    def __str__(self):
        return f"{self.edition}: subscribers {self.first_id}–{self.last_id}"


class Delivery(models.Model):
    """One digest to one subscriber: claimed before the SMTP conversation, marked after it."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "Claimed (sending)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed permanently"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLAIMED)
    message_id = models.CharField(max_length=255)
    briefing_count = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["edition", "subscriber"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="delivery_unique_edition_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.edition} to {self.subscriber}"


class AlertBatchQuerySet(LeasedQuerySet):
    def record(self, briefing):
        """The alert work of a publication, once: safe inside the publishing transaction and
        when run again (an insert that skips the existing row, no savepoint needed)."""
        self.bulk_create(
            [AlertBatch(briefing=briefing, lease_expires_at=lease_end())], ignore_conflicts=True
        )


class AlertBatch(Leased):
    """The instant alerts one publication owes, recorded with the publication itself.

    Nothing depends on a broker message surviving: the batch stays open until every
    recipient is handled, and its lease lets the resume task take it over from a dead worker.
    """

    briefing = models.ForeignKey(
        "newsroom.Briefing", on_delete=models.CASCADE, related_name="alert_batches"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AlertBatchQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "alert batches"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["briefing"], name="alertbatch_unique_briefing")
        ]
        indexes = [
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(done_at__isnull=True),
                name="alertbatch_open_lease_idx",
            )
        ]

    def __str__(self):
        return f"Alerts of briefing {self.briefing_id}"


class Alert(models.Model):
    """An instant alert of one briefing to one subscriber, at most once per translation group:
    a reader alerted to the original is not alerted again when its translation appears."""

    briefing = models.ForeignKey(
        "newsroom.Briefing", on_delete=models.CASCADE, related_name="digest_alerts"
    )
    group = models.ForeignKey(
        "newsroom.Briefing",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The original of the briefing's translation group (the briefing itself if "
        "it is an original).",
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    state = models.CharField(
        max_length=10, choices=Delivery.State.choices, default=Delivery.State.CLAIMED
    )
    message_id = models.CharField(max_length=255)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "subscriber"], name="alert_unique_briefing_subscriber"
            ),
            models.UniqueConstraint(
                fields=["group", "subscriber"], name="alert_unique_group_subscriber"
            ),
        ]

    def __str__(self):
        return f"Alert of {self.briefing_id} to {self.subscriber}"


class FeedbackEvent(models.Model):
    """One event an email provider's signed webhook reported about a message we sent.

    Kept once per provider event id, so a webhook the provider retries changes nothing twice.
    Opens and clicks are not kept: the desk does not track readers.
    """

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCE = "soft_bounce", "Soft bounce"
        COMPLAINT = "complaint", "Complaint"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe"

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.CharField(max_length=254)
    message_id = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="feedbackevent_unique_provider_event"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["hard_bounce", "soft_bounce", "complaint", "unsubscribe"]),
                name="feedbackevent_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.provider})"


class StatusAlertBatch(Leased):
    """The alerts one change of a party's status owes, recorded with the action's save.

    The wording is kept as it was confirmed: a later edit of the action or the party does
    not rewrite an alert already going out. Worked like an AlertBatch: leased, resumed,
    closed once no recipient is left to retry.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=20)
    new_status = models.CharField(max_length=20)
    action_kind = models.CharField(max_length=30, blank=True)
    action_date = models.DateField(null=True, blank=True)
    headline = models.CharField(max_length=300, help_text="“Italy ratified CETA on 14 March 2025”")
    note = models.TextField(blank=True, help_text="The editor's note, plain text.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LeasedQuerySet.as_manager()

    class Meta:
        verbose_name = "status alert"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_status=F("new_status")), name="statusalertbatch_is_a_change"
            )
        ]
        indexes = [
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(done_at__isnull=True),
                name="statusalertbatch_open_idx",
            )
        ]

    def __str__(self):
        return self.headline


class StatusAlert(models.Model):
    """One status change's alert to one subscriber, at most once."""

    batch = models.ForeignKey(StatusAlertBatch, on_delete=models.CASCADE, related_name="alerts")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="status_alerts"
    )
    state = models.CharField(
        max_length=10, choices=Delivery.State.choices, default=Delivery.State.CLAIMED
    )
    message_id = models.CharField(max_length=255)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "subscriber"], name="statusalert_unique_batch_subscriber"
            )
        ]

    def __str__(self):
        return f"Status alert {self.batch_id} to {self.subscriber}"
