"""Two editors in two browsers edit the same briefing: the second save is refused, not lost."""

import pytest

from tests.conftest import screenshot
from tests.factories import DraftFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("#id_username", user.username)
    tab.fill("#id_password", "correct-horse-battery")
    tab.click("input[type=submit]")
    tab.wait_for_url(f"{live_server.url}/admin/")
    return context, tab


def test_two_browsers_get_a_refusal_not_an_overwrite(browser, live_server):
    alice = editor(first_name="Alice", last_name="Martin")
    bob = editor(first_name="Bob", last_name="Roy")
    briefing = DraftFactory(headline="Canada and the EU sign a pact", body="First draft.")
    url = f"{live_server.url}/admin/newsroom/briefing/{briefing.pk}/change/"
    contexts = []
    try:
        alice_ctx, alice_tab = logged_in(browser, live_server, alice)
        bob_ctx, bob_tab = logged_in(browser, live_server, bob)
        contexts = [alice_ctx, bob_ctx]
        alice_tab.goto(url)
        bob_tab.goto(url)
        # Bob's presence ping has run: Alice's next page load names him.
        alice_tab.goto(url)
        assert "Bob Roy" in alice_tab.locator("#presence").inner_text()

        alice_tab.fill("#id_headline", "Canada and the EU sign a defence pact in Brussels")
        bob_text = "Bob's paragraph, typed while Alice was saving."
        bob_tab.fill("#id_body", bob_text)
        alice_tab.click("input[name=_continue]")
        alice_tab.wait_for_selector(".messagelist .success")

        bob_tab.click("input[name=_continue]")
        bob_tab.wait_for_selector(".edit-conflict")
        screenshot(bob_tab, "edit-conflict")
        conflict = bob_tab.locator(".edit-conflict").inner_text()
        assert "Someone else saved this briefing" in conflict
        assert "Alice Martin" in conflict
        assert "Canada and the EU sign a defence pact in Brussels" in conflict
        assert bob_tab.input_value("#id_body") == bob_text  # nothing typed is lost
        assert (
            "changed by someone else"
            in bob_tab.locator(".errornote, .errorlist").first.inner_text()
            or "changed by someone else" in bob_tab.content()
        )
        briefing.refresh_from_db()
        assert briefing.body == "First draft."
        assert briefing.headline == "Canada and the EU sign a defence pact in Brussels"

        # Having read Alice's change, Bob saves deliberately; history shows both saves.
        bob_tab.click("input[name=_continue]")
        bob_tab.wait_for_selector(".messagelist .success")
        briefing.refresh_from_db()
        assert briefing.body == bob_text
        bob_tab.goto(f"{url.removesuffix('change/')}revisions/")
        rows = bob_tab.locator("#revision-list tbody tr")
        assert rows.count() == 2

        # Compare the two saves side by side, then undo Bob's by restoring Alice's.
        bob_tab.click("text=Compare selected revisions")
        bob_tab.wait_for_selector("table.revision-diff")
        screenshot(bob_tab, "revision-compare")
        changed = bob_tab.locator("table.revision-diff tr.diff-changed")
        assert changed.count() >= 1
        assert bob_text in bob_tab.locator("table.revision-diff").inner_text()
        bob_tab.click("text=Restore revision 1")
        bob_tab.wait_for_selector(".messagelist .success")
        assert bob_tab.input_value("#id_body") == "First draft."
        bob_tab.goto(f"{url.removesuffix('change/')}revisions/")
        assert rows.count() == 3
        assert "Restored revision 1" in rows.first.inner_text()
        screenshot(bob_tab, "revision-history")
        for tab in (alice_tab, bob_tab):
            assert not tab.console_errors, tab.console_errors
    finally:
        for context in contexts:
            context.close()
