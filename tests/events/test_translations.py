"""Events in French: titles, places and the country's name, with the English as fallback."""

import pytest
from django.utils import translation

from briefings.events.models import Event
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_place_display_reads_in_the_readers_language():
    belgium = ActorFactory(name="Belgium", name_fr="Belgique")
    event = EventFactory(
        title="EU–Canada summit",
        title_fr="Sommet UE–Canada",
        place_name="Brussels",
        place_name_fr="Bruxelles",
        country=belgium,
    )
    with translation.override("fr"):
        assert (event.title_i18n, event.place_display) == (
            "Sommet UE–Canada",
            "Bruxelles, Belgique",
        )
    with translation.override("en"):
        assert (event.title_i18n, event.place_display) == ("EU–Canada summit", "Brussels, Belgium")


def test_a_missing_french_place_falls_back_to_the_english():
    event = EventFactory(place_name="Antwerp", country=ActorFactory(name="Belgium"))
    with translation.override("fr"):
        assert event.place_display == "Antwerp, Belgium"
        assert event.get_kind_display() == "Sommet"


def test_search_finds_events_by_their_french_title_or_place():
    summit = EventFactory(title="EU–Canada summit", title_fr="Sommet UE–Canada")
    visit = EventFactory(title="Visit", place_name="Antwerp", place_name_fr="Anvers")

    assert list(Event.objects.search("sommet")) == [summit]
    assert list(Event.objects.search("anvers")) == [visit]
    assert list(Event.objects.search("summit")) == [summit]
