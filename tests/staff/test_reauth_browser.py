"""Re-authentication before "publish now", in Chromium: asked, confirmed, nothing lost."""

import re

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.conftest import screenshot
from tests.factories import DraftFactory, editor
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]


def test_publish_now_asks_for_the_password_then_publishes_with_the_note(
    live_server, page, settings
):
    settings.STAFF_REAUTH_MINUTES = 0  # always ask, even just after signing in
    boss = editor(username="desk-editor")
    briefing = DraftFactory(headline="Pact talks resume", status="review")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", boss.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")

    change = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
    page.goto(live_server.url + change)
    panel = page.locator(".workflow-panel")
    panel.locator("textarea[name=note]").fill("Cleared by the legal desk")
    panel.get_by_role("button", name="Approve and publish now").click()

    page.wait_for_url(re.compile(r"/admin/confirm/$"))
    page.fill("#id_secret", "not-my-password")
    page.click("#reauth-form input[type=submit]")
    assert "neither your password" in page.locator(".errornote").inner_text()
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.REVIEW
    page.fill("#id_secret", "correct-horse-battery")
    page.click("#reauth-form input[type=submit]")
    screenshot(page, "staff-reauth-continue")
    page.click("#reauth-continue input[type=submit]")

    page.wait_for_url(re.compile(re.escape(change) + "$"))
    assert page.locator(".messagelist").get_by_text("is now published").count() == 1
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert briefing.transitions.latest("pk").note == "Cleared by the legal desk"
