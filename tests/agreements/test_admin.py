import datetime

import pytest

from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from tests.admin_support import admin_url, measure, save_with_status_decision
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    AgreementRelationFactory,
    PartyActionFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 14


def ratification_record(agreement, n, first_year=2017):
    """n parties: each signs; odd ones also ratify (one per year)."""
    for i in range(n):
        party = PartyFactory(agreement=agreement)
        PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE)
        if i % 2:
            PartyActionFactory(
                party=party,
                kind=PartyAction.Kind.RATIFICATION,
                date=datetime.date(first_year + i, 6, 1),
            )


@pytest.mark.parametrize(
    "make",
    [
        lambda: AgreementFactory(),
        lambda: AgreementRelationFactory(),
        lambda: PartyFactory(),
        lambda: PartyActionFactory(),
    ],
    ids=["agreement", "relation", "party", "partyaction"],
)
def test_every_page_loads_for_an_editor(editor_client, make):
    obj = make()
    model = type(obj)
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(obj, "change", obj.pk),
        admin_url(obj, "delete", obj.pk),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_changelist_counts_bound_and_not_bound_parties(editor_client):
    ceta = AgreementFactory(title="Comprehensive Economic and Trade Agreement", short_name="CETA")
    ratification_record(ceta, 5)
    response = editor_client.get(admin_url(Agreement, "changelist"))
    row = next(a for a in response.context["cl"].result_list if a.pk == ceta.pk)
    assert (row.party_count, row.bound_count, row.not_bound_count) == (5, 2, 3)
    link = f"{admin_url(Party, 'changelist')}?agreement__id__exact={ceta.pk}&amp;bound=no"
    assert f'<a href="{link}">3</a>' in response.content.decode()
    listed = editor_client.get(link.replace("&amp;", "&")).context["cl"].result_list
    assert {p.pk for p in listed} == set(
        Party.objects.filter(agreement=ceta).not_bound().values_list("pk", flat=True)
    )


def test_change_page_shows_each_partys_derived_status(editor_client):
    ceta = AgreementFactory(short_name="CETA")
    france = PartyFactory(agreement=ceta, actor=ActorFactory(name="France"))
    PartyActionFactory(party=france, kind="signature", date=datetime.date(2016, 10, 30))
    latvia = PartyFactory(agreement=ceta, actor=ActorFactory(name="Latvia"))
    PartyActionFactory(party=latvia, kind="signature", date=datetime.date(2016, 10, 30))
    PartyActionFactory(party=latvia, kind="ratification", date=datetime.date(2017, 2, 23))
    body = editor_client.get(admin_url(ceta, "change", ceta.pk)).content.decode()
    assert "Signed, 30 October 2016" in body
    assert "Ratification, 23 February 2017" in body
    assert "1 of 2 parties bound; 1 not bound." in body


def test_bound_filter_lists_parties_that_have_not_ratified(editor_client):
    ceta = AgreementFactory()
    ratification_record(ceta, 4)
    response = editor_client.get(admin_url(Party, "changelist"), {"bound": "no"})
    assert {p.pk for p in response.context["cl"].result_list} == set(
        Party.objects.not_bound().values_list("pk", flat=True)
    )
    assert len(response.context["cl"].result_list) == 2


def test_party_action_is_added_through_the_party_page(editor_client):
    party = PartyFactory()
    _, response = save_with_status_decision(
        editor_client,
        admin_url(party, "change", party.pk),
        {
            "agreement": party.agreement_id,
            "actor": party.actor_id,
            "role": "party",
            "note": "Assemblée nationale, vote à 2025 — €",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-kind": "ratification",
            "actions-0-date": "2018-06-12",
            "actions-0-place": "Ottawa",
            "actions-0-note": "",
            "actions-0-source_url": "",
        },
        "silent",
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    party.refresh_from_db()
    assert party.status == Party.Status.BOUND
    assert party.note == "Assemblée nationale, vote à 2025 — €"


def test_malformed_action_date_is_a_form_error_and_saves_nothing(editor_client):
    party = PartyFactory()
    response = editor_client.post(
        admin_url(party, "change", party.pk),
        {
            "agreement": party.agreement_id,
            "actor": party.actor_id,
            "role": "party",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-kind": "ratification",
            "actions-0-date": "31/02/2018<script>",
        },
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["date"]
    assert not PartyAction.objects.exists()


def test_agreement_changelist_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    url = admin_url(Agreement, "changelist")
    ratification_record(AgreementFactory(signed_on=datetime.date(2016, 10, 30)), 2)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(1990, 2020):
        ratification_record(AgreementFactory(signed_on=datetime.date(year, 3, 1)), 3)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_agreement_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    ceta = AgreementFactory()
    url = admin_url(ceta, "change", ceta.pk)
    ratification_record(ceta, 2)
    AgreementRelationFactory(source=ceta)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    ratification_record(ceta, 27, first_year=1950)
    for _ in range(10):
        AgreementRelationFactory(source=ceta)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


@pytest.mark.parametrize("model", [Party, PartyAction, AgreementRelation])
def test_other_changelists_do_not_grow(editor_client, django_assert_max_num_queries, model):
    url = admin_url(model, "changelist")
    ratification_record(AgreementFactory(), 2)
    AgreementRelationFactory()
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for _ in range(5):
        ratification_record(AgreementFactory(), 6, first_year=1960)
        AgreementRelationFactory()
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_party_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    party = PartyFactory()
    url = admin_url(party, "change", party.pk)
    PartyActionFactory(party=party)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(1990, 2020):
        PartyActionFactory(party=party, kind="declaration", date=datetime.date(year, 1, 1))
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_duplicate_party_is_a_readable_form_error(editor_client):
    party = PartyFactory()
    response = editor_client.post(
        admin_url(Party, "add"),
        {
            "agreement": party.agreement_id,
            "actor": party.actor_id,
            "role": "party",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "This actor is already a party to this agreement." in response.content.decode()
    assert Party.objects.count() == 1


def test_an_instrument_no_party_ratifies_is_listed_as_such(editor_client):
    safe = AgreementFactory(title="Security Action for Europe", kind="funding")
    safe.needs_ratification = False
    safe.save()
    PartyFactory(agreement=safe)
    listing = editor_client.get(admin_url(Agreement, "changelist")).content.decode()
    assert "not ratified" in listing and "0 of 1 bound" not in listing
    change = editor_client.get(admin_url(safe, "change", safe.pk)).content.decode()
    assert "Not ratified: the parties are who it covers." in change
    assert 'name="adopted_on"' in change and 'name="applies_from"' in change


def test_both_languages_save_in_one_post_and_an_empty_french_value_is_dropped(editor_client):
    ceta = AgreementFactory(title="Comprehensive Economic and Trade Agreement", slug="ceta")
    url = admin_url(ceta, "change", ceta.pk)
    form = editor_client.get(url).context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "short_name": "CETA",
        "short_name_fr": "AECG",
        "title_fr": "Accord économique et commercial global",
        "party_records-TOTAL_FORMS": 0,
        "party_records-INITIAL_FORMS": 0,
        "relations_out-TOTAL_FORMS": 0,
        "relations_out-INITIAL_FORMS": 0,
        "_continue": "1",
    }
    assert editor_client.post(url, data).status_code == 302
    ceta.refresh_from_db()
    assert (ceta.short_name, ceta.short_name_fr, ceta.title_fr) == (
        "CETA",
        "AECG",
        "Accord économique et commercial global",
    )

    data["title_fr"] = ""
    assert editor_client.post(url, data).status_code == 302
    ceta.refresh_from_db()
    assert ceta.i18n == {"short_name_fr": "AECG"}


@pytest.mark.parametrize(
    "model_name, term",
    [("agreement", "AECG"), ("agreement", "commercial global"), ("party", "Allemagne")],
)
def test_admin_search_finds_french_names(editor_client, model_name, term):
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        title_fr="Accord économique et commercial global",
        short_name_fr="AECG",
    )
    germany = ActorFactory(name="Germany", name_fr="Allemagne")
    PartyFactory(agreement=ceta, actor=germany)
    PartyFactory(agreement=AgreementFactory(title="Other"), actor=ActorFactory(name="Malta"))

    url = admin_url(Agreement if model_name == "agreement" else Party, "changelist")
    found = list(editor_client.get(url, {"q": term}).context["cl"].result_list)
    assert len(found) == 1
    assert (found[0] if model_name == "agreement" else found[0].agreement) == ceta
