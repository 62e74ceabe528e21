"""Uploads checked by content and cleaned; renditions cut around the focal point.

Nothing here trusts a file's name or declared type: Pillow reads the header, the pixel count is
checked before any pixel is decoded (a decompression bomb is refused on its header), the file is
verified, then decoded once, turned upright by its EXIF orientation and written again without
any metadata (no GPS, no camera serial, no script hidden in a comment chunk).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError, features

# Formats accepted on upload, by what Pillow finds in the file; the names they may carry.
ACCEPTED = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
if features.check("avif"):
    ACCEPTED["AVIF"] = ("avif",)
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
ACCEPTED_LABEL = ", ".join(ACCEPTED)

# What renditions are encoded as: the modern formats first, JPEG for everything else (email).
MODERN = ["avif", "webp"] if features.check("avif") else ["webp"]
ENCODE = {
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "avif": {"format": "AVIF", "quality": 60, "speed": 8},
}
MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif", "png": "image/png"}


def refuse(message, code):
    raise ValidationError(message, code=code)


@dataclass(frozen=True)
class Cleaned:
    content: bytes
    format: str  # Pillow's name: JPEG, PNG, WEBP, AVIF
    width: int
    height: int
    checksum: str

    @property
    def extension(self):
        return EXTENSION[self.format]


def clean_upload(upload):
    """The upload as bytes we are willing to store, or a ValidationError saying why not."""
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size == 0:
        refuse("The file is empty (0 bytes).", "empty")
    if size is not None and size > limit:
        refuse(f"The file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB.", "too_big")
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        refuse("The file is empty (0 bytes).", "empty")
    if len(data) > limit:
        refuse(f"The file is larger than the {limit / 1e6:.0f} MB limit.", "too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(io.BytesIO(data))
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        refuse(
            f"The image has far too many pixels; the limit is "
            f"{settings.IMAGE_MAX_PIXELS / 1e6:.0f} megapixels.",
            "too_many_pixels",
        )
    except (UnidentifiedImageError, OSError, ValueError):
        refuse(
            f"This is not an image we accept: upload a {ACCEPTED_LABEL} file. SVG and other "
            "vector or document formats are refused, as they can carry scripts.",
            "not_image",
        )
    if probe.format not in ACCEPTED:
        refuse(
            f"{probe.format} images are not accepted: upload a {ACCEPTED_LABEL} file.",
            "format",
        )
    width, height = probe.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        refuse(
            f"The image is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {settings.IMAGE_MAX_PIXELS / 1e6:.0f} megapixels.",
            "too_many_pixels",
        )
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED[probe.format]:
        refuse(
            f"This file is a {probe.format} image but its name ends in “.{extension}”: "
            "a file whose name hides its type is refused. Rename it and upload it again.",
            "mismatch",
        )
    try:
        probe.verify()
        image = PILImage.open(io.BytesIO(data))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (PILImage.DecompressionBombError, OSError, ValueError, SyntaxError):
        refuse("The image is damaged or truncated and cannot be read.", "damaged")
    content = encode_original(image, probe.format)
    return Cleaned(
        content=content,
        format=probe.format,
        width=image.width,
        height=image.height,
        checksum=hashlib.sha256(content).hexdigest(),
    )


def encode_original(image, fmt):
    """The image written again in its own format with no metadata at all (EXIF, XMP, text)."""
    out = io.BytesIO()
    if fmt == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        image.save(out, "JPEG", quality=92, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=92)
    else:
        image.save(out, fmt, quality=80)
    return out.getvalue()


def crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of `ratio` (w/h) inside the image, centred on the focal point as far as
    the edges allow."""
    if ratio is None:
        return (0, 0, width, height)
    if width / height > ratio:
        box_w, box_h = round(height * ratio), height
    else:
        box_w, box_h = width, round(width / ratio)
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def load(source):
    """The stored original, decoded once for all the renditions made from it."""
    image = PILImage.open(source)
    image.load()
    return image


def render(image, *, ratio, width, fmt, focal=(0.5, 0.5)):
    """Encode one rendition of a loaded image: crop to `ratio`, scale to `width` (never up),
    encode as `fmt`. Returns (bytes, width, height).
    """
    return render_set(image, ratio=ratio, sizes=[(width, fmt)], focal=focal)[(width, fmt)]


def render_set(image, *, ratio, sizes, focal=(0.5, 0.5)):
    """Several renditions of one crop: {(width, fmt): (bytes, width, height)}.

    The crop is scaled once to the largest width and each smaller width is scaled from the
    last, so a 24-megapixel original is resampled once, not once per rendition; each scaled
    image is encoded in every format asked for it.
    """
    cropped = image.crop(crop_box(image.width, image.height, ratio, *focal))
    out, current = {}, cropped
    for width in sorted({w for w, _ in sizes}, reverse=True):
        target_w = min(width, cropped.width)
        target_h = max(1, round(cropped.height * target_w / cropped.width))
        if (target_w, target_h) != current.size:
            current = current.resize(
                (target_w, target_h), PILImage.Resampling.LANCZOS, reducing_gap=3.0
            )
        for fmt in [f for w, f in sizes if w == width]:
            out[(width, fmt)] = encode(current, fmt)
    return out


def encode(image, fmt):
    if fmt == "jpeg" and image.mode != "RGB":
        image = flatten(image)
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    out = io.BytesIO()
    image.save(out, **ENCODE[fmt])
    return out.getvalue(), image.width, image.height


def flatten(image):
    """Transparent images onto white for JPEG."""
    rgba = image.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
