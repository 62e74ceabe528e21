"""Briefings and what hangs off them: tags, key figures, sources, corrections, workflow history."""

import logging

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.images.models import Image
from briefings.newsroom import figures, richtext
from briefings.newsroom.models.contributors import Byline, Contributor
from briefings.newsroom.models.outbox import Outbox
from briefings.newsroom.models.revisions import REVISIONED_FIELDS, Revision
from briefings.newsroom.notices import notified
from briefings.newsroom.search import SearchableQuerySet
from briefings.newsroom.signals import briefing_scheduled
from briefings.newsroom.workflow import MOVES, Status, apply_move
from briefings.paths import slug_path

logger = logging.getLogger(__name__)


class EditConflict(Exception):
    """A write based on a version of the briefing that is no longer the current one."""


# What no list shows: the body in its three forms and the search vectors.
# Reading time: a common figure for reading news prose on screen.
READING_WORDS_PER_MINUTE = 230
HEAVY_FIELDS = ("body", "body_html", "body_text", "search_vector", "rank_vector")
# Stored at every save from the body by richtext.render().
RENDERED_FIELDS = ("body_html", "body_text", "body_renderer_version")
# A briefing with this many subheads or more opens with a table of contents (issue 15).
TOC_MIN_HEADINGS = 3

# The latest briefings that "in the news" (topics, dossiers, followable lists) is counted over.
TOPIC_WINDOW = 200


def language_name(code):
    """A language's name in the active language: “French” on the English desk."""
    return get_language_info(code)["name_translated"]


def bylines_prefetch():
    """Each briefing's contributors in byline order, into `contributor_list` (see byline())."""
    ordered = Contributor.objects.order_by("credits__position", "credits__pk")
    return models.Prefetch("contributors", queryset=ordered, to_attr="contributor_list")


# What a translation translates: a change to any of these in the original puts its translations
# behind; a move, a new tag or link does not.
TRANSLATED_KEYS = ("headline", "dek", "body", "key_figures", "sources")


class TranslatedText(models.Func):
    """A revision's translated text (TRANSLATED_KEYS of its data), as one jsonb to compare."""

    pairs = ", ".join(f"'{key}', %(expressions)s->'{key}'" for key in TRANSLATED_KEYS)
    template = f"jsonb_build_object({pairs})"
    output_field = models.JSONField()


class BriefingQuerySet(SearchableQuerySet):
    def delete(self):
        """Bulk deletion takes work never made public only; the rest goes one by one, recorded."""
        public = [Briefing.Status.SCHEDULED, Briefing.Status.PUBLISHED, Briefing.Status.WITHDRAWN]
        if self.filter(Q(first_published_at__isnull=False) | Q(status__in=public)).exists():
            raise PermissionDenied(
                "Briefings that have been scheduled or published cannot be deleted in bulk."
            )
        return super().delete()

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

    def with_translation_state(self):
        """Annotate `behind`: whether a translation's original changed its translated text
        (TRANSLATED_KEYS) since the translation was last brought up to date.

        `version` moves on every save and every workflow move (a publication too), so it only
        says something may have changed; the original's revisions say what. Without both
        revisions to compare (none kept, or the one of `source_version` pruned), the version
        decides. An original is never behind.
        """
        revisions = Revision.objects.filter(briefing=OuterRef("translation_of")).order_by("-number")
        then = revisions.filter(version__lte=OuterRef("source_version"))
        moved_on = Q(source_version__isnull=True) | Q(
            translation_of__version__gt=F("source_version")
        ) & (Q(text_now__isnull=True) | Q(text_then__isnull=True) | ~Q(text_then=F("text_now")))
        return self.alias(
            text_then=models.Subquery(then.values(text=TranslatedText("data"))[:1]),
            text_now=models.Subquery(revisions.values(text=TranslatedText("data"))[:1]),
        ).annotate(
            behind=models.Case(
                models.When(Q(translation_of__isnull=False) & moved_on, then=True),
                default=False,
            )
        )

    def for_language(self, language, now=None):
        """One briefing per translation group, as readers of `language` should get it: the
        version in their language where one is public, the original otherwise.

        Apply to public briefings (`published().for_language(...)`); a translation into a third
        language stands aside for its original.
        """
        published_here = self.model.objects.published(now).filter(
            translation_of=OuterRef("pk"), language=language
        )
        return self.filter(
            Q(language=language) | Q(translation_of__isnull=True) & ~Exists(published_here)
        )

    def with_public_versions(self, now=None):
        """Each briefing with its translation group's other public versions, by language, as
        dicts (id, language, slug, original: whether it is the group's original) in
        `version_list`: what its page links and its sitemap entry names, in the same query."""
        root = Coalesce(OuterRef("translation_of"), OuterRef("pk"))
        versions = (
            self.model.objects.published(now)
            .filter(Q(pk=root) | Q(translation_of=root))
            .exclude(pk=OuterRef("pk"))
            .order_by("language")
            .values(
                entry=JSONObject(
                    id="id",
                    language="language",
                    slug="slug",
                    original=Q(translation_of__isnull=True),
                )
            )
        )
        return self.annotate(version_list=ArraySubquery(versions))

    def listed(self):
        """Briefings as lists show them: no body or vectors, tags in one more query.

        The tags land in `tag_list`: prefetched into the manager instead, taggit would build
        a queryset per briefing to hold them, 0.1 ms each.
        """
        return (
            self.defer(*HEAVY_FIELDS)
            .select_related("lead_image")
            .prefetch_related(models.Prefetch("tags", to_attr="tag_list"), bylines_prefetch())
        )

    def rerender_stale(self, batch=500):
        """Store the body rendered by the current renderer where an older one made it.

        Run after changing richtext's RENDERER_VERSION (`manage.py rerender_bodies`);
        pages re-render a stale body on reading anyway. Returns how many were rendered.
        """
        stale = self.exclude(body_renderer_version=richtext.RENDERER_VERSION)
        done = 0
        while rows := list(stale.only("pk", "body", "language").order_by("pk")[:batch]):
            for row in rows:
                row.body_html, row.body_text, row.body_renderer_version = row.render_body()
            # Queryset writes: a re-render is no edit (no version, updated_at or signals).
            Briefing.objects.bulk_update(rows, RENDERED_FIELDS)
            done += len(rows)
        return done

    def image_ids(self):
        """Pks of the images these briefings show, lead and body: `published().image_ids()`
        is what makes an image public (with its own "public before use" flag)."""
        lead = self.filter(lead_image__isnull=False).values("lead_image")
        body = Briefing.body_images.through.objects.filter(briefing__in=self).values("image")
        return lead.union(body)

    def carried_tags(self):
        """The tags these briefings carry. `published().carried_tags()` is the one rule for
        a public topic: a tag only drafts carry does not exist for readers."""
        carried = TaggedBriefing.objects.filter(tag=OuterRef("pk"), content_object__in=self)
        return Tag.objects.filter(Exists(carried))

    def in_the_news(self):
        """The latest TOPIC_WINDOW published briefings' pks, a subquery for the `any` lookup:
        what "in the news" is counted over, at a cost that does not grow with the archive."""
        return self.published().order_by("-publish_at", "-pk").values("pk")[:TOPIC_WINDOW]

    def due(self, now=None):
        """Scheduled briefings whose time has come: public already, not yet marked published."""
        return self.filter(status=Briefing.Status.SCHEDULED, publish_at__lte=now or timezone.now())

    def coming_due(self, horizon, now=None):
        """Scheduled briefings due within `horizon` whose publish task is not enqueued yet."""
        now = now or timezone.now()
        return self.filter(status=Briefing.Status.SCHEDULED, publish_at__lte=now + horizon).exclude(
            enqueued_for=F("publish_at")
        )

    def mark_enqueued(self):
        """Record that these briefings' publish tasks are enqueued, for their current time."""
        return self.update(enqueued_for=F("publish_at"))

    def visible_to(self, user):
        """What a user sees on the desk: everything for editors, their own for writers."""
        if user.has_perm("newsroom.edit_any_briefing"):
            return self
        bylines = Byline.objects.filter(contributor__user=user).values("briefing")
        return self.filter(Q(created_by=user) | Q(pk__in=bylines))

    def publish_due(self, *, publish_at=None, skip_locked=False, via="schedule"):
        """Publish each due briefing here, oldest first, each in its own locked transaction.

        The lock and the re-check under it make this safe to run from any number of workers,
        redelivered messages and sweeps at once: only the first finds the briefing still
        scheduled. `publish_at` restricts it to one schedule (what a task was enqueued for),
        so a rescheduled or cancelled briefing ignores its old messages. Returns the
        Transition records made.
        """
        due = self.due()
        if publish_at is not None:
            due = due.filter(publish_at=publish_at)
        done = []
        for pk in list(due.order_by("publish_at", "pk").values_list("pk", flat=True)):
            with transaction.atomic():
                briefing = due.filter(pk=pk).select_for_update(skip_locked=skip_locked).first()
                if briefing is None:
                    continue
                late = (timezone.now() - briefing.publish_at).total_seconds()
                note = f"Published by {via}, {late:.1f} s late"
                done.append(briefing.transition(Briefing.Status.PUBLISHED, by=None, note=note))
            logger.info(
                "Published briefing %s by %s, %.3f s late",
                pk,
                via,
                late,
                extra={"briefing": pk, "via": via, "publication_lag_seconds": round(late, 3)},
            )
        return done

    def next_visibility_change(self, now=None):
        """When published() will next select differently without any write: a due time or expiry.

        Caches of public pages must not outlive it, or a scheduled briefing would appear late
        and an expired one linger.
        """
        now = now or timezone.now()
        public = [Briefing.Status.SCHEDULED, Briefing.Status.PUBLISHED]
        times = self.filter(status__in=public).aggregate(
            due=models.Min("publish_at", filter=Q(publish_at__gt=now)),
            expiry=models.Min("expires_at", filter=Q(expires_at__gt=now)),
        )
        return min((t for t in times.values() if t), default=None)


class Briefing(models.Model):
    Status = Status  # the workflow's states, with its moves in workflow.py

    class ArticleType(models.TextChoices):
        NEWS = "news", pgettext_lazy("article type", "News")
        ANALYSIS = "analysis", pgettext_lazy("article type", "Analysis")
        BACKGROUND = "background", pgettext_lazy("article type", "Background")

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    dek = models.TextField("summary (dek)", max_length=400, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    # The body rendered once at save (sanitised HTML, and plain text for search snippets,
    # feeds and email), with the renderer's version: a renderer change re-renders.
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    body_renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    article_type = models.CharField(
        max_length=20, choices=ArticleType.choices, default=ArticleType.NEWS
    )
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE, db_index=True
    )
    # A translation is a briefing of its own (slug, workflow, publication time) that points at
    # its original; a translation of a translation points at the original too.
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name="translation of",
    )
    # The original's version this translation was last brought up to date with: set when it
    # is made from the original and when its translator marks it up to date.
    source_version = models.PositiveIntegerField(
        "original's version translated", null=True, blank=True, editable=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("publication time", null=True, blank=True)
    expires_at = models.DateTimeField("expiry time", null=True, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    public_updated_at = models.DateTimeField(
        "updated (shown to readers)", null=True, blank=True, editable=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The publication time a publish task was last enqueued for: the sweep enqueues each
    # schedule once as it comes near, and a new time (a reschedule) gets a fresh task.
    enqueued_for = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_note = models.TextField(blank=True)
    contributors = models.ManyToManyField(
        Contributor, through=Byline, blank=True, related_name="briefings", verbose_name="byline"
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
    lead_image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_for",
        help_text="Shown at the top, on cards, in social cards and in digests.",
    )
    # The images the body places with ![alt](image:ID), kept in step with the body on save:
    # what a published briefing shows is what readers may fetch.
    body_images = models.ManyToManyField(
        Image, blank=True, related_name="in_bodies", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # search_vector without the body (weights A and B): results are ranked on it, since ranking
    # thousands of matches on full bodies' vectors cost more than finding them.
    rank_vector = SearchVectorField(null=True, editable=False)
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
            # One per language: a search reads each language's matches off its own index,
            # with no row of the other language to recheck (see SearchableQuerySet.search).
            GinIndex(
                fields=["search_vector"],
                name="briefing_search_en_idx",
                condition=Q(language="en"),
            ),
            GinIndex(
                fields=["search_vector"],
                name="briefing_search_fr_idx",
                condition=Q(language="fr"),
            ),
            # for_language()'s test for a public version in the reader's language, read off
            # this index alone: a search page ran it over every briefing's row (20 ms).
            models.Index(
                fields=["language", "translation_of"],
                include=["status", "publish_at", "expires_at"],
                name="briefing_versions_idx",
            ),
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
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")), name="briefing_not_own_translation"
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="briefing_one_translation_per_language"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        """Every save that writes the body renders it: pages read the stored HTML."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html, self.body_text, self.body_renderer_version = self.render_body()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *RENDERED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The page under its own language's prefix, whatever language is active."""
        with override(self.language):
            return slug_path("newsroom:detail", self.slug)

    def render_body(self):
        """The body rendered in its own language: images it places bring their caption in it,
        whatever language the editor's admin speaks."""
        with override(self.language):
            return richtext.render(self.body)

    def clean(self):
        """A translation group is one original and at most one translation per other language."""
        super().clean()
        if self.translation_of_id is None:
            clashing = self.pk and self.translations.filter(language=self.language)
            if clashing and clashing.exists():
                raise ValidationError(
                    {
                        "language": _(
                            "This briefing has a translation in that language already: an "
                            "original and its translations each have a language of their own."
                        )
                    }
                )
            return
        original = self.translation_of
        if original.translation_of_id is not None:
            # A translation of a translation is a translation of the original.
            original = self.translation_of = original.translation_of
        if original.pk == self.pk:
            raise ValidationError(
                {"translation_of": _("A briefing cannot be a translation of itself.")}
            )
        if self.pk and self.translations.exists():
            raise ValidationError(
                {
                    "translation_of": _(
                        "This briefing has translations of its own: it is an original and "
                        "cannot become a translation. Link its translations to the other "
                        "original first."
                    )
                }
            )
        if original.language == self.language:
            raise ValidationError(
                {
                    "language": _(
                        "A translation is in another language than its original (%(language)s)."
                    )
                    % {"language": language_name(original.language)}
                }
            )
        if original.translations.filter(language=self.language).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "translation_of": _("“%(original)s” already has a translation in %(language)s.")
                    % {"original": original, "language": language_name(self.language)}
                }
            )

    # The translation group: the original and its translations, one per language.

    @property
    def original_id(self):
        return self.translation_of_id or self.pk

    def translation_group(self):
        """Every version of this briefing, this one included, in any state."""
        root = self.original_id
        return Briefing.objects.filter(Q(pk=root) | Q(translation_of=root))

    def translations_public(self, now=None):
        """The other versions readers may open, by language: what the page links to."""
        return (
            self.translation_group()
            .published(now)
            .exclude(pk=self.pk)
            .only("slug", "language", "headline")
            .order_by("language")
        )

    def translation_in(self, language):
        """The group's version in `language`, whatever its state, or None."""
        if language == self.language:
            return self
        return self.translation_group().filter(language=language).first()

    @property
    def original_changed_since_translation(self):
        """with_translation_state()'s `behind`, for this briefing as saved."""
        if self.translation_of_id is None:
            return False
        rows = Briefing.objects.filter(pk=self.pk).with_translation_state()
        return rows.values_list("behind", flat=True).get()

    def mark_up_to_date(self):
        """Record that this translation follows its original's current version.

        Written around save(): the translation's own text did not change, so its version does
        not move and nobody's open form goes stale.
        """
        version = Briefing.objects.values_list("version", flat=True).get(pk=self.translation_of_id)
        Briefing.objects.filter(pk=self.pk).update(source_version=version)
        self.source_version = version
        return version

    def translate(self, language, *, by=None):
        """A new draft translation into `language`, prefilled from the original, saved with
        its first revision. Raises ValidationError if the group has that language already."""
        original = self.translation_of if self.translation_of_id else self
        with transaction.atomic():
            translation = Briefing(
                headline=original.headline,
                slug=original.free_slug(f"{original.slug}-{language}"),
                dek=original.dek,
                body=original.body,
                article_type=original.article_type,
                language=language,
                translation_of=original,
                source_version=original.version,
                lead_image_id=original.lead_image_id,
                created_by=by,
            )
            translation.full_clean(exclude=["slug"])
            translation.save()
            translation.tags.set(original.tags.names())
            translation.actors.set(original.actors.all())
            translation.agreements.set(original.agreements.all())
            translation.events.set(original.events.all())
            KeyFigure.objects.bulk_create(
                KeyFigure(
                    briefing=translation,
                    **{f: getattr(row, f) for f in KeyFigure.COPIED},
                )
                for row in original.key_figures.all()
            )
            Source.objects.bulk_create(
                Source(briefing=translation, **{f: getattr(row, f) for f in Source.COPIED})
                for row in original.sources.all()
            )
            translation.save_revision(by, note=f"Translated from “{original}”")
        return translation

    @staticmethod
    def free_slug(wanted):
        """`wanted`, or `wanted-2`, `wanted-3`…: the first no briefing holds."""
        wanted = wanted[:190]
        taken = set(Briefing.objects.filter(slug__startswith=wanted).values_list("slug", flat=True))
        slug, n = wanted, 1
        while slug in taken:
            n += 1
            slug = f"{wanted}-{n}"
        return slug

    @property
    def rendered_body(self):
        """The stored body HTML; rendered again (and stored) if an older renderer made it.

        A row written around save() (COPY, update()) or before a renderer change is caught
        here, so no page ever shows a stale rendering; `manage.py rerender_bodies` does all
        of them at once after a deploy.
        """
        if self.body_renderer_version != richtext.RENDERER_VERSION:
            self.body_html, self.body_text, self.body_renderer_version = self.render_body()
            Briefing.objects.filter(pk=self.pk, body=self.body).update(
                **{field: getattr(self, field) for field in RENDERED_FIELDS}
            )
        return mark_safe(self.body_html)  # noqa: S308 - sanitised by richtext at rendering

    @cached_property
    def table_of_contents(self):
        """The body's h2/h3 subheads (level, id, text) when there are TOC_MIN_HEADINGS or
        more, else []: read from the stored HTML, so the page costs no query more."""
        entries = richtext.outline(self.rendered_body)
        return entries if len(entries) >= TOC_MIN_HEADINGS else []

    @property
    def reading_minutes(self):
        """Minutes a reader needs for the body, at READING_WORDS_PER_MINUTE (at least one)."""
        self.rendered_body  # noqa: B018 - brings a stale body_text up to date
        words = len(self.body_text.split())
        return max(1, round(words / READING_WORDS_PER_MINUTE))

    def is_author(self, user):
        return user.pk is not None and (
            self.created_by_id == user.pk
            or self.byline_rows.filter(contributor__user_id=user.pk).exists()
        )

    def byline(self, fresh=False):
        """The contributors in byline order: prefetched by listed() and the detail querysets
        into `contributor_list`, else (or if `fresh`, as a snapshot must be) one query."""
        if hasattr(self, "contributor_list") and not fresh:
            return self.contributor_list
        return list(self.contributors.order_by("credits__position", "credits__pk"))

    def can_edit(self, user):
        """Editors edit anything; a writer edits their own drafts only.

        Once submitted, the text is what the editor is reviewing, so it is frozen for its
        writer, who can take it back to draft to change it.
        """
        if user.has_perm("newsroom.edit_any_briefing"):
            return True
        return (
            user.has_perm("newsroom.change_briefing")
            and self.status == self.Status.DRAFT
            and self.is_author(user)
        )

    def valid_moves(self, now=None):
        """Where the workflow allows this briefing to go now, whoever asks."""
        now = now or timezone.now()
        moves = {to for (frm, to) in MOVES if frm == self.status}
        if self.status == self.Status.SCHEDULED and self.publish_at <= now:
            # Already public: it can only be marked published or withdrawn.
            moves &= {self.Status.PUBLISHED, self.Status.WITHDRAWN}
        return moves

    def may_move(self, user, to_status):
        """Whether `user` (None: the system) may make the move, if the workflow allows it."""
        move = MOVES.get((self.status, to_status))
        if move is None or user is None:
            return move is not None
        if move.role == "editor":
            return user.has_perm("newsroom.publish_briefing")
        return user.has_perm("newsroom.edit_any_briefing") or (
            user.has_perm("newsroom.change_briefing") and self.is_author(user)
        )

    def allowed_moves(self, user, now=None):
        """The moves `user` may make now: what the admin offers as buttons."""
        return {to for to in self.valid_moves(now) if self.may_move(user, to)}

    def transition(
        self,
        to_status,
        *,
        by,
        note="",
        publish_at=None,
        expires_at=None,
        expected_version=None,
    ):
        """Move the briefing through the workflow: the one place that checks, records, triggers.

        `by` is the acting user, or None for the system (the scheduler). Times left as None
        keep their current value. Raises PermissionDenied if `by` may not make the move,
        ValidationError if the move or its times are invalid, EditConflict if
        `expected_version` is given and stale. Locks the row, records a Transition, bumps
        `version`. A publication records its side effects as an Outbox entry in the same
        transaction, which the dispatcher performs (sending `briefing_published`) whether or
        not the broker is reachable now; a scheduling sends `briefing_scheduled` after commit.
        A move someone must hear of (notices.py: review emails) records its own entry.
        """
        with transaction.atomic():
            current = Briefing.objects.select_for_update().get(pk=self.pk)
            if expected_version is not None and current.version != expected_version:
                raise EditConflict(
                    f"This briefing was changed by someone else (version {current.version}, "
                    f"you started from version {expected_version})."
                )
            now = timezone.now()
            from_status = current.status
            if to_status not in current.valid_moves(now):
                raise ValidationError(
                    f"A briefing that is {current.get_status_display().lower()} cannot be "
                    f"moved to {dict(Briefing.Status.choices).get(to_status, to_status)}."
                )
            if not current.may_move(by, to_status):
                raise PermissionDenied("You may not make this move.")
            apply_move(current, to_status, now, note, publish_at, expires_at)
            current.version += 1
            current.save(
                update_fields=[
                    "status",
                    "publish_at",
                    "expires_at",
                    "first_published_at",
                    "withdrawn_at",
                    "withdrawal_note",
                    "version",
                    "updated_at",
                ]
            )
            record = Transition.objects.create(
                briefing=current,
                from_status=from_status,
                to_status=to_status,
                by=by,
                at=now,
                note=note,
            )
            if to_status == self.Status.SCHEDULED:
                transaction.on_commit(current._schedule, robust=True)
            elif to_status == self.Status.PUBLISHED:
                current.outbox_entries.create(
                    kind=Outbox.Kind.BRIEFING_PUBLISHED, published_at=current.publish_at
                )
            if notified(current, from_status, to_status, by):
                current.outbox_entries.create(kind=Outbox.Kind.REVIEW_NOTICE, published_at=now)
        for field in ("status", "publish_at", "expires_at", "first_published_at", "version"):
            setattr(self, field, getattr(current, field))
        self.withdrawn_at, self.withdrawal_note = current.withdrawn_at, current.withdrawal_note
        return record

    def _schedule(self):
        briefing_scheduled.send(sender=Briefing, briefing=self, publish_at=self.publish_at)

    def is_public(self, now=None):
        now = now or timezone.now()
        return (
            self.status in (self.Status.SCHEDULED, self.Status.PUBLISHED)
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    def snapshot(self):
        """The full content as plain data: what a revision keeps and a restore puts back."""
        return {field.key: field.dump(self) for field in REVISIONED_FIELDS}

    def save_revision(self, by=None, note="", data=None):
        """Keep the current content as the next revision; the row lock numbers revisions safely."""
        with transaction.atomic():
            Briefing.objects.select_for_update().filter(pk=self.pk).values_list("pk").get()
            last = self.revisions.values_list("number", flat=True).first() or 0
            return self.revisions.create(
                number=last + 1,
                version=self.version,
                created_by=by,
                data=self.snapshot() if data is None else data,
                note=note,
            )

    def pin_revision(self, to_status, by=None):
        """Mark the revision readers get on scheduling or publication, so pruning keeps it."""
        data = self.snapshot()
        revision = self.revisions.first()
        if revision is None or revision.data != data:
            revision = self.save_revision(by, note=f"Content when {to_status}", data=data)
        flag = "published" if to_status == self.Status.PUBLISHED else "scheduled"
        Revision.objects.filter(pk=revision.pk).update(**{flag: True})
        return revision

    def check_version(self, expected_version):
        """Lock the row and refuse a write based on an older version.

        The lock lasts until the surrounding transaction commits, so of two saves that
        started from the same version exactly one passes.
        """
        current = (
            Briefing.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", flat=True)
            .get()
        )
        if current != expected_version:
            raise EditConflict(
                f"This briefing was changed by someone else (version {current}, "
                f"you started from version {expected_version})."
            )
        return current

    def conflict_with(self, base_version):
        """What others saved since `base_version`: the revision it saw against the latest."""
        current = Briefing.objects.values_list("version", flat=True).get(pk=self.pk)
        revisions = self.revisions.select_related("created_by")
        theirs = revisions.first()
        base = revisions.filter(version__lte=base_version).first()
        changes = []
        if theirs is not None and (base is None or base.pk != theirs.pk):
            # With no revision from before, their whole save is what is new.
            changes = [f for f in (base or Revision(data={})).compare(theirs) if f["changed"]]
        return {"current_version": current, "base": base, "theirs": theirs, "changes": changes}

    def delete(self, *args, by=None, **kwargs):
        """Published work is withdrawn, not deleted; a superuser's deletion leaves a record."""
        was_public = self.first_published_at is not None or self.status in (
            self.Status.SCHEDULED,
            self.Status.PUBLISHED,
            self.Status.WITHDRAWN,
        )
        if was_public and not (by is not None and by.is_superuser):
            raise PermissionDenied(
                "A briefing that has been scheduled or published cannot be deleted; "
                "withdraw it instead."
            )
        with transaction.atomic():
            BriefingDeletion.objects.create(
                briefing_pk=self.pk,
                headline=self.headline,
                slug=self.slug,
                status=self.status,
                deleted_by=by,
                data=self.snapshot(),
            )
            return super().delete(*args, **kwargs)


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
    value = models.CharField(
        max_length=40,
        help_text="As printed, e.g. “€150 billion”, “1.37%”: shown when no amount is given.",
    )
    # The same figure as data, printed in each reader's language (« 150 milliards d'euros »).
    amount = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Optional: the number, e.g. 150 for “€150 billion”.",
    )
    currency = models.CharField(
        max_length=3, blank=True, choices=figures.CURRENCIES, help_text="ISO 4217 code."
    )
    scale = models.CharField(max_length=10, blank=True, choices=figures.SCALES)
    unit = models.CharField(max_length=60, blank=True, help_text="E.g. “of GDP”.")
    source = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    # What a translation starts from (Briefing.translate()).
    COPIED = ("label", "value", "amount", "currency", "scale", "unit", "source", "position")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | (Q(currency="") & Q(scale="")),
                name="keyfigure_currency_scale_need_amount",
            )
        ]

    def __str__(self):
        return f"{self.label}: {self.value} {self.unit}".strip()

    def clean(self):
        super().clean()
        if self.amount is None and (self.currency or self.scale):
            raise ValidationError(
                {"amount": _("Give the amount that the currency or scale applies to.")}
            )

    def display_value(self):
        """The figure in the active language when it is given as data, else as printed."""
        if self.amount is None:
            return self.value
        return figures.format_amount(self.amount, self.currency, self.scale)


class Source(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=500, blank=True)
    publisher = models.CharField(max_length=120, blank=True)
    published_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    COPIED = ("title", "url", "publisher", "published_on", "position")

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

    def save(self, *args, **kwargs):
        """Scheduling and publication pin the revision readers get, whatever route moved it."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding and self.to_status in (Briefing.Status.SCHEDULED, Briefing.Status.PUBLISHED):
            self.briefing.pin_revision(self.to_status, by=self.by)


class Correction(models.Model):
    """A public note on a published briefing: a correction, a clarification or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", pgettext_lazy("correction kind", "Correction")
        CLARIFICATION = "clarification", pgettext_lazy("correction kind", "Clarification")
        UPDATE = "update", pgettext_lazy("correction kind", "Update")

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


class BriefingDeletion(models.Model):
    """What a deleted briefing was, who deleted it and when: the record outlives the row."""

    briefing_pk = models.BigIntegerField(db_index=True)
    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    status = models.CharField(max_length=20, choices=Briefing.Status.choices)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    deleted_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(help_text="The briefing's last content.")

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"{self.headline} (deleted {self.deleted_at:%Y-%m-%d})"
