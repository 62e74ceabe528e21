"""A real worker on the real broker makes an upload's renditions once it is committed."""

import pytest

from briefings.images.models import rendition_keys
from briefings.images.tasks import make_renditions
from tests.factories import ImageFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_upload_gets_its_renditions_from_the_worker(celery_worker):
    image = ImageFactory(size=(1600, 1000))
    wait_until(
        lambda: image.renditions.count() == len(rendition_keys()),
        timeout=60,
        message="every rendition made by the worker",
    )
    stored = {r.key: r for r in image.renditions.all()}
    assert stored["wide-960.webp"].file.storage.exists(stored["wide-960.webp"].file.name)
    assert (stored["social-1200.jpeg"].width, stored["social-1200.jpeg"].height) == (1200, 630)
    image.save()  # an edit enqueues again; nothing is made twice
    make_renditions.delay(image.pk).get(timeout=30)
    assert image.renditions.count() == len(rendition_keys())
