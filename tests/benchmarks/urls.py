"""The site's URLs, plus two views to measure its pages against: the floor and a plain article.

Only the benchmark's server loads them, so neither exists in a deployed site.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from briefings.newsroom.models import Briefing
from config import urls as site

ARTICLE = engines["django"].from_string(
    '{% extends "site/base.html" %}{% load desk %}{% block main %}<article>'
    '<h1>{{ briefing.headline }}</h1><p class="dek">{{ briefing.dek }}</p>'
    '<p>Published <time datetime="{{ briefing.publish_at|iso }}">'
    "{{ briefing.publish_at|desk_datetime }}</time></p>"
    "{{ briefing.body|markdown }}</article>{% endblock %}"
)


def floor(request):
    """What any request costs on this server: middleware, routing, a tiny response."""
    return HttpResponse("floor", content_type="text/plain")


def article(request, slug):
    """A yardstick, not a page of the site: a plain Django article view (one query, the body
    from Markdown on the site's layout), what the issue puts at about 0.14× the floor."""
    briefing = get_object_or_404(Briefing.objects.published(), slug=slug)
    return HttpResponse(ARTICLE.render({"briefing": briefing, "title": briefing.headline}, request))


urlpatterns = [
    path("_bench/floor/", floor),
    path("_bench/article/<slug:slug>/", article),
    *site.urlpatterns,
]
handler400 = getattr(site, "handler400", None)
handler403 = getattr(site, "handler403", None)
handler404 = getattr(site, "handler404", None)
handler500 = getattr(site, "handler500", None)
