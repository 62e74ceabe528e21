import pytest
from django.urls import NoReverseMatch, reverse

from briefings.paths import slug_path


@pytest.mark.parametrize(
    "viewname", ["newsroom:detail", "actors:detail", "agreements:detail", "events:detail", "tag"]
)
@pytest.mark.parametrize("slug", ["ceta", "eu-canada-2025", "a_b-9"])
def test_slug_path_is_what_reverse_gives(viewname, slug):
    assert slug_path(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_a_slug_the_route_refuses_fails_as_reverse_does():
    for bad in ["", "with space", "défense", "../admin"]:
        with pytest.raises(NoReverseMatch):
            slug_path("actors:detail", bad)


def test_follows_the_script_prefix():
    from django.urls import set_script_prefix

    set_script_prefix("/desk/")
    try:
        assert slug_path("actors:detail", "ceta") == "/desk/en/actors/ceta/"
    finally:
        set_script_prefix("/")
    assert slug_path("actors:detail", "ceta") == "/en/actors/ceta/"


def test_tag_paths_keep_accented_slugs():
    """taggit slugifies “Québec” to “québec”; its page must exist, percent-encoded."""
    assert slug_path("tag", "québec") == reverse("tag", kwargs={"slug": "québec"})
    assert slug_path("tag", "québec") == "/en/tags/qu%C3%A9bec/"
    with pytest.raises(NoReverseMatch):
        slug_path("tag", "qué bec")


def test_follows_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        assert slug_path("actors:detail", "ceta") == "/en/actors/ceta/"
    with translation.override("fr"):
        assert slug_path("actors:detail", "ceta") == "/fr/actors/ceta/"
    with translation.override("en"):
        assert slug_path("agreements:detail", "ceta") == "/en/agreements/ceta/"
