"""Renditions: the sizes and formats promised, cut around the focal point, made once, served
only for public images and only at their signed addresses."""

import io
import re

import pytest
from PIL import Image as PILImage

from briefings.images import processing
from briefings.images.markup import picture
from briefings.images.models import BENCH_KEYS, RATIOS, Rendition, rendition_keys
from tests.factories import BriefingFactory, DraftFactory, ImageFactory, editor

pytestmark = pytest.mark.django_db


def opened(rendition):
    with rendition.file.open("rb") as f:
        return PILImage.open(io.BytesIO(f.read()))


def test_every_rendition_has_its_format_and_size():
    image = ImageFactory(size=(2000, 1000))
    made = image.make_renditions()
    assert sorted(r.key for r in made) == sorted(rendition_keys())
    expected_format = {"jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF"}
    for rendition in made:
        picture_ = opened(rendition)
        fmt = rendition.key.rsplit(".", 1)[1]
        assert picture_.format == expected_format[fmt]
        assert picture_.size == (rendition.width, rendition.height)
    sizes = {r.key: (r.width, r.height) for r in made}
    assert sizes["wide-480.webp"] == (480, 270)
    assert sizes["wide-1440.jpeg"] == (1440, 810)
    assert sizes["full-960.jpeg"] == (960, 480)
    assert sizes["social-1200.jpeg"] == (1200, 630)
    assert sizes["square-160.jpeg"] == (160, 160)


def test_modern_formats_include_webp_and_avif_when_pillow_has_it():
    assert "webp" in RATIOS["wide"].formats and RATIOS["wide"].formats[-1] == "jpeg"
    from PIL import features

    assert ("avif" in RATIOS["wide"].formats) == features.check("avif")


def test_renditions_are_made_once():
    image = ImageFactory()
    first = image.make_renditions(BENCH_KEYS)
    assert len(first) == 6
    assert image.make_renditions(BENCH_KEYS) == []
    assert image.rendition("wide-480.webp").pk == first[0].pk
    assert Rendition.objects.filter(image=image).count() == 6


def test_a_small_original_is_never_enlarged():
    image = ImageFactory(size=(600, 300))
    assert image.rendition("full-1440.jpeg").width == 600
    markup = str(picture(image, "full"))
    formats = len(RATIOS["full"].formats)
    assert markup.count(" 600w") == formats, "one candidate per real width, per format"


def test_crops_keep_the_focal_point_in_view():
    assert processing.crop_box(2000, 1000, 1.0, 0.9, 0.5) == (1000, 0, 2000, 1000)
    assert processing.crop_box(2000, 1000, 1.0, 0.1, 0.5) == (0, 0, 1000, 1000)
    assert processing.crop_box(2000, 1000, 1.0, 0.5, 0.5) == (500, 0, 1500, 1000)
    assert processing.crop_box(1000, 2000, 16 / 9, 0.5, 0.0) == (0, 0, 1000, 562)


def test_a_transparent_png_gets_a_white_ground_in_jpeg():
    from tests.factories import upload

    buffer = io.BytesIO()
    PILImage.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, "PNG")
    cleaned = processing.clean_upload(upload("t.png", buffer.getvalue()))
    content, _, _ = processing.render(
        processing.load(io.BytesIO(cleaned.content)), ratio=None, width=300, fmt="jpeg"
    )
    assert PILImage.open(io.BytesIO(content)).getpixel((10, 10)) == (255, 255, 255)


def test_picture_markup_sets_sizes_formats_width_and_height():
    image = ImageFactory(size=(1600, 900), alt_text='A "quoted" <b>alt</b>')
    markup = str(picture(image, "wide", sizes="100vw"))
    assert markup.startswith("<picture>") and markup.endswith("</picture>")
    assert '<source type="image/webp" srcset="' in markup
    assert re.search(r'<img src="/images/\d+/[0-9a-f]{32}/wide-960\.jpeg"', markup)
    assert 'width="960" height="540"' in markup
    assert 'sizes="100vw"' in markup
    assert 'loading="lazy"' in markup
    assert 'alt="A &quot;quoted&quot; &lt;b&gt;alt&lt;/b&gt;"' in markup
    assert " 480w" in markup and " 1440w" in markup
    eager = str(picture(image, "wide", lazy=False))
    assert 'loading="lazy"' not in eager and 'fetchpriority="high"' in eager


def test_a_published_briefings_image_is_served_and_cached_publicly(client):
    image = ImageFactory()
    BriefingFactory(lead_image=image)
    assert not image.renditions.exists()
    response = client.get(image.rendition_url("wide-960.webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "public" in response["Cache-Control"]
    body = response.content
    assert PILImage.open(io.BytesIO(body)).size == (960, 540)
    assert image.renditions.filter(key="wide-960.webp").exists(), "made on first request"


def test_an_image_only_a_draft_uses_is_not_reachable(client):
    image = ImageFactory()
    DraftFactory(lead_image=image, body=f"![]({'image'}:{image.pk})")
    image.make_renditions(["wide-960.jpeg"])
    assert client.get(image.rendition_url("wide-960.jpeg")).status_code == 404


def test_an_image_in_a_published_body_is_reachable(client):
    image = ImageFactory()
    BriefingFactory(body=f"Text.\n\n![Seen from above](image:{image.pk})\n\nMore.")
    assert client.get(image.rendition_url("full-480.jpeg")).status_code == 200


def test_a_rendition_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    image = ImageFactory()
    BriefingFactory(lead_image=image)
    BriefingFactory(body=f"![](image:{image.pk})")
    url = image.rendition_url("wide-480.webp")
    assert client.get(url).status_code == 200  # made on this first request
    with django_assert_max_num_queries(2):  # the image behind the public gate, its rendition
        assert client.get(url).status_code == 200


def test_marked_public_images_are_reachable_unused(client):
    image = ImageFactory(is_public=True)
    assert client.get(image.rendition_url("square-160.jpeg")).status_code == 200


def test_staff_see_any_image_uncached(client):
    image = ImageFactory()
    client.force_login(editor())
    response = client.get(image.rendition_url("square-160.jpeg"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace(url.split("/")[3], "0" * 32),  # a guessed signature
        lambda url: url.replace("wide-960.jpeg", "wide-961.jpeg"),  # a size nobody offers
        lambda url: url.replace("wide-960.jpeg", "wide-960.png"),
        lambda url: url.replace(url.split("/")[3], url.split("/")[3][:-1]),
        lambda url: url + "/",
        lambda url: url.replace("wide-960.jpeg", "..%2Fwide-960.jpeg"),
    ],
)
def test_tampered_addresses_answer_404(client, tamper):
    image = ImageFactory(is_public=True)
    url = image.rendition_url("wide-960.jpeg")
    assert client.get(url).status_code == 200
    assert client.get(tamper(url)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/images/99999999999999999999999/{sig}/wide-960.jpeg",
        "/images/{pk}/{sig}/wide-960.jpeg%00",
        "/images/{pk}/{sig}%00/wide-960.jpeg",
        "/images/{pk}/{sig}/" + "w" * 5000,
        "/images/{pk}/<script>/wide-960.jpeg",
        "/images/-1/{sig}/wide-960.jpeg",
    ],
)
def test_hostile_addresses_answer_404_never_500(client, path):
    image = ImageFactory(is_public=True)
    url = path.format(pk=image.pk, sig=image.signature("wide-960.jpeg"))
    assert client.get(url).status_code == 404


def test_another_images_signature_opens_nothing(client):
    public, private = ImageFactory(is_public=True), ImageFactory(is_public=True)
    url = public.rendition_url("wide-960.jpeg").replace(f"/{public.pk}/", f"/{private.pk}/")
    assert client.get(url).status_code == 404


def test_a_new_focal_point_gives_new_addresses():
    image = ImageFactory()
    before = image.rendition_url("wide-960.jpeg")
    image.focal_x = 0.2
    assert image.rendition_url("wide-960.jpeg") != before
