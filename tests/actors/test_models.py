import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from briefings import partialdate
from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeTermFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def violates(constraint):
    """The database itself refuses, naming the constraint."""
    return pytest.raises(IntegrityError, match=constraint)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"kind": "person", "iso_alpha2": "CA"}, "actor_iso_codes_only_for_states"),
        ({"kind": "bloc", "iso_alpha3": "EUU"}, "actor_iso_codes_only_for_states"),
        ({"iso_alpha2": "ca"}, "actor_iso_alpha2_format"),
        ({"iso_alpha3": "C4N"}, "actor_iso_alpha3_format"),
        ({"wikidata_qid": "Q016"}, "actor_wikidata_format"),
        ({"wikidata_qid": "16"}, "actor_wikidata_format"),
    ],
)
def test_actor_checks(fields, constraint):
    with violates(constraint), transaction.atomic():
        Actor.objects.create(name="X", slug="x", **{"kind": "state", **fields})


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("iso_alpha2", "CA", "actor_iso_alpha2_unique"),
        ("iso_alpha3", "CAN", "actor_iso_alpha3_unique"),
        ("wikidata_qid", "Q16", "actor_wikidata_unique"),
        ("slug", "canada", "actors_actor_slug"),
    ],
)
def test_actor_uniques(field, value, constraint):
    ActorFactory(**{field: value})
    with violates(constraint), transaction.atomic():
        Actor.objects.bulk_create(
            [Actor(**{"name": "Other", "slug": "other", "kind": "state", field: value})]
        )


def test_blank_identifiers_are_not_duplicates():
    ActorFactory(kind="bloc")
    ActorFactory(kind="bloc")
    assert Actor.objects.filter(iso_alpha2="", wikidata_qid="").count() == 2


def test_accents_and_euro_sign_round_trip():
    costa = PersonFactory(name="António Costa", summary="Président du Conseil — €125 billion")
    costa.refresh_from_db()
    assert costa.name == "António Costa"
    assert costa.summary == "Président du Conseil — €125 billion"
    assert Actor.objects.get(name="António Costa") == costa


def test_membership_checks():
    canada, nato = ActorFactory(), ActorFactory(kind="organisation")
    with violates("membership_not_self"), transaction.atomic():
        Membership.objects.create(member=canada, organisation=canada)
    with violates("membership_end_after_start"), transaction.atomic():
        Membership.objects.create(
            member=canada, organisation=nato, start_date=D(1949, 8, 24), end_date=D(1949, 8, 23)
        )
    with violates("membership_start_normalised"), transaction.atomic():
        Membership.objects.create(
            member=canada, organisation=nato, start_date=D(1949, 8, 24), start_precision="month"
        )
    with violates("membership_end_normalised"), transaction.atomic():
        Membership.objects.create(
            member=canada, organisation=nato, end_date=D(2020, 2, 1), end_precision="year"
        )


def test_one_open_membership_per_role_but_history_allowed():
    uk, eu = ActorFactory(), ActorFactory(kind="bloc")
    MembershipFactory(member=uk, organisation=eu, start_date=D(1973, 1, 1), end_date=D(2020, 1, 31))
    MembershipFactory(member=uk, organisation=eu, start_date=D(2030, 1, 1))
    with violates("membership_one_open_per_role"), transaction.atomic():
        Membership.objects.create(member=uk, organisation=eu, start_date=D(2031, 1, 1))


def test_current_memberships():
    uk, eu = ActorFactory(), ActorFactory(kind="bloc")
    MembershipFactory(member=uk, organisation=eu, start_date=D(1973, 1, 1), end_date=D(2020, 1, 31))
    france = MembershipFactory(organisation=eu, start_date=D(1958, 1, 1))
    future = MembershipFactory(organisation=eu, start_date=D(2099, 1, 1))
    assert list(Membership.objects.current(on=D(2025, 6, 23))) == [france]
    assert set(Membership.objects.current(on=D(2000, 1, 1))) == {france} | set(
        Membership.objects.filter(member=uk)
    )
    assert future not in Membership.objects.current(on=D(2025, 6, 23))


def test_membership_clean_refuses_a_person_as_organisation():
    membership = Membership(member=ActorFactory(), organisation=PersonFactory())
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["organisation"] == ["A person cannot have members."]


def test_office_role_unique_per_organisation():
    office = OfficeFactory(role="Prime Minister")
    with violates("office_unique_role"), transaction.atomic():
        Office.objects.create(organisation=office.organisation, role="Prime Minister", title="PM")


def test_current_holder_is_the_term_without_end():
    canada = ActorFactory(name="Canada")
    office = OfficeFactory(organisation=canada, role="Prime Minister")
    assert office.current_holder is None
    trudeau, carney = PersonFactory(name="Justin Trudeau"), PersonFactory(name="Mark Carney")
    OfficeTermFactory(
        office=office, person=trudeau, start_date=D(2015, 11, 4), end_date=D(2025, 3, 14)
    )
    assert Office.objects.get(pk=office.pk).current_holder is None
    OfficeTermFactory(office=office, person=carney, start_date=D(2025, 3, 14))
    assert Office.objects.get(pk=office.pk).current_holder == carney


def test_current_holder_uses_prefetched_terms(django_assert_num_queries):
    for _ in range(3):
        OfficeTermFactory()
    with django_assert_num_queries(3):
        holders = [o.current_holder for o in Office.objects.prefetch_related("terms__person")]
    assert all(holders)


def test_officeterm_checks():
    office, person = OfficeFactory(), PersonFactory()
    with violates("officeterm_end_after_start"), transaction.atomic():
        OfficeTerm.objects.create(
            office=office, person=person, start_date=D(2025, 3, 14), end_date=D(2025, 3, 13)
        )
    with violates("officeterm_start_normalised"), transaction.atomic():
        OfficeTerm.objects.create(
            office=office, person=person, start_date=D(2025, 3, 14), start_precision="year"
        )
    with violates("officeterm_end_normalised"), transaction.atomic():
        OfficeTerm.objects.create(
            office=office,
            person=person,
            start_date=D(2019, 1, 1),
            end_date=D(2024, 12, 2),
            end_precision="month",
        )


def test_one_current_holder_per_office():
    office = OfficeFactory()
    OfficeTermFactory(office=office, start_date=D(2025, 3, 14))
    with violates("officeterm_one_current|officeterm_no_overlap"), transaction.atomic():
        OfficeTerm.objects.create(office=office, person=PersonFactory(), start_date=D(2030, 1, 1))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2020, 1, 1), D(2021, 1, 1)),  # inside
        (D(2010, 1, 1), D(2016, 1, 1)),  # across the start
        (D(2018, 1, 1), None),  # open-ended over the end
    ],
)
def test_terms_of_one_office_never_overlap(start, end):
    office = OfficeFactory()
    OfficeTermFactory(office=office, start_date=D(2015, 11, 4), end_date=D(2025, 3, 14))
    with violates("officeterm_no_overlap"), transaction.atomic():
        OfficeTerm.objects.create(
            office=office, person=PersonFactory(), start_date=start, end_date=end
        )


def test_consecutive_terms_and_other_offices_do_not_overlap():
    office = OfficeFactory()
    OfficeTermFactory(office=office, start_date=D(2015, 11, 4), end_date=D(2025, 3, 14))
    OfficeTermFactory(office=office, start_date=D(2025, 3, 14))
    OfficeTermFactory(start_date=D(2016, 1, 1))
    assert OfficeTerm.objects.count() == 3


def test_officeterm_clean_refuses_a_non_person():
    term = OfficeTerm(office=OfficeFactory(), person=ActorFactory(), start_date=D(2025, 3, 14))
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert error.value.message_dict["person"] == ["Only a person can hold an office."]


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (D(2025, 6, 23), "day", "23 June 2025"),
        (D(2025, 6, 1), "month", "June 2025"),
        (D(2014, 1, 1), "year", "2014"),
        (None, "day", ""),
    ],
)
def test_partial_dates_print_what_is_known(value, precision, shown):
    assert partialdate.format_partial(value, precision) == shown
    term = OfficeTerm(start_date=value, start_precision=precision)
    assert term.start_display == shown


def test_partial_dates_that_are_normalised_are_stored():
    term = OfficeTermFactory(start_date=D(2025, 3, 1), start_precision="month")
    term.refresh_from_db()
    assert term.start_display == "March 2025"
