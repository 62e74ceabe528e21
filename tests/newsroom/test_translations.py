"""A translation group's rules, its translations made and kept up to date, and key figures
printed in each reader's language."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from briefings.newsroom.models import Briefing
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    DraftFactory,
    ImageFactory,
    KeyFigureFactory,
    SourceFactory,
    editor,
    writer,
)

pytestmark = pytest.mark.django_db


def errors_of(briefing):
    with pytest.raises(ValidationError) as caught:
        briefing.full_clean()
    return caught.value.message_dict


# The rules of a translation group -------------------------------------------------------------


def test_a_translation_is_in_another_language_than_its_original():
    pact = BriefingFactory(language="en")
    same = DraftFactory.build(slug="pact-again", language="en", translation_of=pact)
    assert errors_of(same) == {
        "language": ["A translation is in another language than its original (English)."]
    }


def test_translating_a_translation_points_at_the_original():
    pact = BriefingFactory(language="en")
    french = BriefingFactory(language="fr", translation_of=pact)
    other = DraftFactory.build(slug="pact-de", language="de", translation_of=french)
    # German is not a desk language; the rule is checked before the choices matter here.
    other.language = "en"
    errors = errors_of(other)
    assert other.translation_of == pact  # repointed at the original...
    assert "language" in errors  # ...whose language it then shares

    back = DraftFactory(language="en")
    back.translation_of = french
    with pytest.raises(ValidationError):
        back.full_clean()
    assert back.translation_of == pact


def test_an_original_with_translations_cannot_become_a_translation():
    pact = BriefingFactory(language="en")
    BriefingFactory(language="fr", translation_of=pact)
    other = BriefingFactory(language="fr")
    pact.translation_of = other
    errors = errors_of(pact)
    assert errors["translation_of"] == [
        "This briefing has translations of its own: it is an original and cannot become a "
        "translation. Link its translations to the other original first."
    ]


def test_one_translation_per_language_is_said_in_words():
    pact = BriefingFactory(headline="The pact", language="en")
    BriefingFactory(language="fr", translation_of=pact)
    second = DraftFactory.build(slug="le-pacte-bis", language="fr", translation_of=pact)
    assert errors_of(second)["translation_of"] == [
        "“The pact” already has a translation in French."
    ]


def test_an_original_cannot_take_the_language_of_its_translation():
    pact = BriefingFactory(language="en")
    BriefingFactory(language="fr", translation_of=pact)
    pact.language = "fr"
    assert "language" in errors_of(pact)


def test_a_briefing_is_never_its_own_translation_in_clean_either():
    pact = BriefingFactory()
    pact.translation_of = pact
    assert errors_of(pact)["translation_of"] == ["A briefing cannot be a translation of itself."]


def test_the_database_still_refuses_two_translations_into_one_language():
    pact = BriefingFactory()
    BriefingFactory(language="fr", translation_of=pact)
    with pytest.raises(IntegrityError):
        BriefingFactory(language="fr", translation_of=pact)


# Making a translation and following its original ----------------------------------------------


def test_translate_makes_a_prefilled_draft_with_its_own_slug():
    lead = ImageFactory()
    actor = ActorFactory()
    pact = BriefingFactory(
        headline="The pact",
        slug="the-pact",
        dek="Dek.",
        body="Body **text**.",
        lead_image=lead,
        tags=["defence", "Canada"],
    )
    pact.actors.add(actor)
    KeyFigureFactory(briefing=pact, amount=Decimal(150), currency="EUR", scale="billion")
    SourceFactory(briefing=pact, title="Joint statement")
    BriefingFactory(slug="the-pact-fr")  # the obvious slug is taken
    translator = writer()

    french = pact.translate("fr", by=translator)

    assert french.status == Briefing.Status.DRAFT
    assert (french.language, french.translation_of, french.source_version) == (
        "fr",
        pact,
        pact.version,
    )
    assert french.slug == "the-pact-fr-2"
    assert (french.headline, french.dek, french.body) == ("The pact", "Dek.", "Body **text**.")
    assert "<strong>text</strong>" in french.body_html
    assert french.lead_image == lead
    assert set(french.tags.names()) == {"defence", "Canada"}
    assert list(french.actors.all()) == [actor]
    figure = french.key_figures.get()
    assert (figure.amount, figure.currency, figure.scale) == (Decimal(150), "EUR", "billion")
    assert french.sources.get().title == "Joint statement"
    assert french.created_by == translator
    assert french.revisions.count() == 1
    assert not french.is_public()
    assert french.can_edit(translator)


def test_translate_twice_into_one_language_is_refused_and_makes_nothing():
    pact = BriefingFactory()
    pact.translate("fr")
    count = Briefing.objects.count()
    with pytest.raises(ValidationError):
        pact.translate("fr")
    assert Briefing.objects.count() == count


def test_translating_a_translation_translates_its_original():
    pact = BriefingFactory(language="fr")
    english = pact.translate("en")
    assert english.translation_of == pact
    with pytest.raises(ValidationError):
        english.translate("fr")  # the group has French: the original


def test_the_original_changing_flags_the_translation_until_marked_up_to_date():
    pact = BriefingFactory()
    french = pact.translate("fr")
    assert not french.original_changed_since_translation
    assert not pact.original_changed_since_translation  # an original follows nobody

    Briefing.objects.filter(pk=pact.pk).update(version=pact.version + 2)
    french = Briefing.objects.get(pk=french.pk)
    assert french.original_changed_since_translation
    before = french.version

    assert french.mark_up_to_date() == pact.version + 2
    french = Briefing.objects.get(pk=french.pk)
    assert not french.original_changed_since_translation
    assert french.version == before  # no edit of its own: nobody's open form goes stale


def test_group_lookups():
    pact = BriefingFactory(language="en")
    french = DraftFactory(language="fr", translation_of=pact)
    assert pact.translation_in("fr") == french
    assert french.translation_in("en") == pact
    assert pact.translation_in("en") == pact
    assert list(pact.translations_public()) == []  # the French one is a draft
    assert list(french.translations_public()) == [pact]


def test_get_absolute_url_carries_the_briefings_own_language():
    english = BriefingFactory(slug="pact", language="en")
    french = BriefingFactory(slug="pacte", language="fr", translation_of=english)
    for active in ("en", "fr"):
        with translation.override(active):
            assert english.get_absolute_url().endswith("/briefings/pact/")
            assert french.get_absolute_url().endswith("/briefings/pacte/")
    with translation.override("fr"):
        french_path = french.get_absolute_url()
    with translation.override("en"):
        assert french.get_absolute_url() == french_path


# Key figures in each language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "scale", "english", "french"),
    [
        ("150", "EUR", "billion", "€150 billion", "150 milliards d'euros"),
        ("1.5", "EUR", "billion", "€1.5 billion", "1,5 milliard d'euros"),
        ("125", "EUR", "billion", "€125 billion", "125 milliards d'euros"),
        ("2.25", "CAD", "million", "C$2.25 million", "2,25 millions de dollars canadiens"),
        ("348", "", "", "348", "348"),
        ("15000", "EUR", "", "€15,000", "15\u202f000\u00a0€"),
    ],
)
def test_key_figures_given_as_data_print_in_the_readers_language(
    amount, currency, scale, english, french
):
    figure = KeyFigureFactory(
        value="as printed", amount=Decimal(amount), currency=currency, scale=scale
    )
    with translation.override("en"):
        assert figure.display_value() == english
    with translation.override("fr"):
        assert figure.display_value() == french


def test_a_key_figure_without_an_amount_prints_as_typed():
    figure = KeyFigureFactory(value="1.37%")
    with translation.override("fr"):
        assert figure.display_value() == "1.37%"


def test_a_currency_without_an_amount_is_refused():
    figure = KeyFigureFactory.build(briefing=BriefingFactory(), currency="EUR")
    with pytest.raises(ValidationError) as caught:
        figure.full_clean()
    assert caught.value.message_dict["amount"] == [
        "Give the amount that the currency or scale applies to."
    ]
    with pytest.raises(IntegrityError):
        figure.save()


def test_only_a_change_to_the_translated_text_puts_a_translation_behind():
    """Publishing the original, or retagging it, bumps its version but changes nothing a
    translator translates; an edit of its body does, and the admin's list filter agrees."""
    boss = editor()
    pact = DraftFactory(headline="The pact", body="First text.")
    pact.save_revision(boss, note="Created")
    french = pact.translate("fr", by=boss)

    def behind():
        flag = Briefing.objects.get(pk=french.pk).original_changed_since_translation
        listed = Briefing.objects.with_translation_state().filter(behind=True)
        assert flag == listed.filter(pk=french.pk).exists()
        return flag

    pact.transition(Briefing.Status.REVIEW, by=boss)
    pact.transition(Briefing.Status.PUBLISHED, by=boss)
    pact.refresh_from_db()
    pact.tags.add("defence")
    pact.version += 1
    pact.save()
    pact.save_revision(boss, note="Edited")
    assert pact.version > french.source_version
    assert not behind()

    pact.body = "First text, corrected."
    pact.version += 1
    pact.save()
    pact.save_revision(boss, note="Edited")
    assert behind()
    french.mark_up_to_date()
    assert not behind()

    pact.revisions.update(version=None)  # nothing left to compare: the version decides
    Briefing.objects.filter(pk=pact.pk).update(version=pact.version + 1)
    assert behind()
