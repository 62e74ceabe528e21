import datetime

import pytest
from django.urls import reverse

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from tests.admin_support import admin_pages, admin_url, measure
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeTermFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 14


@pytest.mark.parametrize(
    "make",
    [
        lambda: ActorFactory(),
        lambda: PersonFactory(),
        lambda: MembershipFactory(),
        lambda: OfficeFactory(),
        lambda: OfficeTermFactory(),
    ],
    ids=["state", "person", "membership", "office", "officeterm"],
)
def test_every_page_loads_for_an_editor(editor_client, make):
    obj = make()
    for url in admin_pages(obj):
        response = editor_client.get(url)
        assert response.status_code == 200, url


def test_editor_sees_derived_columns(editor_client):
    canada = ActorFactory(name="Canada", iso_alpha2="CA")
    nato = ActorFactory(
        name="North Atlantic Treaty Organization", short_name="NATO", kind="organisation"
    )
    MembershipFactory(member=canada, organisation=nato, start_date=datetime.date(1949, 8, 24))
    office = OfficeFactory(
        organisation=canada, role="Prime Minister", title="Prime Minister of Canada"
    )
    OfficeTermFactory(office=office, person=PersonFactory(name="Mark Carney"))

    body = editor_client.get(admin_url(Actor, "changelist")).content.decode()
    assert "NATO" in body
    assert "Prime Minister of Canada" in body
    body = editor_client.get(admin_url(Office, "changelist")).content.decode()
    assert "Mark Carney" in body


def test_search_finds_by_iso_code_and_accented_name(editor_client):
    ActorFactory(name="Canada", iso_alpha2="CA", iso_alpha3="CAN")
    PersonFactory(name="António Costa")
    url = admin_url(Actor, "changelist")
    assert "Canada" in editor_client.get(url, {"q": "CAN"}).content.decode()
    assert "António Costa" in editor_client.get(url, {"q": "António"}).content.decode()


def test_autocomplete_offers_only_people_for_office_terms(editor_client):
    PersonFactory(name="Mark Carney")
    ActorFactory(name="Markland")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Mark", "app_label": "actors", "model_name": "officeterm", "field_name": "person"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Mark Carney"]


def test_office_term_for_a_non_person_is_a_form_error(editor_client):
    office = OfficeFactory()
    state = ActorFactory()
    response = editor_client.post(
        admin_url(OfficeTerm, "add"),
        {
            "office": office.pk,
            "person": state.pk,
            "start_date": "2025-03-14",
            "start_precision": "day",
            "end_precision": "day",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "person": ["Only a person can hold an office."]
    }
    assert not OfficeTerm.objects.exists()


def test_membership_of_a_person_is_a_form_error_in_the_inline(editor_client):
    canada = ActorFactory(name="Canada")
    person = PersonFactory()
    url = admin_url(canada, "change", canada.pk)
    data = {
        "name": "Canada",
        "slug": canada.slug,
        "kind": "state",
        "summary": "",
        "short_name": "",
        "iso_alpha2": "",
        "iso_alpha3": "",
        "wikidata_qid": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": person.pk,
        "memberships-0-role": "member",
        "memberships-0-start_precision": "day",
        "memberships-0-end_precision": "day",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "offices-TOTAL_FORMS": "0",
        "offices-INITIAL_FORMS": "0",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == [{"organisation": ["A person cannot have members."]}]
    assert "A person cannot have members." in response.content.decode()
    assert not Membership.objects.exists()


def test_turning_an_office_holder_into_a_state_is_refused(editor_client):
    term = OfficeTermFactory()
    person = term.person
    response = editor_client.post(
        admin_url(person, "change", person.pk),
        {
            "name": person.name,
            "slug": person.slug,
            "kind": "state",
            "office_terms-TOTAL_FORMS": "0",
            "office_terms-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.kind == Actor.Kind.PERSON


def test_actor_changelist_queries_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries
):
    def add_rows(n):
        bloc = ActorFactory(kind="bloc")
        for _ in range(n):
            member = ActorFactory()
            MembershipFactory(member=member, organisation=bloc)
            OfficeTermFactory(office=OfficeFactory(organisation=member))

    url = admin_url(Actor, "changelist")
    add_rows(1)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    add_rows(30)
    assert Actor.objects.count() > 60
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


@pytest.mark.parametrize("model", [Membership, Office, OfficeTerm])
def test_other_changelists_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries, model
):
    url = admin_url(model, "changelist")
    OfficeTermFactory(start_date=datetime.date(2020, 1, 6))
    MembershipFactory()
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(1990, 2020):
        OfficeTermFactory(start_date=datetime.date(year, 5, 4))
        MembershipFactory(start_date=datetime.date(year, 1, 1))
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_organisation_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    eu = ActorFactory(name="European Union", kind="bloc")
    url = admin_url(eu, "change", eu.pk)

    def add_rows(n):
        for _ in range(n):
            MembershipFactory(organisation=eu)
            MembershipFactory(member=eu, organisation=ActorFactory(kind="organisation"))
            OfficeTermFactory(office=OfficeFactory(organisation=eu))

    add_rows(1)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    add_rows(27)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_person_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    person = PersonFactory()
    url = admin_url(person, "change", person.pk)

    def add_rows(n, year):
        for i in range(n):
            start = datetime.date(year + i, 1, 1)
            OfficeTermFactory(person=person, start_date=start, end_date=start)
            MembershipFactory(member=person)

    add_rows(1, 1950)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    add_rows(20, 1960)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_office_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    office = OfficeFactory()
    url = admin_url(office, "change", office.pk)
    OfficeTermFactory(
        office=office, start_date=datetime.date(1950, 1, 1), end_date=datetime.date(1951, 1, 1)
    )
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(1960, 1990):
        start = datetime.date(year, 1, 1)
        OfficeTermFactory(office=office, start_date=start, end_date=start)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_overlapping_term_is_a_readable_form_error(editor_client):
    term = OfficeTermFactory(
        start_date=datetime.date(2015, 11, 4), end_date=datetime.date(2025, 3, 14)
    )
    response = editor_client.post(
        admin_url(OfficeTerm, "add"),
        {
            "office": term.office_id,
            "person": PersonFactory().pk,
            "start_date": "2020-01-01",
            "start_precision": "day",
            "end_date": "2021-01-01",
            "end_precision": "day",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This office already has a holder during these dates."
    ]
    assert OfficeTerm.objects.count() == 1


def test_actor_change_page_links_to_the_public_page(editor_client):
    canada = ActorFactory(name="Canada")
    response = editor_client.get(admin_url(canada, "change", canada.pk))
    assert response.context["has_absolute_url"]
    assert reverse("admin:view_on_site", args=[response.context["content_type_id"], canada.pk]) in (
        response.content.decode()
    )


def test_names_are_escaped_in_derived_columns(editor_client):
    bloc = ActorFactory(name="<script>alert('eu')</script>", kind="bloc")
    MembershipFactory(organisation=bloc)
    body = editor_client.get(admin_url(Actor, "changelist")).content.decode()
    assert "<script>alert('eu')</script>" not in body
    assert "&lt;script&gt;alert(&#x27;eu&#x27;)&lt;/script&gt;" in body


def test_admin_search_and_autocomplete_find_actors_by_their_french_names(editor_client):
    eu = ActorFactory(
        name="European Union", short_name="EU", kind="bloc", name_fr="Union européenne"
    )
    ActorFactory(name="Germany", name_fr="Allemagne")

    found = editor_client.get(admin_url(Actor, "changelist"), {"q": "Union européenne"})
    assert list(found.context["cl"].result_list) == [eu]
    autocomplete = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Union europ",
            "app_label": "actors",
            "model_name": "membership",
            "field_name": "organisation",
        },
    )
    assert [r["text"] for r in autocomplete.json()["results"]] == ["European Union"]


def test_the_actor_form_pairs_each_french_field_with_its_english_one(editor_client):
    actor = ActorFactory(name="Germany", name_fr="Allemagne")
    response = editor_client.get(admin_url(actor, "change", actor.pk))
    fieldset = response.context["adminform"].form.fields
    assert fieldset["name_fr"].label == "Name in French"
    assert "readers of the French pages see the English" in fieldset["name_fr"].help_text
    rows = [line.fields for line in next(iter(response.context["adminform"]))]
    assert ("name", "name_fr") in rows
    assert ("short_name", "short_name_fr") in rows
    assert ("summary", "summary_fr") in rows
    assert 'value="Allemagne"' in response.content.decode()
