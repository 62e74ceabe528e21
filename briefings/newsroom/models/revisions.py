"""Revisions: a full snapshot of a briefing's content at every save, to compare and restore."""

import difflib
import itertools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event


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
        briefings = self._meta.get_field("briefing").related_model.objects
        with transaction.atomic():
            briefing = briefings.select_for_update().get(pk=self.briefing_id)
            if expected_version is not None:
                briefing.check_version(expected_version)
            for field in ("headline", "dek", "body", "article_type"):
                setattr(briefing, field, data[field])
            briefing.version += 1
            briefing.save()
            briefing.tags.set(data["tags"])
            for name, model in (("actors", Actor), ("agreements", Agreement), ("events", Event)):
                wanted = [pk for pk, _ in data[name]]
                getattr(briefing, name).set(model.objects.filter(pk__in=wanted))
            briefing.authors.set(
                get_user_model().objects.filter(pk__in=[pk for pk, _ in data["authors"]])
            )
            for name in ("key_figures", "sources"):
                rows = getattr(briefing, name)
                rows.all().delete()
                rows.model.objects.bulk_create(
                    rows.model(briefing=briefing, **row) for row in data[name]
                )
            return briefing.save_revision(by, note=f"Restored revision {self.number}")

    @staticmethod
    def readable(data):
        """A snapshot as labelled lines of text, the unit a reader compares."""
        names = lambda key: [name for _, name in data.get(key, [])]  # noqa: E731
        text = lambda key: data.get(key) or ""  # noqa: E731
        return [
            ("Headline", [text("headline")]),
            ("Address", [text("slug")]),
            ("Summary (dek)", text("dek").splitlines()),
            ("Body", text("body").splitlines()),
            ("Article type", [text("article_type")]),
            ("Status", [text("status")]),
            ("Publication time", [text("publish_at") or "—"]),
            ("Expiry time", [text("expires_at") or "—"]),
            ("Tags", data.get("tags", [])),
            ("Byline", names("authors")),
            ("Actors", names("actors")),
            ("Agreements", names("agreements")),
            ("Events", names("events")),
            (
                "Key figures",
                [
                    f"{k['label']}: {k['value']} {k['unit']}".strip()
                    + (f" ({k['source']})" if k["source"] else "")
                    for k in data.get("key_figures", [])
                ],
            ),
            (
                "Sources",
                [
                    " — ".join(filter(None, [s["title"], s["publisher"], s["url"]]))
                    for s in data.get("sources", [])
                ],
            ),
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
