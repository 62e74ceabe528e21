"""Uploads are judged by their content: hostile files are refused with a clear message and
nothing is stored; what is stored has no metadata left."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from briefings.images.models import Image
from tests.factories import editor, image_bytes

pytestmark = pytest.mark.django_db

SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)">
  <script>alert(document.cookie)</script><rect width="100" height="100" fill="red"/>
</svg>"""


def png_header_only(width, height):
    """A PNG whose header claims `width` × `height`: a decompression bomb's calling card."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps():
    """A JPEG shot sideways (EXIF orientation 6) with GPS coordinates and a camera serial."""
    picture = PILImage.new("RGB", (400, 200), (200, 30, 30))
    exif = PILImage.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def post(client, name, content, **fields):
    data = {
        "title": "Upload",
        "alt_text": "A red square.",
        "caption": "",
        "credit": "Briefing Desk",
        "licence": "CC BY 4.0",
        "source_url": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post("/admin/images/image/add/", data)


@pytest.fixture
def desk(client):
    client.force_login(editor())
    return client


def stored_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def refused(response, settings, fragment):
    assert response.status_code == 200, "the form comes back with its error, never a 500"
    errors = str(response.context["adminform"].form.errors)
    assert fragment in errors, errors
    assert not Image.objects.exists()
    assert stored_files(settings) == []


def test_an_svg_is_refused_as_it_can_carry_scripts(desk, settings):
    refused(post(desk, "map.svg", SVG), settings, "SVG")


def test_an_svg_renamed_png_is_refused_too(desk, settings):
    refused(post(desk, "map.png", SVG), settings, "not an image we accept")


def test_a_png_with_a_script_payload_renamed_jpg_is_refused(desk, settings):
    payload = image_bytes("PNG", (50, 50)) + b"<script>alert(1)</script>"
    refused(post(desk, "holiday.jpg", payload), settings, "PNG image but its name ends in “.jpg”")


def test_an_empty_file_is_refused(desk, settings):
    refused(post(desk, "empty.png", b""), settings, "empty")


def test_a_file_over_the_size_limit_is_refused(desk, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10_000
    big = image_bytes("PNG", (600, 600), compress_level=0)
    assert len(big) > 10_000
    refused(post(desk, "big.png", big), settings, "limit is")


@pytest.mark.parametrize("side", [10_000, 100_000], ids=["over-our-limit", "pillow-bomb"])
def test_a_decompression_bomb_is_refused_on_its_header(desk, settings, side):
    bomb = png_header_only(side, side)
    assert len(bomb) < 2_000
    refused(post(desk, "bomb.png", bomb), settings, "megapixels")


def test_a_truncated_image_is_refused(desk, settings):
    refused(post(desk, "cut.png", image_bytes("PNG", (300, 300))[:400]), settings, "damaged")


def test_alt_text_credit_and_licence_are_required(desk, settings):
    response = post(desk, "ok.png", image_bytes(), alt_text="", credit="", licence="")
    errors = response.context["adminform"].form.errors
    assert {"alt_text", "credit", "licence"} <= set(errors)
    assert not Image.objects.exists()


def test_exif_is_stripped_after_orientation_is_applied(desk, settings):
    response = post(desk, "phone.jpg", jpeg_with_gps())
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    image = Image.objects.get()
    assert (image.width, image.height) == (200, 400), "turned upright before EXIF went"
    stored = image.file.read()
    assert b"SERIAL-12345" not in stored and b"Exif" not in stored
    reopened = PILImage.open(io.BytesIO(stored))
    assert reopened.format == "JPEG"
    assert not reopened.getexif()
    assert reopened.size == (200, 400)
    assert image.file.name.startswith("images/originals/") and "phone" not in image.file.name


@pytest.mark.parametrize("fmt,name", [("PNG", "a.png"), ("WEBP", "a.webp"), ("JPEG", "a.jpeg")])
def test_each_accepted_format_is_stored(desk, fmt, name):
    response = post(desk, name, image_bytes(fmt, (320, 200)))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.format == fmt and (image.width, image.height) == (320, 200)
    assert len(image.checksum) == 64
