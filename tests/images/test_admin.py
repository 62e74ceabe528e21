"""The image library's admin pages run a fixed number of queries whatever the library holds,
and show what an editor needs: thumbnails, the line to paste into a body, the picker."""

import pytest

from briefings.images.models import Image
from tests.admin_support import admin_pages, admin_url, measure
from tests.factories import BriefingFactory, ImageFactory, editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(editor())
    return client


@pytest.mark.parametrize("count", [1, 12])
def test_pages_run_constant_queries(desk, count, django_assert_max_num_queries):
    images = [ImageFactory() for _ in range(count)]
    for url in admin_pages(images[0]):
        measure(desk, url, 12, django_assert_max_num_queries)


def test_the_list_shows_thumbnails_and_the_body_line(desk):
    image = ImageFactory(title="Summit family photo")
    html = desk.get(admin_url(Image, "changelist")).content.decode()
    assert image.rendition_url("square-160.jpeg") in html
    assert f"![](image:{image.pk})" in html
    assert desk.get(image.rendition_url("square-160.jpeg")).status_code == 200


def test_a_lead_image_cannot_be_deleted_while_a_briefing_uses_it(desk):
    image = ImageFactory()
    BriefingFactory(lead_image=image)
    response = desk.post(admin_url(image, "delete", image.pk), {"post": "yes"})
    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_new_focal_point_drops_the_old_renditions(desk):
    image = ImageFactory()
    image.make_renditions(["wide-480.jpeg"])
    old = image.renditions.get()
    data = {
        "title": image.title,
        "alt_text": image.alt_text,
        "caption": "",
        "credit": image.credit,
        "licence": image.licence,
        "source_url": "",
        "focal_x": "0.1",
        "focal_y": "0.9",
    }
    response = desk.post(admin_url(image, "change", image.pk), data)
    assert response.status_code == 302
    assert not image.renditions.exists()
    assert not old.file.storage.exists(old.file.name)
