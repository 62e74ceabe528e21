import datetime

import pytest
from django.db import IntegrityError, transaction

from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from tests.factories import (
    CETA_NOT_RATIFIED,
    ActorFactory,
    AgreementFactory,
    AgreementRelationFactory,
    PartyActionFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
K = PartyAction.Kind


def violates(constraint):
    return pytest.raises(IntegrityError, match=constraint)


def party_with(*actions):
    party = PartyFactory()
    PartyAction.objects.bulk_create(
        [PartyAction(party=party, kind=kind, date=date) for kind, date in actions]
    )
    return Party.objects.prefetch_related("actions").get(pk=party.pk)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        (
            {"concluded_on": D(2016, 10, 1), "signed_on": D(2016, 9, 30)},
            "agreement_signed_after_concluded",
        ),
        (
            {"signed_on": D(2016, 10, 30), "provisionally_applied_on": D(2016, 10, 29)},
            "agreement_applied_after_signed",
        ),
        (
            {"signed_on": D(2016, 10, 30), "in_force_on": D(2015, 1, 1)},
            "agreement_in_force_after_signed",
        ),
        (
            {"in_force_on": D(2017, 9, 21), "ended_on": D(2017, 9, 20)},
            "agreement_ended_after_in_force",
        ),
        ({"status": "terminated"}, "agreement_terminated_has_end"),
        ({"status": "provisional"}, "agreement_provisional_has_date"),
        ({"signed_on": D(2025, 6, 23), "signed_precision": "month"}, "agreement_signed_normalised"),
        (
            {"concluded_on": D(2014, 9, 26), "concluded_precision": "year"},
            "agreement_concluded_normalised",
        ),
    ],
)
def test_agreement_checks(fields, constraint):
    with violates(constraint), transaction.atomic():
        Agreement.objects.create(title="T", slug="t", kind="treaty", **fields)


def test_agreement_slug_is_unique():
    AgreementFactory(slug="ceta")
    with violates("agreements_agreement_slug"), transaction.atomic():
        Agreement.objects.bulk_create([Agreement(title="Other", slug="ceta", kind="trade")])


def test_relation_constraints():
    relation = AgreementRelationFactory()
    with violates("agreementrelation_unique"), transaction.atomic():
        AgreementRelation.objects.create(
            source=relation.source, target=relation.target, kind=relation.kind
        )
    with violates("agreementrelation_not_self"), transaction.atomic():
        AgreementRelation.objects.create(
            source=relation.source, target=relation.source, kind="amends"
        )
    AgreementRelation.objects.create(
        source=relation.source, target=relation.target, kind="requires"
    )


def test_one_party_record_per_agreement_and_actor():
    party = PartyFactory()
    with violates("party_unique_actor"), transaction.atomic():
        Party.objects.create(agreement=party.agreement, actor=party.actor)


def test_one_action_of_a_kind_per_party_and_day():
    action = PartyActionFactory()
    with violates("partyaction_unique_per_day"), transaction.atomic():
        PartyAction.objects.create(party=action.party, kind=action.kind, date=action.date)


def test_accents_and_euro_round_trip():
    safe = AgreementFactory(
        title="Security Action for Europe — €150 billion", signed_place="Bruxelles/Brussel"
    )
    party = PartyFactory(agreement=safe, note="Ratifié par l'Assemblée — vote « pour »")
    safe.refresh_from_db()
    party.refresh_from_db()
    assert safe.title == "Security Action for Europe — €150 billion"
    assert party.note == "Ratifié par l'Assemblée — vote « pour »"


@pytest.mark.parametrize(
    ("actions", "status", "label"),
    [
        ([], Party.Status.NONE, "No action"),
        ([(K.DECLARATION, D(2016, 10, 30))], Party.Status.NONE, "No action"),
        ([(K.SIGNATURE, D(2016, 10, 30))], Party.Status.SIGNED, "Signed"),
        ([(K.SIGNATURE_AD_REFERENDUM, D(2016, 10, 30))], Party.Status.SIGNED, "Signed"),
        (
            [(K.SIGNATURE, D(2016, 10, 30)), (K.PROVISIONAL_APPLICATION, D(2017, 9, 21))],
            Party.Status.PROVISIONAL,
            "Provisionally applying",
        ),
        (
            [(K.SIGNATURE, D(2016, 10, 30)), (K.DOMESTIC_REJECTION, D(2020, 8, 1))],
            Party.Status.SIGNED,
            "Signed",
        ),
        (
            [(K.SIGNATURE, D(2016, 10, 30)), (K.RATIFICATION, D(2017, 2, 23))],
            Party.Status.BOUND,
            "Ratification",
        ),
        ([(K.ACCESSION, D(2004, 5, 1))], Party.Status.BOUND, "Accession"),
        ([(K.ACCEPTANCE, D(2004, 5, 1))], Party.Status.BOUND, "Acceptance"),
        ([(K.APPROVAL, D(2004, 5, 1))], Party.Status.BOUND, "Approval"),
        ([(K.SUCCESSION, D(1993, 1, 1))], Party.Status.BOUND, "Succession"),
        ([(K.FORMAL_CONFIRMATION, D(2004, 5, 1))], Party.Status.BOUND, "Formal confirmation"),
        (
            [(K.RATIFICATION, D(2017, 2, 23)), (K.WITHDRAWAL, D(2024, 1, 1))],
            Party.Status.WITHDRAWN,
            "Withdrawn",
        ),
    ],
)
def test_party_status_is_derived_from_its_actions(actions, status, label):
    party = party_with(*actions)
    assert party.status == status
    assert party.get_status_display() == label
    deciding = {
        Party.Status.NONE: [],
        Party.Status.SIGNED: PartyAction.SIGNING,
        Party.Status.PROVISIONAL: [K.PROVISIONAL_APPLICATION],
        Party.Status.BOUND: PartyAction.CONSENT,
        Party.Status.WITHDRAWN: [K.WITHDRAWAL],
    }[status]
    decisive = [(date, kind) for kind, date in actions if kind in deciding]
    expected = max(decisive)[1] if decisive else None
    assert (party.status_action and party.status_action.kind) == expected


def test_status_uses_prefetched_actions(django_assert_num_queries):
    for _ in range(4):
        party_with((K.SIGNATURE, D(2016, 10, 30)), (K.RATIFICATION, D(2018, 1, 1)))
    with django_assert_num_queries(2):
        statuses = {p.status for p in Party.objects.prefetch_related("actions")}
    assert statuses == {Party.Status.BOUND}


def test_bound_and_not_bound():
    ratified = party_with((K.SIGNATURE, D(2016, 10, 30)), (K.RATIFICATION, D(2017, 2, 23)))
    signed = party_with((K.SIGNATURE, D(2016, 10, 30)))
    provisional = party_with((K.PROVISIONAL_APPLICATION, D(2017, 9, 21)))
    withdrawn = party_with((K.RATIFICATION, D(2017, 2, 23)), (K.WITHDRAWAL, D(2024, 1, 1)))
    nothing = PartyFactory()
    assert set(Party.objects.bound()) == {ratified}
    assert set(Party.objects.not_bound()) == {signed, provisional, withdrawn, nothing}


def test_ceta_pending_ratifications_are_a_query():
    ceta = AgreementFactory(
        short_name="CETA",
        status="provisional",
        signed_on=D(2016, 10, 30),
        provisionally_applied_on=D(2017, 9, 21),
    )
    pending = CETA_NOT_RATIFIED
    ratified = ["Canada", "European Union", "Latvia", "Denmark", "Spain"]
    for name in pending + ratified:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, kind=K.SIGNATURE, date=D(2016, 10, 30))
        if name in ratified:
            PartyActionFactory(party=party, kind=K.RATIFICATION, date=D(2017, 2, 15))
    not_bound = Party.objects.filter(agreement=ceta).not_bound().order_by("actor__name")
    assert [p.actor.name for p in not_bound.select_related("actor")] == pending
    counted = Agreement.objects.with_party_counts().get(pk=ceta.pk)
    assert (counted.party_count, counted.bound_count, counted.not_bound_count) == (15, 5, 10)


def test_party_counts_for_an_agreement_without_parties():
    AgreementFactory()
    counted = Agreement.objects.with_party_counts().get()
    assert (counted.party_count, counted.bound_count, counted.not_bound_count) == (0, 0, 0)


def test_display_names_and_dates():
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        signed_on=D(2016, 10, 30),
        concluded_on=D(2014, 1, 1),
        concluded_precision="year",
    )
    assert str(ceta) == "Comprehensive Economic and Trade Agreement (CETA)"
    assert ceta.display_name == "CETA"
    assert ceta.signed_display == "30 October 2016"
    assert ceta.concluded_display == "2014"


def test_an_action_known_to_the_month_counts_and_prints_as_known():
    party = PartyFactory()
    PartyActionFactory(
        party=party, kind="signature", date=datetime.date(2025, 6, 1), date_precision="month"
    )
    assert party.status == Party.Status.SIGNED
    assert party.signature.date_display == "June 2025"
    with pytest.raises(IntegrityError, match="partyaction_date_normalised"), transaction.atomic():
        PartyActionFactory(
            party=party, kind="ratification", date=datetime.date(2025, 6, 9), date_precision="month"
        )


def test_status_on_a_date_counts_only_the_actions_before_it():
    party = party_with(
        (K.SIGNATURE, D(2016, 10, 30)),
        (K.RATIFICATION, D(2018, 11, 8)),
        (K.CEASED_COVERAGE, D(2020, 12, 31)),
    )
    assert party.status_on(D(2016, 10, 29)).status == Party.Status.NONE
    assert party.status_on(D(2016, 10, 30)).status == Party.Status.SIGNED
    on_2019 = party.status_on(D(2019, 1, 1))
    assert (on_2019.status, on_2019.action.kind, on_2019.label) == (
        Party.Status.BOUND,
        K.RATIFICATION,
        "Ratification",
    )
    assert not on_2019.approximate and not on_2019.uncertain and on_2019.caveat == ""
    assert party.status == Party.Status.CEASED
    assert party.get_status_display() == "No longer covered"
    assert party.status_action.kind == K.CEASED_COVERAGE


def test_an_action_known_to_the_month_counts_from_the_months_end():
    party = PartyFactory()
    PartyActionFactory(party=party, kind=K.SIGNATURE, date=D(2024, 2, 1), date_precision="month")
    PartyActionFactory(party=party, kind=K.RATIFICATION, date=D(2025, 1, 1), date_precision="year")
    party = Party.objects.prefetch_related("actions").get(pk=party.pk)
    mid_february = party.status_on(D(2024, 2, 15))
    assert mid_february.status == Party.Status.NONE and mid_february.uncertain
    assert "may already have changed" in mid_february.caveat
    leap_day = party.status_on(D(2024, 2, 29))
    assert leap_day.status == Party.Status.SIGNED and leap_day.approximate
    assert leap_day.caveat == "Rests on a date known only to the month; counted from its end."
    assert party.status_on(D(2025, 12, 30)).status == Party.Status.SIGNED
    assert party.status_on(D(2025, 12, 31)).status == Party.Status.BOUND
    for as_of, bound in [
        (D(2024, 2, 28), False),
        (D(2025, 12, 30), False),
        (D(2025, 12, 31), True),
    ]:
        assert Party.objects.bound(as_of).filter(pk=party.pk).exists() is bound


def test_sql_filters_agree_with_status_on_row_for_row():
    records = [
        [],
        [(K.SIGNATURE, D(2016, 10, 30))],
        [(K.RATIFICATION, D(2017, 3, 9))],
        [(K.RATIFICATION, D(2017, 3, 9)), (K.WITHDRAWAL, D(2019, 6, 1))],
        [(K.RATIFICATION, D(2017, 3, 9)), (K.CEASED_COVERAGE, D(2020, 12, 31))],
        [
            (K.RATIFICATION, D(2017, 3, 9)),
            (K.WITHDRAWAL, D(2018, 1, 1)),
            (K.ACCESSION, D(2021, 5, 5)),
        ],
    ]
    parties = [party_with(*actions) for actions in records]
    for as_of in [
        None,
        D(2017, 3, 8),
        D(2017, 3, 9),
        D(2018, 6, 1),
        D(2020, 1, 1),
        D(2021, 1, 1),
        D(2022, 1, 1),
    ]:
        bound = {p.pk for p in parties if p.status_on(as_of).status == Party.Status.BOUND}
        ended = {
            p.pk
            for p in parties
            if p.status_on(as_of).status in (Party.Status.WITHDRAWN, Party.Status.CEASED)
        }
        assert set(Party.objects.bound(as_of).values_list("pk", flat=True)) == bound, as_of
        assert set(Party.objects.ended(as_of).values_list("pk", flat=True)) == ended, as_of
        assert (
            set(Party.objects.not_bound(as_of).values_list("pk", flat=True))
            == {p.pk for p in parties} - bound
        )


def test_party_counts_on_a_date_count_the_ended_apart():
    ceta = AgreementFactory()
    for actions in [
        [(K.RATIFICATION, D(2017, 3, 9))],
        [(K.RATIFICATION, D(2018, 11, 8)), (K.CEASED_COVERAGE, D(2020, 12, 31))],
        [(K.SIGNATURE, D(2016, 10, 30))],
    ]:
        party = PartyFactory(agreement=ceta)
        for kind, date in actions:
            PartyActionFactory(party=party, kind=kind, date=date)
    now = Agreement.objects.with_party_counts().get(pk=ceta.pk)
    assert (now.party_count, now.bound_count, now.ended_count, now.not_bound_count) == (3, 1, 1, 2)
    then = Agreement.objects.with_party_counts(D(2019, 1, 1)).get(pk=ceta.pk)
    assert (then.bound_count, then.ended_count) == (2, 0)
