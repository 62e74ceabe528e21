"""An editor translates a briefing from its change form, in the real browser."""

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.conftest import screenshot
from tests.factories import BriefingFactory, editor
from tests.newsroom.test_admin_briefing_browser import log_in
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]


def test_editor_translates_into_french_and_keeps_it_up_to_date(live_server, page):
    boss = editor(username="desk-editor")
    pact = BriefingFactory(
        headline="Canada and the EU sign a defence pact", slug="pact", language="en"
    )
    log_in(page, live_server, boss)
    page.goto(live_server.url + reverse("admin:newsroom_briefing_change", args=[pact.pk]))

    panel = page.locator(".translations-panel")
    panel.get_by_role("button", name="Translate into French").click()

    page.wait_for_url("**/change/")
    french = Briefing.objects.get(translation_of=pact)
    assert page.url.endswith(reverse("admin:newsroom_briefing_change", args=[french.pk]))
    assert "draft translation into French" in page.locator(".messagelist .success").inner_text()
    assert page.locator("#id_headline").input_value() == pact.headline
    assert page.locator("#id_language").input_value() == "fr"
    rows = page.locator(".translations-panel tbody tr")
    assert rows.count() == 2
    assert "English (original)" in rows.nth(0).inner_text()
    assert "Published" in rows.nth(0).inner_text()
    assert "Draft" in rows.nth(1).inner_text()
    assert "Up to date with the original" in rows.nth(1).inner_text()

    page.fill("#id_headline", "Le Canada et l'UE signent un pacte de défense")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist .success")
    french.refresh_from_db()
    assert french.headline == "Le Canada et l'UE signent un pacte de défense"

    # The original is edited after the translation: its panel flags the French version.
    Briefing.objects.filter(pk=pact.pk).update(version=pact.version + 2)
    page.goto(live_server.url + reverse("admin:newsroom_briefing_change", args=[pact.pk]))
    flag = page.locator(".translations-panel .translation-stale")
    assert flag.inner_text() == (
        "The original changed since this translation was updated "
        f"(v{pact.version} → v{pact.version + 2})."
    )
    screenshot(page, "admin-briefing-translation-behind")
    page.get_by_role("button", name="Mark as up to date").click()
    page.wait_for_selector(".messagelist .success")
    assert "marked as up to date" in page.locator(".messagelist .success").inner_text()
    assert page.locator(".translations-panel .translation-stale").count() == 0
    french.refresh_from_db()
    assert french.source_version == pact.version + 2
