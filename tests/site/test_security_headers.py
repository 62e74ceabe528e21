"""Every public page carries the Content-Security-Policy and Permissions-Policy, cached or not,
and no page of ours holds what the policy would block (inline script, style or handler)."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.utils.csp import build_policy

from tests.site.test_leak import (
    crawl,
    newsroom,  # noqa: F401  (the leak test's fixture)
    page_kind,
    seeds_for,
)

PERMISSIONS = "camera=(), "


# Script types a browser never executes: JSON-LD, and the API docs' settings block.
DATA_BLOCKS = {"application/ld+json", "application/json"}


class InlineFinder(HTMLParser):
    """What the policy would block: inline scripts (other than data blocks), <style>, style
    attributes and on* handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_BLOCKS:
            self.found.append(f"inline script {attrs}")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(response):
    finder = InlineFinder()
    finder.feed(response.content.decode())
    return finder.found


def test_the_policy_is_what_the_desk_promised():
    policy = build_policy(settings.SECURE_CSP)
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy and "nonce" not in policy


@pytest.mark.django_db
def test_every_public_page_kind_carries_the_policy_cached_or_not(
    client,
    newsroom,  # noqa: F811
    django_assert_num_queries,
):
    expected = build_policy(settings.SECURE_CSP)
    gone = [briefing.get_absolute_url() for briefing in newsroom["planted"].values()]
    visited = crawl(client, seeds_for(newsroom) + gone)
    kinds = {page_kind(url) for url in visited}
    for required in [
        "/en/",
        "/en/briefings/<slug>/",
        "/en/actors/<slug>/",
        "/en/agreements/<slug>/",
        "/en/events/<slug>/",
        "/en/tags/<slug>/",
        "/en/feeds/rss/",
        "/sitemap.xml",
        "/robots.txt",
        "/en/subscribe/",
        "/en/search/?q",
    ]:
        assert required in kinds, required
    statuses = set()
    for url, response in visited.items():
        statuses.add(response.status_code)
        assert response["Content-Security-Policy"] == expected, url
        assert PERMISSIONS in response["Permissions-Policy"], url
        if response.get("Content-Type", "").startswith("text/html"):
            assert inline_code(response) == [], url
    assert {200, 404, 410} <= statuses
    # The same pages again, now from the page cache: the headers are added on the way out.
    again = Client()
    for url in ["/en/", "/en/briefings/", "/en/feeds/rss/"]:
        with django_assert_num_queries(0):
            response = again.get(url)
        assert response["Content-Security-Policy"] == expected
        assert PERMISSIONS in response["Permissions-Policy"]


@pytest.mark.django_db
def test_error_page_has_no_inline_style(client):
    from briefings.site.views.pages import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert inline_code(response) == []
    assert re.search(r'<link rel="stylesheet" href="/static/css/error\.[^"]*css"', response.text)
