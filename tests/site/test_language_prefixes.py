"""Reading pages live under /en/ and /fr/; a bare address sends each reader to their language."""

import pytest

from tests.factories import BriefingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9,en;q=0.5"}, "/fr/agreements/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}, "/en/agreements/"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE"}, "/en/agreements/"),
        ({}, "/en/agreements/"),
        ({"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_COOKIE": "django_language=fr"}, "/fr/agreements/"),
    ],
)
def test_a_bare_address_redirects_by_cookie_then_accept_language(client, headers, expected):
    response = client.get("/agreements/", **headers)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_redirect_is_never_cached_anywhere(client):
    client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/en/"
    assert "s-maxage" not in response.get("Cache-Control", "")
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_both_prefixes_serve_the_page(client):
    briefing = BriefingFactory(headline="Canada and the EU sign a pact")
    for prefix in ("/en/", "/fr/"):
        response = client.get(prefix)
        assert response.status_code == 200
        assert briefing.headline in response.content.decode()


def test_an_unknown_prefix_is_not_found(client):
    assert client.get("/de/agreements/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/openapi.json", "/robots.txt", "/sitemap.xml", "/healthz", "/admin/login/"]
)
def test_language_neutral_addresses_stay_at_the_root(client, path):
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200
