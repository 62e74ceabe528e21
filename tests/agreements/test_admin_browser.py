"""The agreement page as an editor uses it, in the real browser: autocompletes and inlines."""

import datetime

import pytest
from django.urls import reverse

from briefings.agreements.models import Party
from tests.conftest import screenshot
from tests.factories import ActorFactory, AgreementFactory, PartyActionFactory, PartyFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_adds_a_party_through_the_autocomplete(live_server, page):
    user = editor(username="dana")
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement", short_name="CETA", slug="ceta"
    )
    for name in ["Canada", "France"]:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, kind="signature", date=datetime.date(2016, 10, 30))
    ActorFactory(name="Latvia")
    ActorFactory(name="Ursula von der Leyen", kind="person")

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:agreements_agreement_change", args=[ceta.pk]))

    rendered = page.locator("#party_records-group .select2-selection__rendered")
    assert rendered.all_inner_texts()[:2] == ["Canada", "France"]
    assert page.locator("#party_records-group").get_by_text("Signed, 30 October 2016").count() == 2

    page.click("#party_records-group .add-row a")
    page.locator("#party_records-group .select2-selection").nth(2).click()
    page.fill(".select2-search__field", "Lat")
    page.locator(".select2-results__option", has_text="Latvia").click()
    screenshot(page, "admin-agreement-parties")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    assert sorted(ceta.party_records.values_list("actor__name", flat=True)) == [
        "Canada",
        "France",
        "Latvia",
    ]
    assert Party.objects.get(actor__name="Latvia").status == Party.Status.NONE


def test_editor_writes_the_french_beside_the_english_in_one_save(live_server, page):
    user = editor(username="lea")
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement", short_name="CETA", slug="ceta"
    )

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:agreements_agreement_change", args=[ceta.pk]))

    for field in ["title", "short_name", "summary", "signed_place"]:
        row = page.locator(f".form-row:has(#id_{field})")
        assert row.locator(f"#id_{field}_fr").count() == 1, f"{field}: French in the same row"
    title_row = page.locator(".form-row:has(#id_title)")
    assert title_row.get_by_text("Title in French").count() == 1
    assert title_row.get_by_text("readers of the French pages see the English").count() == 1

    page.fill("#id_short_name_fr", "AECG")
    page.fill("#id_title_fr", "Accord économique et commercial global")
    page.fill("#id_summary", "Canada and the EU's trade agreement.")
    page.fill("#id_summary_fr", "L'accord commercial entre le Canada et l'UE.")
    screenshot(page, "admin-agreement-french")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    ceta.refresh_from_db()
    assert ceta.summary == "Canada and the EU's trade agreement."
    assert ceta.i18n == {
        "title_fr": "Accord économique et commercial global",
        "short_name_fr": "AECG",
        "summary_fr": "L'accord commercial entre le Canada et l'UE.",
    }
    assert page.input_value("#id_short_name_fr") == "AECG"
