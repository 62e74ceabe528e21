"""The admin in English or French: by Accept-Language, or the choice in its header."""

import re

import pytest
from django.test import Client

from tests.factories import DraftFactory, editor

pytestmark = pytest.mark.django_db


def test_the_admin_follows_accept_language(client):
    client.force_login(editor())

    french = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    assert '<html lang="fr"' in french
    assert "Votre bureau" in french and "Your desk" not in french
    assert "Se déconnecter" in french or "Déconnexion" in french  # Django's own catalog
    assert "Your desk" in english and "Votre bureau" not in english


def test_a_staff_member_picks_french_in_the_header():
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor())
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = re.search(
        r'<form class="language-choice" method="post" action="([^"]+)">(.*?)</form>', page, re.S
    )
    assert form.group(1) == "/i18n/setlang/"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    assert 'value="/admin/"' in form.group(2)

    refused = Client(enforce_csrf_checks=True)
    refused.cookies = client.cookies
    assert refused.post("/i18n/setlang/", {"language": "fr", "next": "/admin/"}).status_code == 403

    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/admin/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    french = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Votre bureau" in french
    assert '<option value="fr" lang="fr" selected>Français</option>' in french


def test_the_login_page_offers_the_choice_too(client):
    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'class="language-choice"' in page
    assert "Changer de langue" in page


def test_the_briefing_change_form_in_french(client):
    boss = editor()
    briefing = DraftFactory(created_by=boss)
    client.force_login(boss)
    page = client.get(
        f"/admin/newsroom/briefing/{briefing.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert '<h2 id="workflow-heading">Circuit de publication</h2>' in page
    assert "Liens d’aperçu" in page
    assert "Preview links" not in page
