"""A reader subscribes, confirms from the email that arrived, gets a digest and leaves."""

import re

from django.core.management import call_command
from playwright.sync_api import expect
from taggit.models import Tag

from briefings.digests.models import Subscriber
from tests.conftest import screenshot
from tests.factories import ActorFactory, BriefingFactory


def link_in(message, pattern):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, text).group(1)


def test_subscribe_confirm_receive_unsubscribe(
    page, live_server, smtp_server, celery_worker, settings
):
    settings.SITE_URL = live_server.url
    defence = Tag.objects.create(name="Defence", slug="defence")
    BriefingFactory(headline="Canada and the EU sign a defence pact", tags=[defence])

    page.goto(f"{live_server.url}/en/subscribe/?tag=defence")
    assert page.get_by_label("Defence").is_checked()
    page.get_by_label("Email address", exact=True).fill("reader@mail.example")
    page.locator("main").get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    screenshot(page, "digests-check-inbox")

    [confirmation] = smtp_server.wait_for(1)
    page.goto(link_in(confirmation, r"Confirm: (\S+)"))
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_text("Subscription confirmed").wait_for()
    assert page.get_by_label("Defence").is_checked()
    screenshot(page, "digests-preferences")
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED

    [welcome] = [m for m in smtp_server.wait_for(2) if m["Subject"] == "Welcome to Briefing Desk"]
    assert "What you follow: Defence." in link_in(welcome, r"(What you follow: .*)")

    call_command("send_digest", "daily", "--wait", "30")
    [digest] = [m for m in smtp_server.wait_for(3) if "defence pact" in m["Subject"]]
    assert digest["Subject"] == "Canada and the EU sign a defence pact"
    assert link_in(digest, r"(You follow [^\r\n]*)") == "You follow Defence."
    # Its web version, and the archive that lists it.
    page.goto(link_in(digest, r"On the web: (\S+)"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily digest")
    expect(page.get_by_text("Canada and the EU sign a defence pact")).to_be_visible()
    screenshot(page, "digests-web-version")
    page.get_by_role("link", name="Past digests").first.click()
    expect(page.get_by_role("link", name="Daily digest")).to_be_visible()
    page.goto(link_in(digest, r"Unsubscribe: (\S+)"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You're unsubscribed").wait_for()
    screenshot(page, "digests-unsubscribed")
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED


def test_a_long_list_of_actors_narrows_as_the_reader_types(page, live_server):
    costa = ActorFactory(name="António Costa", slug="antonio-costa", kind="person")
    ActorFactory(name="Canada", slug="canada")
    for number in range(30):
        ActorFactory(name=f"Delegation {number:02}", slug=f"delegation-{number:02}")
    page.goto(f"{live_server.url}/en/subscribe/")
    actors = page.get_by_role("group", name="Actors")
    expect(actors).to_be_hidden()  # folded: the form fits one screen
    page.get_by_label("Only what I choose").check()
    expect(page.get_by_role("group", name="Topics")).to_be_visible()  # the first list opens
    page.locator("summary", has_text="Actors").click()
    boxes = actors.get_by_role("checkbox")
    assert boxes.count() == 32

    page.get_by_label("Filter actors").fill("antonio cos")
    expect(boxes).to_have_count(1)
    expect(actors.get_by_text("1 of 32 shown")).to_be_visible()
    actors.get_by_label("António Costa").check()

    # A ticked box stays in view whatever is typed next.
    page.get_by_label("Filter actors").fill("CANADA")
    expect(boxes).to_have_count(2)
    expect(actors.get_by_text("2 of 32 shown")).to_be_visible()
    screenshot(page, "digests-filter-actors")
    page.get_by_label("Filter actors").fill("")
    expect(boxes).to_have_count(32)
    assert actors.get_by_label("António Costa").is_checked()
    assert page.locator(f"input[value='{costa.slug}']:checked").count() == 1
