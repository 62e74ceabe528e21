"""Actors and offices in French: stored beside the English, read with a fallback, searched."""

import pytest
from django.utils import translation

from briefings.actors.models import Actor
from tests.factories import ActorFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def test_french_readers_get_the_french_name_and_the_english_where_there_is_none():
    eu = ActorFactory(name="European Union", short_name="EU", name_fr="Union européenne")
    eu.refresh_from_db()

    with translation.override("fr"):
        assert eu.name_i18n == "Union européenne"
        assert eu.short_name_i18n == "EU"  # no French short name yet: the English
        assert eu.summary_i18n == eu.summary
    with translation.override("en"):
        assert eu.name_i18n == "European Union"
    assert eu.name == "European Union"
    assert eu.i18n == {"name_fr": "Union européenne"}


def test_an_emptied_french_value_falls_back_to_the_english():
    actor = ActorFactory(name="Germany", name_fr="Allemagne")
    actor.name_fr = ""
    actor.save()
    actor.refresh_from_db()

    with translation.override("fr"):
        assert actor.name_i18n == "Germany"


def test_office_titles_translate():
    office = OfficeFactory(title="Prime Minister of Canada", title_fr="Premier ministre du Canada")
    office.refresh_from_db()
    with translation.override("fr"):
        assert office.title_i18n == "Premier ministre du Canada"
    with translation.override("en"):
        assert office.title_i18n == "Prime Minister of Canada"


def test_search_finds_actors_by_either_languages_name_accents_ignored():
    eu = ActorFactory(name="European Union", short_name="EU", name_fr="Union européenne")
    germany = ActorFactory(name="Germany", name_fr="Allemagne", short_name_fr="RFA")
    ActorFactory(name="Canada", name_fr="Canada")

    assert list(Actor.objects.search("Union européenne")) == [eu]
    assert list(Actor.objects.search("union europeenne")) == [eu]
    assert list(Actor.objects.search("European")) == [eu]
    assert list(Actor.objects.search("allemagne")) == [germany]
    assert list(Actor.objects.search("RFA")) == [germany]
    assert list(Actor.objects.search("Allemand")) == []


def test_kind_and_role_labels_translate():
    actor = ActorFactory(kind=Actor.Kind.STATE)
    with translation.override("fr"):
        assert actor.get_kind_display() == "État"
    with translation.override("en"):
        assert actor.get_kind_display() == "State"
