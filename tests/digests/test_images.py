"""Digests carry lead images as mail clients need them: absolute JPEG addresses that work for
anyone (the briefing is public), sized, with alt text for clients that block images."""

import re

import pytest
from django.conf import settings

from briefings.digests.rendering import render_digest
from tests.factories import BriefingFactory, ImageFactory

pytestmark = pytest.mark.django_db


def test_a_digest_shows_lead_images_with_alt_text_and_size(client):
    image = ImageFactory(alt_text="Ministers on the steps & a flag")
    with_image = BriefingFactory(lead_image=image)
    without = BriefingFactory()
    message = render_digest("daily", [with_image, without])
    html = message.html
    tags = re.findall(r"<img [^>]+>", html)
    assert len(tags) == 1
    tag = tags[0]
    url = image.absolute_url("wide-960.jpeg")
    assert f'src="{url}"' in tag and url.startswith(settings.SITE_URL)
    assert 'width="544" height="306"' in tag
    assert 'alt="Ministers on the steps &amp; a flag"' in tag
    assert client.get(url.removeprefix(settings.SITE_URL))["Content-Type"] == "image/jpeg"
    assert "<img" not in message.text and with_image.headline in message.text
