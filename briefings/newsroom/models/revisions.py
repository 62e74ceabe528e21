"""Revisions: a full snapshot of a briefing's content at every save, to compare and restore.

REVISIONED_FIELDS is the one list of what a snapshot holds, how each field is shown as lines
of text for reading and diffs, and which fields a restore puts back.
"""

import datetime
import difflib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models.contributors import Byline, Contributor


@dataclass(frozen=True)
class RevisionedField:
    key: str  # in the snapshot
    label: str
    dump: Callable  # briefing -> plain data for the snapshot
    lines: Callable | None  # snapshot value (None if absent) -> lines shown; None: not shown
    restore: Callable | None = None  # (briefing, value); None: a restore leaves it as it is
    related: bool = False  # set once the restored briefing is saved: a relation needs its row


def one_line(value):
    return [value or ""]


def text_lines(value):
    return (value or "").splitlines()


def time_line(value):
    return [value or "—"]


def plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def content(key, label, lines=one_line):
    """The briefing's own text: kept, shown, put back by a restore."""

    def restore(briefing, value):
        setattr(briefing, key, value)

    return RevisionedField(key, label, lambda b: getattr(b, key), lines, restore)


def owned_by_workflow(key, label, lines=one_line):
    """What the workflow owns (address, state, times): a published address must not move."""
    return RevisionedField(key, label, lambda b: plain(getattr(b, key)), lines)


def linked(key, label, name=str):
    """Linked objects as [pk, name] pairs; a restore relinks those that still exist."""

    def restore(briefing, value):
        manager = getattr(briefing, key)
        manager.set(manager.model.objects.filter(pk__in=[pk for pk, _ in value]))

    return RevisionedField(
        key,
        label,
        lambda b: [[obj.pk, name(obj)] for obj in getattr(b, key).all()],
        lambda value: [shown for _, shown in value or []],
        restore,
        related=True,
    )


def rows(key, label, columns, line):
    """The briefing's own rows (key figures, sources); a restore replaces them all."""

    def restore(briefing, value):
        manager = getattr(briefing, key)
        manager.all().delete()
        manager.model.objects.bulk_create(manager.model(briefing=briefing, **row) for row in value)

    return RevisionedField(
        key,
        label,
        lambda b: [{c: plain(getattr(row, c)) for c in columns} for row in getattr(b, key).all()],
        lambda value: [line(row) for row in value or []],
        restore,
        related=True,
    )


def key_figure_line(k):
    return f"{k['label']}: {k['value']} {k['unit']}".strip() + (
        f" ({k['source']})" if k["source"] else ""
    )


def source_line(s):
    return " — ".join(filter(None, [s["title"], s["publisher"], s["url"]]))


def restore_tags(briefing, value):
    briefing.tags.set(value)


def restore_byline(briefing, value):
    """The byline in its order, with the contributors that still exist."""
    exist = set(
        Contributor.objects.filter(pk__in=[pk for pk, _ in value]).values_list("pk", flat=True)
    )
    briefing.byline_rows.all().delete()
    Byline.objects.bulk_create(
        Byline(briefing=briefing, contributor_id=pk, position=n)
        for n, (pk, _) in enumerate(p for p in value if p[0] in exist)
    )


REVISIONED_FIELDS = (
    content("headline", "Headline"),
    owned_by_workflow("slug", "Address"),
    content("dek", "Summary (dek)", text_lines),
    content("body", "Body", text_lines),
    content("article_type", "Article type"),
    owned_by_workflow("status", "Status"),
    owned_by_workflow("publish_at", "Publication time", time_line),
    owned_by_workflow("expires_at", "Expiry time", time_line),
    # Kept with the content (a deletion's record too), but not shown in revisions or diffs.
    owned_by_workflow("withdrawal_note", "Withdrawal note", lines=None),
    RevisionedField(
        "tags",
        "Tags",
        lambda b: sorted(b.tags.names(), key=str.casefold),
        lambda value: value or [],
        restore_tags,
        related=True,
    ),
    RevisionedField(
        "contributors",
        "Byline",
        lambda b: [[c.pk, c.name] for c in b.byline(fresh=True)],
        lambda value: [name for _, name in value or []],
        restore_byline,
        related=True,
    ),
    linked("actors", "Actors"),
    linked("agreements", "Agreements"),
    linked("events", "Events"),
    rows(
        "key_figures",
        "Key figures",
        ["label", "value", "amount", "currency", "scale", "unit", "source", "position"],
        key_figure_line,
    ),
    rows(
        "sources", "Sources", ["title", "url", "publisher", "published_on", "position"], source_line
    ),
)


class RevisionQuerySet(models.QuerySet):
    def prunable(self, before):
        """Revisions older than `before` that nobody needs: not pinned, not a briefing's latest."""
        newer = Revision.objects.filter(
            briefing=models.OuterRef("briefing"), number__gt=models.OuterRef("number")
        )
        return self.filter(
            models.Exists(newer), created_at__lt=before, published=False, scheduled=False
        )


class Revision(models.Model):
    """A full snapshot of a briefing's content, taken at every save."""

    briefing = models.ForeignKey(
        "newsroom.Briefing", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    data = models.JSONField()
    note = models.CharField(max_length=255, blank=True)
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The briefing's version this revision captured."
    )
    published = models.BooleanField(
        default=False, help_text="Current when the briefing was published; pruning keeps it."
    )
    scheduled = models.BooleanField(
        default=False, help_text="Current when the briefing was scheduled; pruning keeps it."
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            # Its index, scanned backwards, also serves "latest revisions of a briefing".
            models.UniqueConstraint(fields=["briefing", "number"], name="revision_unique_number")
        ]
        indexes = [models.Index(fields=["created_at"], name="revision_created_idx")]

    def __str__(self):
        return f"{self.briefing} — revision {self.number}"

    def get_absolute_url(self):
        return reverse("admin:newsroom_briefing_revision", args=[self.briefing_id, self.number])

    def restore(self, by=None, expected_version=None):
        """Put this revision's content back as a new revision; nothing is overwritten.

        Slug, status and times stay as they are: the workflow owns them, and a published
        address must not move.
        """
        data = self.data
        restored = [field for field in REVISIONED_FIELDS if field.restore]
        briefings = self._meta.get_field("briefing").related_model.objects
        with transaction.atomic():
            briefing = briefings.select_for_update().get(pk=self.briefing_id)
            if expected_version is not None:
                briefing.check_version(expected_version)
            for field in restored:
                if not field.related:
                    field.restore(briefing, data[field.key])
            briefing.version += 1
            briefing.save()
            for field in restored:
                if field.related:
                    field.restore(briefing, data[field.key])
            return briefing.save_revision(by, note=f"Restored revision {self.number}")

    @staticmethod
    def readable(data):
        """A snapshot as labelled lines of text, the unit a reader compares."""
        return [
            (field.label, field.lines(data.get(field.key)))
            for field in REVISIONED_FIELDS
            if field.lines
        ]

    def compare(self, other):
        """Side-by-side rows (left, right, change) per field, from this revision to `other`.

        Values stay plain text; the template escapes them.
        """
        fields = []
        for (label, old), (_, new) in zip(
            self.readable(self.data), self.readable(other.data), strict=True
        ):
            rows = []
            matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    rows += [(line, line, "equal") for line in old[i1:i2]]
                    continue
                for a, b in itertools.zip_longest(old[i1:i2], new[j1:j2]):
                    kind = "added" if a is None else "removed" if b is None else "changed"
                    rows.append((a, b, kind))
            fields.append({"label": label, "rows": rows, "changed": old != new})
        return fields
