"""Image renditions for readers: `/images/<pk>/<signature>/<key>`.

Three gates, all before any file is read: the key must name a rendition there can be (no
arbitrary sizes), the signature must be the image's keyed hash for that key (addresses cannot
be guessed or walked by pk), and the image must be public: marked so, or used by a published
briefing. Staff see any image (the admin's thumbnails, previews), never cached. A rendition
missing from storage is made on this first request, once.
"""

import re

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from briefings.images.models import Image, parse_key
from briefings.newsroom.models import Briefing

SIGNATURE = re.compile(r"[0-9a-f]{32}")
MAX_PK = 2**31 - 1  # beyond an integer column: no image, and no query to find that out
PUBLIC_MAX_AGE = 3600  # a withdrawn briefing's images leave shared caches within the hour


def public_images():
    return Image.objects.filter(
        Q(is_public=True) | Q(pk__in=Briefing.objects.published().image_ids())
    )


@require_safe
def rendition(request, pk, signature, key):
    if not SIGNATURE.fullmatch(signature) or parse_key(key) is None or pk > MAX_PK:
        raise Http404("No such image.")
    staff = request.user.is_authenticated and request.user.is_staff
    images = Image.objects.all() if staff else public_images()
    image = images.filter(pk=pk).first()
    if image is None or not image.check_signature(key, signature):
        raise Http404("No such image.")
    made = image.rendition(key)
    # Renditions are small (tens of KB): read whole, which any storage backend does well.
    with made.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=made.content_type)
    if staff:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
