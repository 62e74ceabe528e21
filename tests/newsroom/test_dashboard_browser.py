"""The desk's home in the real browser: an editor finds the review queue and opens it."""

import pytest
from django.urls import reverse

from tests.conftest import screenshot
from tests.factories import editor, writer
from tests.newsroom.test_admin_briefing_browser import log_in
from tests.newsroom.test_dashboard import desk
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]


def test_the_editor_finds_the_submitted_briefing_on_the_dashboard(live_server, page):
    boss = editor(username="desk-editor")
    desk(writer(username="desk-writer"), boss)
    log_in(page, live_server, boss)
    page.goto(live_server.url + reverse("admin:index"))
    review = page.locator(".desk-list-review")
    assert review.locator("h2").inner_text() == "Waiting for your review"
    scheduled = page.locator(".desk-list-scheduled li").first.inner_text()
    assert "Summit curtain-raiser" in scheduled and "UTC" in scheduled
    assert page.locator("#app-list-heading").is_visible()
    # Three columns of lists fit 1280 px: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "admin-dashboard-editor")
    review.get_by_role("link", name="Pact text for review").click()
    assert page.locator("#id_headline").input_value() == "Pact text for review"


def test_the_writer_sees_what_was_sent_back(live_server, page):
    author = writer(username="desk-writer")
    desk(author, editor(username="desk-editor"))
    log_in(page, live_server, author)
    page.goto(live_server.url + reverse("admin:index"))
    corrections = page.locator(".desk-list-corrections").inner_text()
    assert "Returned piece" in corrections
    assert "Source the €150 billion figure" in corrections
    screenshot(page, "admin-dashboard-writer")
