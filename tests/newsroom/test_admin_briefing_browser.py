"""The workflow panel as an editor and a writer use it, in the real browser."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models import Briefing
from tests.conftest import screenshot
from tests.factories import DraftFactory, add_byline, editor, writer
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")


def test_editor_schedules_on_the_brussels_clock_and_sees_the_history(live_server, page):
    boss = editor(username="desk-editor")
    briefing = DraftFactory(headline="Pact enters its second year", status="review")
    year = timezone.now().year + 1
    log_in(page, live_server, boss)

    page.goto(live_server.url + reverse("admin:newsroom_briefing_change", args=[briefing.pk]))
    panel = page.locator(".workflow-panel")
    assert panel.locator("button").all_inner_texts() == [
        "Return to draft",
        "Approve and schedule",
        "Approve and publish now",
    ]
    panel.locator("input[name=publish_at]").fill(f"{year}-06-23T14:00")
    panel.locator("textarea[name=note]").fill("Embargoed until the summit press conference")
    panel.get_by_role("button", name="Approve and schedule").click()

    message = page.locator(".messagelist .success").inner_text()
    assert "14:00 CEST" in message
    assert "12:00 UTC" in message
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.SCHEDULED
    assert briefing.publish_at == datetime.datetime(year, 6, 23, 12, tzinfo=datetime.UTC)
    history = page.locator("#transitions-group")
    assert history.get_by_text("Embargoed until the summit press conference").count() == 1
    assert page.locator(".workflow-panel button").all_inner_texts() == [
        "Reschedule",
        "Cancel schedule (back to review)",
        "Cancel schedule (back to draft)",
        "Publish now",
        "Withdraw",
    ]
    screenshot(page, "admin-briefing-scheduled")

    page.goto(live_server.url + reverse("admin:newsroom_briefing_scheduled"))
    row = page.locator("table.scheduled-briefings tbody tr").first
    assert row.locator("th").inner_text() == "Pact enters its second year"
    brussels, ottawa, utc = row.locator("td").all_inner_texts()[:3]
    assert brussels.endswith("14:00 CEST")
    assert ottawa.endswith("08:00 EDT")
    assert utc.endswith("12:00 UTC")
    screenshot(page, "admin-briefing-scheduled-view")


def test_writer_sees_only_the_submit_button(live_server, page):
    author = writer(username="desk-writer")
    briefing = DraftFactory(headline="Draft on SAFE access", created_by=author)
    add_byline(briefing, author)
    log_in(page, live_server, author)

    page.goto(live_server.url + reverse("admin:newsroom_briefing_change", args=[briefing.pk]))
    assert page.locator(".workflow-panel button").all_inner_texts() == ["Submit for review"]
    assert page.locator("input[name=publish_at]").count() == 0
    page.get_by_role("button", name="Submit for review").click()
    assert "is now in review" in page.locator(".messagelist .success").inner_text()
    assert page.locator(".workflow-panel button").all_inner_texts() == ["Return to draft"]
    screenshot(page, "admin-briefing-writer-submitted")
