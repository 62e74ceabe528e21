"""The shorter change form in the real browser: topic suggestions, and a form that fits 1280 px."""

import pytest
from django.urls import reverse

from tests.conftest import screenshot
from tests.factories import (
    AgreementFactory,
    BriefingFactory,
    KeyFigureFactory,
    SourceFactory,
    editor,
)
from tests.newsroom.test_admin_briefing_browser import log_in
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]
LONG_TITLE = (
    "Security and Defence Partnership between the European Union and Canada, with its "
    "annex on participation in the Security Action for Europe instrument"
)


def test_topic_suggestions_ignore_accents_and_fill_the_box(live_server, page):
    BriefingFactory(tags=["Québec", "defence"])
    log_in(page, live_server, editor(username="desk-editor"))
    page.goto(live_server.url + reverse("admin:newsroom_briefing_add"))
    tags = page.locator("#id_tags")
    tags.click()
    tags.type("defence, queb")
    suggestion = page.locator(".topic-suggestions [role=option]")
    suggestion.first.wait_for()
    assert suggestion.all_inner_texts() == ["Québec"]
    assert tags.get_attribute("aria-expanded") == "true"
    screenshot(page, "admin-briefing-topic-suggestions")
    tags.press("ArrowDown")
    tags.press("Enter")
    assert tags.input_value() == "defence, Québec, "
    assert page.locator(".topic-suggestions").is_hidden()
    assert page.url.endswith(reverse("admin:newsroom_briefing_add"))  # Enter took, not submitted


def test_the_form_fits_1280_px_and_autocompletes_show_whole_names(live_server, page):
    AgreementFactory(title=LONG_TITLE)
    briefing = BriefingFactory(headline="Pact signed in Brussels")
    KeyFigureFactory(briefing=briefing, label="Planned SAFE loans to member states")
    SourceFactory(briefing=briefing, title="Joint statement of the EU–Canada summit")
    log_in(page, live_server, editor(username="desk-editor"))
    page.goto(live_server.url + reverse("admin:newsroom_briefing_change", args=[briefing.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for group in ("#key_figures-group", "#sources-group"):
        box = page.locator(group).bounding_box()
        assert box["x"] + box["width"] <= 1280
        scroll = page.locator(f"{group} .tabular").evaluate("e => e.scrollWidth - e.clientWidth")
        assert scroll <= 0, f"{group} scrolls sideways by {scroll}px"
    label = page.locator("#id_key_figures-0-label")
    label_box = label.bounding_box()
    assert label_box["x"] >= 0 and label_box["x"] + label_box["width"] <= 1280
    page.locator(".field-agreements .select2-selection").click()
    page.locator(".field-agreements .select2-search__field").fill("Security and Defence")
    option = page.locator(".select2-results__option", has_text="annex on participation")
    option.wait_for()
    assert option.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert "Security Action for Europe instrument" in option.inner_text()
    screenshot(page, "admin-briefing-change-form")
