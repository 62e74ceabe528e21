"""Agreements in French: « AECG » for CETA, with the English where the French is missing."""

import datetime

import pytest
from django.utils import translation

from briefings.agreements.models import Agreement, Party, PartyAction
from tests.factories import AgreementFactory, PartyActionFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceta():
    return AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        slug="ceta",
        signed_place="Brussels",
        title_fr="Accord économique et commercial global",
        short_name_fr="AECG",
        signed_place_fr="Bruxelles",
    )


def test_display_name_is_aecg_for_french_readers_and_ceta_for_english(ceta):
    ceta.refresh_from_db()
    with translation.override("fr"):
        assert ceta.display_name == "AECG"
        assert ceta.title_i18n == "Accord économique et commercial global"
        assert ceta.signed_place_i18n == "Bruxelles"
        assert ceta.summary_i18n == ceta.summary  # no French summary: the English
    with translation.override("en"):
        assert ceta.display_name == "CETA"


def test_an_agreement_without_french_reads_in_english_on_french_pages():
    safe = AgreementFactory(title="Security Action for Europe", short_name="SAFE")
    with translation.override("fr"):
        assert (safe.title_i18n, safe.display_name) == ("Security Action for Europe", "SAFE")


def test_search_finds_agreements_by_their_french_title_or_acronym(ceta):
    AgreementFactory(title="Security Action for Europe", short_name="SAFE")

    assert list(Agreement.objects.search("AECG")) == [ceta]
    assert list(Agreement.objects.search("economique et commercial")) == [ceta]
    assert list(Agreement.objects.search("CETA")) == [ceta]


def test_party_notes_translate(ceta):
    party = PartyFactory(agreement=ceta, note="Left the EU in 2020.", note_fr="A quitté l'UE.")
    party.refresh_from_db()
    with translation.override("fr"):
        assert party.note_i18n == "A quitté l'UE."


def test_statuses_and_action_kinds_translate(ceta):
    party = PartyFactory(agreement=ceta)
    PartyActionFactory(
        party=party, kind=PartyAction.Kind.ACCESSION, date=datetime.date(2018, 5, 17)
    )
    party = Party.objects.prefetch_related("actions").get(pk=party.pk)
    with translation.override("fr"):
        assert ceta.get_status_display() == "Signé"
        assert party.get_status_display() == "Adhésion"
        assert Party.Status.WITHDRAWN.label == "Retiré"
        assert party.actions.get().get_kind_display() == "Adhésion"
    with translation.override("en"):
        assert party.get_status_display() == "Accession"


def test_the_caveat_on_an_approximate_date_translates(ceta):
    party = PartyFactory(agreement=ceta)
    PartyActionFactory(
        party=party,
        kind=PartyAction.Kind.RATIFICATION,
        date=datetime.date(2018, 5, 1),
        date_precision="month",
    )
    derived = Party.objects.get(pk=party.pk).status_on()
    with translation.override("fr"):
        assert derived.caveat.startswith("Repose sur une date connue seulement au mois")
    with translation.override("en"):
        assert derived.caveat == "Rests on a date known only to the month; counted from its end."
