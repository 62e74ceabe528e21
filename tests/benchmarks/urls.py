"""The site's URLs, plus a minimal Django view to measure every page against."""

from django.http import HttpResponse
from django.urls import path

from config import urls as site


def floor(request):
    """What any request costs on this server: middleware, routing, a tiny response."""
    return HttpResponse("floor", content_type="text/plain")


urlpatterns = [path("_bench/floor/", floor), *site.urlpatterns]
handler400 = getattr(site, "handler400", None)
handler403 = getattr(site, "handler403", None)
handler404 = getattr(site, "handler404", None)
handler500 = getattr(site, "handler500", None)
