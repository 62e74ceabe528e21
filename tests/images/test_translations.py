"""An image's alt text and caption in the reader's language, the English where no French."""

import html

import pytest
from django.utils import translation

from tests.factories import BriefingFactory, ImageFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def picture():
    return ImageFactory(
        alt_text="A map of the North Atlantic.",
        alt_text_fr="Une carte de l'Atlantique Nord.",
        caption="Across the Atlantic.",
        caption_fr="Par-delà l'Atlantique.",
    )


def page(client, briefing):
    return html.unescape(client.get(briefing.get_absolute_url()).content.decode())


def test_the_lead_image_speaks_the_pages_language(client, picture):
    english = BriefingFactory(lead_image=picture)
    french = BriefingFactory(lead_image=picture, language="fr", translation_of=english)

    shown = page(client, english)
    assert 'alt="A map of the North Atlantic."' in shown and "Across the Atlantic." in shown
    shown = page(client, french)
    assert 'alt="Une carte de l\'Atlantique Nord."' in shown
    assert "Par-delà l'Atlantique." in shown and "Across the Atlantic." not in shown


def test_an_image_with_no_french_shows_its_english_to_french_readers(client):
    plain = ImageFactory(alt_text="A harbour at dawn.", caption="Halifax harbour.")
    shown = page(client, BriefingFactory(lead_image=plain, language="fr"))
    assert 'alt="A harbour at dawn."' in shown and "Halifax harbour." in shown


def test_a_body_image_is_stored_with_the_caption_of_the_briefings_language(picture):
    body = f"Text.\n\n![Carte de l'Atlantique](image:{picture.pk})"
    with translation.override("en"):  # an editor working in the English admin
        french = BriefingFactory(language="fr", body=body)
    with translation.override("fr"):  # and one working in the French admin
        english = BriefingFactory(body=body.replace("Carte de l'Atlantique", "A map"))

    assert "Par-delà l&#x27;Atlantique." in french.body_html
    assert "Across the Atlantic." in english.body_html
    assert "Par-delà" not in english.body_html


def test_french_alt_text_and_caption_are_escaped(client):
    hostile = ImageFactory(alt_text_fr=f"Alt {HOSTILE}", caption_fr=f"Légende {HOSTILE}")
    response = client.get(BriefingFactory(lead_image=hostile, language="fr").get_absolute_url())
    text = response.content.decode()
    assert "<script>alert(1)" not in text
    assert "Légende &lt;script&gt;alert(1)&lt;/script&gt;" in text
