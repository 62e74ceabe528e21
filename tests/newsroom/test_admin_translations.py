"""The briefing admin's translations: the form's fields, the panel, Translate, Mark as up to date
and the list's filters."""

import re

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.factories import BriefingFactory, DraftFactory, add_byline, writer
from tests.newsroom.test_admin_briefing import change_url, form_data, messages_of

pytestmark = pytest.mark.django_db


def translate_url(briefing, language):
    return reverse("admin:newsroom_briefing_translate", args=[briefing.pk, language])


def mark_url(briefing):
    return reverse("admin:newsroom_briefing_mark_up_to_date", args=[briefing.pk])


def panel_of(response):
    html = response.content.decode()
    start = html.find('<section class="translations-panel"')
    assert start >= 0, "no translations panel"
    return html[start : html.index("</section>", start)]


def test_the_form_has_language_and_translation_of_with_autocomplete(editor_client):
    pact = BriefingFactory()
    response = editor_client.get(change_url(pact))
    form = response.context["adminform"].form
    assert {"language", "translation_of"} <= set(form.fields)
    assert "admin-autocomplete" in str(form["translation_of"])


def test_linking_a_translation_in_its_originals_language_is_a_form_error(editor_client):
    pact = BriefingFactory(headline="The pact", language="en")
    other = DraftFactory(headline="Another", language="en")
    response = editor_client.post(
        change_url(other),
        form_data(other, headline="Edited", language="en", translation_of=pact.pk),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["language"] == [
        "A translation is in another language than its original (English)."
    ]
    other.refresh_from_db()
    assert (other.headline, other.translation_of) == ("Another", None)  # nothing saved


def test_linking_to_a_translation_is_checked_against_its_original(editor_client):
    pact = BriefingFactory(language="en")
    french = BriefingFactory(language="fr", translation_of=pact)
    other = DraftFactory(language="en")
    response = editor_client.post(
        change_url(other), form_data(other, language="en", translation_of=french.pk)
    )
    # English against a French translation: the link goes to the (English) original instead,
    # which then refuses a second English version.
    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.errors


def test_the_autocomplete_offers_originals_only(editor_client):
    pact = BriefingFactory(headline="Pact original", language="en")
    BriefingFactory(headline="Pact traduction", language="fr", translation_of=pact)
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Pact",
            "app_label": "newsroom",
            "model_name": "briefing",
            "field_name": "translation_of",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Pact original"]


def test_the_panel_lists_the_group_with_states_and_a_stale_flag(editor_client):
    pact = BriefingFactory(headline="The pact", language="en")
    french = pact.translate("fr")
    Briefing.objects.filter(pk=french.pk).update(source_version=5)
    Briefing.objects.filter(pk=pact.pk).update(version=7)

    panel = panel_of(editor_client.get(change_url(pact)))
    assert "English (original)" in panel
    assert "French" in panel
    assert "Draft" in panel and "Published" in panel
    assert "The original changed since this translation was updated (v5 → v7)." in panel
    assert f'href="{change_url(french)}"' in panel
    assert f'action="{mark_url(french)}"' in panel
    assert "Translate into" not in panel  # both languages exist

    panel = panel_of(editor_client.get(change_url(french)))
    assert "(v5 → v7)" in panel
    assert f'href="{change_url(pact)}"' in panel
    assert f'href="{pact.get_absolute_url()}"' in panel  # the published original, on site
    assert french.get_absolute_url() not in panel  # a draft has no public page to link


def test_mark_as_up_to_date_clears_the_flag(editor_client):
    pact = BriefingFactory(language="en")
    french = pact.translate("fr")
    Briefing.objects.filter(pk=pact.pk).update(version=pact.version + 3)
    response = editor_client.post(mark_url(french), {"back": pact.pk})
    assert response.status_code == 302
    assert response["Location"] == change_url(pact)
    french.refresh_from_db()
    assert french.source_version == pact.version + 3
    panel = panel_of(editor_client.get(change_url(pact)))
    assert "changed since" not in panel
    assert f"Up to date with the original (v{pact.version + 3})" in panel


def test_mark_as_up_to_date_needs_a_post_and_a_translation(editor_client):
    pact = BriefingFactory()
    french = pact.translate("fr")
    assert editor_client.get(mark_url(french)).status_code == 405
    assert editor_client.post(mark_url(pact)).status_code == 404


def test_translate_makes_a_draft_and_opens_it(editor_client):
    pact = BriefingFactory(headline="The pact", slug="the-pact", language="en")
    panel = panel_of(editor_client.get(change_url(pact)))
    assert f'action="{translate_url(pact, "fr")}"' in panel
    assert "Translate into French" in panel

    response = editor_client.post(translate_url(pact, "fr"))
    french = Briefing.objects.get(translation_of=pact)
    assert response.status_code == 302
    assert response["Location"] == change_url(french)
    assert (french.language, french.slug, french.status) == ("fr", "the-pact-fr", "draft")
    page = editor_client.get(response["Location"])
    assert any("draft translation into French" in m for m in messages_of(page))
    assert page.context["adminform"].form["headline"].value() == "The pact"


def test_translate_refuses_a_taken_language_a_get_and_an_unknown_one(editor_client):
    pact = BriefingFactory(language="en")
    pact.translate("fr")
    response = editor_client.post(translate_url(pact, "fr"), follow=True)
    assert any("already has a translation" in m for m in messages_of(response))
    assert editor_client.get(translate_url(pact, "de")).status_code == 405
    response = editor_client.post(translate_url(pact, "de"), follow=True)
    assert any("does not publish in that language" in m for m in messages_of(response))
    assert Briefing.objects.filter(translation_of=pact).count() == 1


def test_a_writer_translates_what_they_see_and_owns_the_translation(client):
    author = writer()
    own = DraftFactory(created_by=author, language="en")
    add_byline(own, author)
    someone_elses = BriefingFactory(language="en")
    client.force_login(author)
    assert client.post(translate_url(someone_elses, "fr")).status_code == 404
    response = client.post(translate_url(own, "fr"))
    french = Briefing.objects.get(translation_of=own)
    assert response["Location"] == change_url(french)
    assert client.get(change_url(french)).status_code == 200
    assert french.can_edit(author)


def test_the_list_shows_language_and_filters_translations(editor_client):
    pact = BriefingFactory(headline="Pact EN", language="en")
    french = pact.translate("fr")
    french.headline = "Pacte FR"
    french.save()
    BriefingFactory(headline="Alone EN", language="en")
    Briefing.objects.filter(pk=pact.pk).update(version=pact.version + 1)
    changelist = reverse("admin:newsroom_briefing_changelist")

    def listed(**params):
        html = editor_client.get(changelist, params).content.decode()
        return set(re.findall(r'<th class="field-headline"><a [^>]*>([^<]+)</a>', html))

    assert listed() == {"Pact EN", "Pacte FR", "Alone EN"}
    assert listed(language__exact="fr") == {"Pacte FR"}
    assert listed(translation="original") == {"Pact EN", "Alone EN"}
    assert listed(translation="translated") == {"Pact EN"}
    assert listed(translation="translation") == {"Pacte FR"}
    assert listed(translation="stale") == {"Pacte FR"}
    html = editor_client.get(changelist).content.decode()
    assert 'FR <span class="translation-stale">(translation, behind)</span>' in html


def test_key_figures_take_an_amount_currency_and_scale_in_the_admin(editor_client):
    pact = DraftFactory()
    rows = {
        "key_figures-TOTAL_FORMS": 1,
        "key_figures-0-label": "SAFE",
        "key_figures-0-value": "€150 billion",
        "key_figures-0-currency": "EUR",
        "key_figures-0-scale": "billion",
        "key_figures-0-position": 0,
    }
    response = editor_client.post(change_url(pact), form_data(pact, **rows))
    assert response.status_code == 200
    [errors] = response.context["inline_admin_formsets"][1].formset.errors
    assert errors["amount"] == ["Give the amount that the currency or scale applies to."]
    assert not pact.key_figures.exists()

    response = editor_client.post(
        change_url(pact), form_data(pact, **rows, **{"key_figures-0-amount": "150"})
    )
    assert response.status_code == 302
    figure = pact.key_figures.get()
    assert (str(figure.amount), figure.currency, figure.scale) == ("150.0000", "EUR", "billion")
