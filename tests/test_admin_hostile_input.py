"""Bad input never answers 500 in the admin either (issue 16, item 1).

The guard is briefings/adminsite.py: control characters in any GET parameter of an admin
view answer 400; id filters refuse what is no id as a bad lookup (a redirect to ?e=1).
The property-based tests find every changelist's filters and every autocomplete field from
the admin itself, so a filter added later is driven too.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse
from hypothesis import given, settings

from briefings.actors.models import Actor
from briefings.newsroom.models import Briefing
from tests.admin_support import admin_url
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    ContributorFactory,
    EventFactory,
    MembershipFactory,
    UserFactory,
    add_byline,
)
from tests.site.test_hostile_input import FAST, HOSTILE, NUL, sane

pytestmark = pytest.mark.django_db
# Each example requests every changelist filter (a hundred-odd pages): fewer examples suffice.
FEW = settings(FAST, max_examples=8)


def byline():
    """A briefing with a contributor in its byline, so the byline filter has choices and shows."""
    author = ContributorFactory()
    add_byline(BriefingFactory(), author)
    return author


# -- the battery's 500s, one by one ---------------------------------------------------------


def test_author_filter_with_text_is_a_bad_lookup(editor_client):
    byline()
    url = admin_url(Briefing, "changelist")
    response = editor_client.get(url, {"author": "abc"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?{ERROR_FLAG}=1"


def test_author_filter_with_an_id_still_filters(editor_client):
    author = byline()
    BriefingFactory(headline="Unsigned")
    response = editor_client.get(admin_url(Briefing, "changelist"), {"author": author.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_member_of_filter_with_text_is_a_bad_lookup(editor_client):
    MembershipFactory()
    response = editor_client.get(admin_url(Actor, "changelist"), {"member_of": "abc"})
    assert response.status_code == 302


def test_member_of_filter_with_an_id_still_filters(editor_client):
    membership = MembershipFactory()
    ActorFactory()
    response = editor_client.get(
        admin_url(Actor, "changelist"), {"member_of": membership.organisation_id}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [membership.member]


@pytest.mark.parametrize("url", ["/admin/actors/actor/", "/admin/events/event/"])
@pytest.mark.parametrize("value", [NUL, "a\x00b", "\x1b[31m", "\x7f"])
def test_kind_filter_with_control_characters_is_400(editor_client, url, value):
    EventFactory()
    assert editor_client.get(url, {"kind": value}).status_code == 400


def test_kind_filter_still_filters(editor_client):
    ActorFactory(kind=Actor.Kind.BLOC)
    response = editor_client.get("/admin/actors/actor/", {"kind": Actor.Kind.BLOC})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_search_with_nul_is_400(editor_client):
    assert editor_client.get("/admin/actors/actor/", {"q": NUL}).status_code == 400


def test_autocomplete_with_nul_is_400(editor_client):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": NUL, "app_label": "actors", "model_name": "officeterm", "field_name": "person"},
    )
    assert response.status_code == 400


def test_the_guard_leaves_anonymous_visitors_to_the_login(client):
    """The guard answers only what admin_view would let through: staff are still asked in."""
    response = client.get("/admin/actors/actor/", {"kind": "person"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# -- every changelist filter and autocomplete, driven by Hypothesis -------------------------


def changelists():
    return [admin_url(model, "changelist") for model in admin.site._registry]


def autocompletes():
    """(app_label, model_name, field_name) of every autocomplete, inlines' included."""
    found = []
    for model, model_admin in admin.site._registry.items():
        admins = [(model, model_admin)]
        admins += [(inline.model, inline) for inline in model_admin.inlines]
        for source, source_admin in admins:
            for field in source_admin.autocomplete_fields:
                found.append((source._meta.app_label, source._meta.model_name, field))
    return found


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.fixture
def filters(superuser_client):
    """Each changelist and the GET parameters its filters, search and paging read."""
    byline()
    MembershipFactory()
    EventFactory()
    found = []
    for url in changelists():
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        cl = response.context["cl"]
        names = {"q", "p", "o"}
        for spec in cl.filter_specs:
            names.update(spec.expected_parameters())
        found += [(url, name) for name in sorted(names)]
    assert ("/admin/newsroom/briefing/", "author") in found
    assert ("/admin/actors/actor/", "member_of") in found
    return found


def test_every_autocomplete_is_found():
    assert ("actors", "officeterm", "person") in autocompletes()


@FEW
@given(value=HOSTILE)
def test_no_changelist_filter_answers_500(superuser_client, filters, value):
    for url, name in filters:
        assert sane(superuser_client.get(url, {name: value})), (url, name, value)


@FAST
@given(value=HOSTILE)
def test_no_autocomplete_term_answers_500(superuser_client, value):
    for app_label, model_name, field_name in autocompletes():
        params = {
            "term": value,
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
        }
        assert sane(superuser_client.get(reverse("admin:autocomplete"), params)), params
