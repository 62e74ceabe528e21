"""briefings/params.py: what could be a slug, a token or an id, before any query."""

import pytest
from django.http import Http404, QueryDict
from django.test import RequestFactory

from briefings.params import (
    TAG_SLUG,
    TOKEN,
    has_control_in,
    is_id,
    is_slug,
    slug_list,
    slug_param,
)


@pytest.mark.parametrize("value", ["canada", "eu-canada-2025", "a_b", "A1"])
def test_slugs(value):
    assert is_slug(value)


@pytest.mark.parametrize("value", ["", "\x00", "a\x00b", "québec", "a b", "a/b", "x" * 256, 7])
def test_not_slugs(value):
    assert not is_slug(value)


def test_tag_slugs_keep_their_letters_but_no_controls():
    assert is_slug("québec", TAG_SLUG)
    assert not is_slug("québec\x00", TAG_SLUG)
    assert not is_slug("\x85", TAG_SLUG)


def test_tokens():
    assert is_slug("Zm9v-bar_baz", TOKEN)
    assert is_slug("eyJ0:1sTq:abc-_", TOKEN)
    assert not is_slug("abc\x00", TOKEN)


def test_ids():
    assert is_id("42")
    assert not is_id("abc")
    assert not is_id("-1")
    assert not is_id("4" * 19)


def test_slug_param():
    rf = RequestFactory()
    assert slug_param(rf.get("/", {"actor": "canada"}), "actor") == "canada"
    assert slug_param(rf.get("/"), "actor") is None
    with pytest.raises(Http404):
        slug_param(rf.get("/", {"actor": "\x00"}), "actor")


def test_slug_list_drops_what_cannot_match():
    assert slug_list(["trade", "\x00", "x" * 300, "eu"]) == ["trade", "eu"]


def test_control_characters_in_keys_and_values():
    assert not has_control_in(QueryDict("q=Qu%C3%A9bec&page=2"))
    assert has_control_in(QueryDict("q=%00"))
    assert has_control_in(QueryDict("q=ok&q=%1b"))
    assert has_control_in(QueryDict("%00=x"))
