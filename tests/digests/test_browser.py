"""A reader subscribes, confirms from the email that arrived, gets a digest and leaves."""

import re

from django.core.management import call_command
from taggit.models import Tag

from briefings.digests.models import Subscriber
from tests.conftest import screenshot
from tests.factories import BriefingFactory


def link_in(message, pattern):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, text).group(1)


def test_subscribe_confirm_receive_unsubscribe(
    page, live_server, smtp_server, celery_worker, settings
):
    settings.SITE_URL = live_server.url
    defence = Tag.objects.create(name="Defence", slug="defence")
    BriefingFactory(headline="Canada and the EU sign a defence pact", tags=[defence])

    page.goto(f"{live_server.url}/subscribe/?tag=defence")
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

    call_command("send_digest", "daily", "--wait", "30")
    digest = smtp_server.wait_for(2)[1]
    assert digest["Subject"] == "Canada and the EU sign a defence pact"
    page.goto(link_in(digest, r"Unsubscribe: (\S+)"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You're unsubscribed").wait_for()
    screenshot(page, "digests-unsubscribed")
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED
