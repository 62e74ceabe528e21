"""Nothing typed is lost, in the real browser: moves save first, leaving asks first."""

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.conftest import screenshot
from tests.factories import BriefingFactory, DraftFactory, add_byline, editor, writer
from tests.newsroom.test_admin_briefing_browser import log_in
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]


def own_draft(author, **kwargs):
    briefing = DraftFactory(created_by=author, **kwargs)
    add_byline(briefing, author)
    return briefing


def change_url(live_server, briefing):
    return live_server.url + reverse("admin:newsroom_briefing_change", args=[briefing.pk])


def test_submit_for_review_with_an_unsaved_dek_keeps_the_dek(live_server, page):
    author = writer(username="desk-writer")
    briefing = own_draft(author, headline="SAFE access talks", dek="Old dek")
    log_in(page, live_server, author)
    page.goto(change_url(live_server, briefing))
    page.fill("#id_dek", "Canada joins SAFE talks, typed and never saved")
    page.get_by_role("button", name="Submit for review").click()

    assert "is now in review" in page.locator(".messagelist .success").inner_text()
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.REVIEW
    assert briefing.dek == "Canada joins SAFE talks, typed and never saved"
    assert page.locator(".field-dek .readonly").inner_text() == briefing.dek
    screenshot(page, "admin-briefing-moved-with-edits")


def test_an_invalid_form_is_not_moved_and_keeps_the_text(live_server, page):
    author = writer(username="desk-writer")
    briefing = own_draft(author, headline="SAFE access talks")
    log_in(page, live_server, author)
    page.goto(change_url(live_server, briefing))
    page.fill("#id_headline", "")
    page.fill("#id_body", "Two paragraphs I must not lose.")
    page.get_by_role("button", name="Submit for review").click()

    assert "The move was not made" in page.locator(".messagelist .error").inner_text()
    assert page.locator("#id_body").input_value() == "Two paragraphs I must not lose."
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DRAFT


def test_leaving_with_unsaved_edits_asks_first(live_server, page):
    author = writer(username="desk-writer")
    briefing = own_draft(author, headline="SAFE access talks")
    log_in(page, live_server, author)
    page.goto(change_url(live_server, briefing))
    page.click("#id_dek")
    page.keyboard.type("An edit")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="History").click()
    page.wait_for_function("() => true")
    assert asked == ["beforeunload"]
    assert page.url == change_url(live_server, briefing)
    assert page.locator("#id_dek").input_value().endswith("An edit")


def test_enter_in_a_field_saves_and_moves_nothing(live_server, page):
    author = writer(username="desk-writer")
    briefing = own_draft(author, headline="SAFE access talks")
    log_in(page, live_server, author)
    page.goto(change_url(live_server, briefing))
    page.fill("#id_headline", "SAFE access talks resume")
    page.press("#id_headline", "Enter")
    page.wait_for_selector(".messagelist .success")
    briefing.refresh_from_db()
    assert (briefing.headline, briefing.status) == ("SAFE access talks resume", "draft")


def test_close_the_page_mid_edit_reopen_and_restore(live_server, browser):
    author = writer(username="desk-writer")
    briefing = own_draft(author, headline="SAFE access talks", body="Saved body.")
    first = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = first.new_page()
    log_in(tab, live_server, author)
    tab.goto(change_url(live_server, briefing))
    tab.fill("#id_body", "Saved body.\n\nA paragraph typed, never saved.")
    status = tab.locator(".autosave-status")
    status.filter(has_text="Unsaved changes kept on the desk at").wait_for()
    first.close()  # the tab is gone: a crash, a closed window

    second = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = second.new_page()
    log_in(tab, live_server, author)
    tab.goto(change_url(live_server, briefing))
    prompt = tab.locator(".autosave-prompt")
    assert prompt.locator("h2").inner_text().startswith("Restore unsaved changes from ")
    assert tab.locator("#id_body").input_value() == "Saved body."
    screenshot(tab, "admin-briefing-autosave-prompt")
    prompt.get_by_role("button", name="Restore").click()
    assert tab.locator("#id_body").input_value().endswith("A paragraph typed, never saved.")
    tab.get_by_role("button", name="Submit for review").click()
    assert "is now in review" in tab.locator(".messagelist .success").inner_text()
    briefing.refresh_from_db()
    assert briefing.body.endswith("A paragraph typed, never saved.")
    assert not briefing.autosaves.exists()
    second.close()


def test_a_new_briefing_typed_then_closed_is_offered_back(live_server, browser):
    author = writer(username="desk-writer")
    first = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = first.new_page()
    log_in(tab, live_server, author)
    tab.goto(live_server.url + reverse("admin:newsroom_briefing_add"))
    tab.fill("#id_headline", "Canada and the EU sign a defence pact")
    tab.fill("#id_body", "Brussels, 23 June.")
    tab.locator(".autosave-status").filter(has_text="kept on the desk").wait_for()
    first.close()

    second = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = second.new_page()
    log_in(tab, live_server, author)
    tab.goto(live_server.url + reverse("admin:newsroom_briefing_add"))
    tab.locator(".autosave-prompt").get_by_role("button", name="Restore").click()
    assert tab.locator("#id_headline").input_value() == "Canada and the EU sign a defence pact"
    assert tab.locator("#id_slug").input_value() == "canada-and-the-eu-sign-a-defence-pact"
    assert tab.locator("#id_body").input_value() == "Brussels, 23 June."
    second.close()


def test_a_new_briefing_is_submitted_without_saving_first(live_server, page):
    author = writer(username="desk-writer")
    log_in(page, live_server, author)
    page.goto(live_server.url + reverse("admin:newsroom_briefing_add"))
    page.fill("#id_headline", "Canada and EU seal security and defence agreement")
    page.fill("#id_body", "Brussels, 23 June. The partnership was signed at the summit.")
    page.get_by_role("button", name="Save and submit for review").click()
    assert "is now in review" in page.locator(".messagelist .success").inner_text()
    briefing = Briefing.objects.get()
    assert briefing.status == Briefing.Status.REVIEW
    assert briefing.slug == "canada-and-eu-seal-security-and-defence-agreement"
    assert briefing.body.startswith("Brussels, 23 June.")


def test_a_french_editor_gets_back_a_translations_language_and_original(live_server, browser):
    """The autosave keeps the language and `translation_of` too, and the scripts speak the
    admin's language: the autocomplete is drawn without the kept original, so it is added."""
    original = BriefingFactory(headline="Canada and the EU sign a defence pact")
    author = editor(username="desk-editor")
    add_url = live_server.url + reverse("admin:newsroom_briefing_add")
    host = live_server.url.split("//")[1].split(":")[0]
    french = {"name": "django_language", "value": "fr", "domain": host, "path": "/"}

    first = browser.new_context(viewport={"width": 1280, "height": 900})
    first.add_cookies([french])
    tab = first.new_page()
    log_in(tab, live_server, author)
    tab.goto(add_url)
    assert tab.locator(".writing-tool.tool-bold").get_attribute("aria-label") == "Gras"
    tab.fill("#id_headline", "Le Canada et l'UE signent un pacte de défense")
    tab.select_option("#id_language", "fr")
    tab.locator(".field-translation_of .select2-selection").click()
    tab.fill(".select2-search__field", "defence pact")
    tab.locator(".select2-results__option", has_text=original.headline).click()
    tab.fill("#id_body", "Bruxelles, 23 juin.")
    tab.locator(".autosave-status").filter(
        has_text="Modifications non enregistrées gardées par la rédaction à"
    ).wait_for()
    first.close()

    second = browser.new_context(viewport={"width": 1280, "height": 900})
    second.add_cookies([french])
    tab = second.new_page()
    log_in(tab, live_server, author)
    tab.goto(add_url)
    assert tab.locator("#id_translation_of").input_value() == ""
    tab.locator(".autosave-prompt").get_by_role("button", name="Rétablir").click()
    assert tab.locator("#id_language").input_value() == "fr"
    assert tab.locator("#id_translation_of").input_value() == str(original.pk)
    shown = tab.locator(".field-translation_of .select2-selection__rendered").inner_text()
    assert original.headline in shown
    tab.locator(".autosave-status").filter(has_text="Relisez-le, puis enregistrez.").wait_for()
    tab.locator("input[name=_continue]").click()
    tab.wait_for_selector(".messagelist .success")
    saved = Briefing.objects.get(headline="Le Canada et l'UE signent un pacte de défense")
    assert (saved.language, saved.translation_of_id) == ("fr", original.pk)
    second.close()
