"""The site's plain pages: robots.txt, the favicon, and the error handlers."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /subscribe/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    return redirect(static("favicon.ico"), permanent=True)


def page_not_found(request, exception):
    context = {"title": _("Page not found"), "error_page": True}
    return render(request, "site/404.html", context, status=404)


def server_error(request):
    """Rendered without a request context, so it cannot fail on what broke the page."""
    return render(None, "site/500.html", status=500)
