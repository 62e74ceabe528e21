"""The image library: originals cleaned on upload, renditions made once and kept.

An image is public only when it is marked public or used by a published briefing (the site
checks that through the newsroom, which sits above). Rendition addresses carry a keyed hash of
the image, its content and the rendition, so they cannot be guessed, and the files in storage
are named by the same hash, so a storage bucket listed or served by mistake gives nothing away.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from modeltrans.fields import TranslationField

from briefings.images import processing


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float | None  # width / height; None keeps the image's own shape
    widths: tuple
    formats: tuple


# Every rendition there can be; anything else in a URL is a 404, so nobody can make the
# server encode arbitrary sizes.
RATIOS = {
    r.name: r
    for r in [
        Ratio("wide", 16 / 9, (480, 960, 1440), (*processing.MODERN, "jpeg")),  # lead, cards
        Ratio("full", None, (480, 960, 1440), (*processing.MODERN, "jpeg")),  # in the body
        Ratio("social", 1200 / 630, (1200,), ("jpeg",)),  # OpenGraph, Twitter cards
        Ratio("square", 1.0, (160,), ("jpeg",)),  # the admin's thumbnails
    ]
}
# The six the benchmark times: one ratio, three widths, WebP and JPEG.
BENCH_KEYS = [f"wide-{w}.{f}" for w in RATIOS["wide"].widths for f in ("webp", "jpeg")]


def rendition_keys():
    return [f"{r.name}-{w}.{f}" for r in RATIOS.values() for w in r.widths for f in r.formats]


def parse_key(key):
    """(Ratio, width, format) for a valid rendition key such as "wide-960.webp", else None."""
    try:
        stem, fmt = key.split(".")
        name, width = stem.split("-")
        ratio, width = RATIOS[name], int(width)
    except (ValueError, KeyError):
        return None
    if width not in ratio.widths or fmt not in ratio.formats or key != f"{name}-{width}.{fmt}":
        return None
    return ratio, width, fmt


def original_path(instance, filename):
    """Originals are stored under a random name: the uploader's file name says nothing."""
    return f"images/originals/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class ImageQuerySet(models.QuerySet):
    def marked_public(self):
        return self.filter(is_public=True)


class Image(models.Model):
    """A picture the desk may publish, with the credit and licence it must carry."""

    file = models.FileField(upload_to=original_path, max_length=200)
    title = models.CharField(max_length=200, help_text="For the library; readers do not see it.")
    alt_text = models.CharField(
        max_length=300,
        help_text="What the image shows, for readers who cannot see it. Required.",
    )
    caption = models.CharField(max_length=400, blank=True)
    # French alt text and caption (alt_text_fr, caption_fr); alt_text_i18n and caption_i18n
    # give the reader's language, the English where the French is empty.
    i18n = TranslationField(fields=("alt_text", "caption"))
    credit = models.CharField(max_length=200, help_text="E.g. “Briefing Desk” or “Jane Doe/AFP”.")
    licence = models.CharField(max_length=100, help_text="E.g. “CC BY 4.0” or “Licensed, AFP”.")
    source_url = models.URLField(blank=True, help_text="Where the image and its licence are.")
    focal_x = models.FloatField(
        default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    focal_y = models.FloatField(
        default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=10, editable=False)
    checksum = models.CharField(max_length=64, editable=False)
    is_public = models.BooleanField(
        "public before use",
        default=False,
        help_text="Reachable by readers even before a published briefing uses it.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
                violation_error_message="The focal point must lie inside the image (0 to 1).",
            ),
            models.CheckConstraint(
                condition=~Q(alt_text="") & ~Q(credit="") & ~Q(licence=""),
                name="image_alt_credit_licence_required",
                violation_error_message="Alt text, credit and licence are required.",
            ),
            models.CheckConstraint(
                condition=Q(width__gt=0, height__gt=0), name="image_has_dimensions"
            ),
        ]
        indexes = [models.Index(fields=["checksum"], name="image_checksum_idx")]

    def __str__(self):
        return self.title

    def set_content(self, cleaned):
        """Take a cleaned upload (processing.Cleaned) as this image's original."""
        self.file.save(f"upload.{cleaned.extension}", ContentFile(cleaned.content), save=False)
        self.width, self.height = cleaned.width, cleaned.height
        self.format, self.checksum = cleaned.format, cleaned.checksum

    @property
    def credit_line(self):
        return f"{self.credit} ({self.licence})" if self.licence else self.credit

    def signature(self, key):
        """The keyed hash in a rendition's address and file name: unguessable without
        SECRET_KEY, and new whenever the content or focal point changes."""
        value = f"{self.pk}:{self.checksum}:{self.focal_x:.4f}:{self.focal_y:.4f}:{key}"
        return salted_hmac("briefings.images.rendition", value, algorithm="sha256").hexdigest()[:32]

    def check_signature(self, key, signature):
        return constant_time_compare(self.signature(key), signature)

    def rendition_url(self, key):
        return reverse(
            "images:rendition", kwargs={"pk": self.pk, "signature": self.signature(key), "key": key}
        )

    def absolute_url(self, key):
        return settings.SITE_URL + self.rendition_url(key)

    def social_card(self):
        """What OpenGraph and Twitter cards take: an absolute JPEG address, its size, its alt."""
        width, height = self.rendition_size(RATIOS["social"], 1200)
        return {
            "url": self.absolute_url("social-1200.jpeg"),
            "width": width,
            "height": height,
            "alt": self.alt_text_i18n,
        }

    def rendition_size(self, ratio, width):
        """The pixel size a rendition has, computed, so markup needs no rendition rows."""
        left, top, right, bottom = processing.crop_box(
            self.width, self.height, ratio.value, self.focal_x, self.focal_y
        )
        crop_w, crop_h = right - left, bottom - top
        w = min(width, crop_w)
        return w, max(1, round(crop_h * w / crop_w))

    def load_original(self):
        with self.file.open("rb") as source:
            return processing.load(source)

    def storage_name(self, key):
        return f"images/renditions/{self.signature(key)}-{key}"

    def rendition(self, key):
        """The stored rendition for `key`, made now if it is missing (made once: a race
        between two requests ends with one row and one file)."""
        existing = self.renditions.filter(key=key).first()
        if existing is not None:
            return existing
        ratio, width, _ = parse_key(key)
        if default_storage.exists(self.storage_name(key)):
            return self._record(key, *self.rendition_size(ratio, width))
        return self.make_renditions([key])[0]

    def make_renditions(self, keys=None):
        """Every rendition (or those named) not made yet, from one decode of the original and
        one resampling per ratio (processing.render_set)."""
        done = set(self.renditions.values_list("key", flat=True))
        todo = [key for key in keys or rendition_keys() if key not in done]
        if not todo:
            return []
        original = self.load_original()
        by_ratio = {}
        for key in todo:
            ratio, width, fmt = parse_key(key)
            by_ratio.setdefault(ratio, []).append((key, width, fmt))
        made = {}
        for ratio, wanted in by_ratio.items():
            encoded = processing.render_set(
                original,
                ratio=ratio.value,
                sizes=[(width, fmt) for _, width, fmt in wanted],
                focal=(self.focal_x, self.focal_y),
            )
            for key, width, fmt in wanted:
                content, w, h = encoded[(width, fmt)]
                default_storage.save(self.storage_name(key), ContentFile(content))
                made[key] = self._record(key, w, h)
        return [made[key] for key in todo]

    def _record(self, key, width, height):
        try:
            with transaction.atomic():
                return self.renditions.create(
                    key=key, file=self.storage_name(key), width=width, height=height
                )
        except IntegrityError:
            return self.renditions.get(key=key)

    def discard_renditions(self):
        """Forget renditions of an old content or focal point; files go with them."""
        for rendition in self.renditions.all():
            rendition.file.delete(save=False)
        self.renditions.all().delete()


class Rendition(models.Model):
    """One encoded size and format of an image, stored once."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    key = models.CharField(max_length=40)
    file = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "key"], name="rendition_unique_key"),
        ]

    def __str__(self):
        return f"{self.image} {self.key}"

    @property
    def content_type(self):
        return processing.MIME[self.key.rsplit(".", 1)[-1]]
