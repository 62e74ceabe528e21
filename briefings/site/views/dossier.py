"""The dossier dump at a stable address: the newest bundle, streamed, with Last-Modified."""

from django.http import FileResponse
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from briefings.site import dossier


def last_modified(request):
    latest = dossier.latest()
    return latest[1] if latest else None


@require_safe
@condition(last_modified_func=last_modified)
def dump(request):
    """The newest bundle; the very first request after a fresh install builds it."""
    latest = dossier.latest()
    if latest is None:
        dossier.regenerate()
        latest = dossier.latest()
    name, generated_at = latest
    response = FileResponse(
        dossier.storage().open(name, "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
    response["Last-Modified"] = http_date(generated_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    return response
