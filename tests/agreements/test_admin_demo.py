"""The issue's acceptance check, in the admin: the demo dossier as an editor opens it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from briefings.agreements.models import Agreement
from tests.factories import CETA_NOT_RATIFIED, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(editor_client):
    role("writer")
    call_command("load_demo", verbosity=0)


def change_page(client, agreement):
    response = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert response.status_code == 200
    return response


def test_ceta_shows_its_ten_pending_ratifications(demo, editor_client):
    ceta = Agreement.objects.get(short_name="CETA")
    response = change_page(editor_client, ceta)
    parties = response.context["inline_admin_formsets"][0].formset.queryset
    signed_only = sorted(p.actor.name for p in parties if p.status == "signed")
    assert signed_only == CETA_NOT_RATIFIED
    body = response.content.decode()
    assert body.count("Signed, 30 October 2016") == 10
    assert "Ratification, 9 March 2017" in body  # Latvia, the first


def test_security_and_defence_partnership_has_canada_and_the_eu(demo, editor_client):
    sdp = Agreement.objects.get(slug="eu-canada-security-and-defence-partnership")
    response = change_page(editor_client, sdp)
    parties = response.context["inline_admin_formsets"][0].formset.queryset
    assert sorted(p.actor.name for p in parties) == ["Canada", "European Union"]


def test_demo_changelists_load(demo, editor_client):
    for name in [
        "actors_actor",
        "actors_office",
        "agreements_agreement",
        "agreements_party",
        "agreements_partyaction",
        "events_event",
    ]:
        assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
