"""A briefing's language and its translations, as lists pick them for each language's readers."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from briefings.newsroom.models import Briefing
from tests.factories import BriefingFactory, DraftFactory

pytestmark = pytest.mark.django_db


def listed(language):
    return set(
        Briefing.objects.published().for_language(language).values_list("headline", flat=True)
    )


def test_each_language_gets_its_version_and_the_originals_nobody_translated():
    pact = BriefingFactory(headline="The pact")
    BriefingFactory(headline="Le pacte", language="fr", translation_of=pact)
    BriefingFactory(headline="English only")
    BriefingFactory(headline="Seulement en français", language="fr")

    assert listed("en") == {"The pact", "English only", "Seulement en français"}
    assert listed("fr") == {"Le pacte", "English only", "Seulement en français"}


def test_an_unpublished_translation_leaves_the_original_in_its_place():
    pact = BriefingFactory(headline="The pact")
    DraftFactory(headline="Le pacte (brouillon)", language="fr", translation_of=pact)
    BriefingFactory(
        headline="Le pacte (plus tard)",
        language="fr",
        translation_of=BriefingFactory(headline="Later"),
        status=Briefing.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=1),
    )

    assert listed("fr") == {"The pact", "Later"}


def test_one_translation_per_language_and_never_its_own():
    pact = BriefingFactory()
    BriefingFactory(language="fr", translation_of=pact)
    with pytest.raises(IntegrityError):
        BriefingFactory(language="fr", translation_of=pact)


def test_a_briefing_cannot_translate_itself():
    pact = BriefingFactory()
    pact.translation_of = pact
    with pytest.raises(IntegrityError):
        pact.save()
