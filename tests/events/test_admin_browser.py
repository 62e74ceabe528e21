"""An event page saved as an editor saves it, in the real browser, with every inline posted."""

import datetime

import pytest
from django.urls import reverse

from briefings.events.models import Event
from tests.conftest import screenshot
from tests.factories import ActorFactory, EventFactory, ParticipationFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_saves_a_summit_with_participants_and_events_within(live_server, page):
    user = editor(username="noor")
    summit = EventFactory(
        title="EU–Canada summit",
        start_date=datetime.date(2025, 6, 1),
        start_precision="month",
        place_name="Brussels",
        country=ActorFactory(name="Belgium"),
    )
    ParticipationFactory(event=summit, actor=ActorFactory(name="Canada"), role="visitor")
    signing = EventFactory(title="Signing of the partnership", kind="signing", parent=summit)

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:events_event_change", args=[summit.pk]))

    assert (
        page.locator("#participations-group .select2-selection__rendered").inner_text() == "Canada"
    )
    assert page.locator("#children-group").get_by_text("Signing of the partnership").count() == 1
    screenshot(page, "admin-event-summit")
    page.fill("#id_place_name", "Bruxelles/Brussel")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    summit.refresh_from_db()
    assert summit.place_name == "Bruxelles/Brussel"
    assert list(summit.children.all()) == [signing]
    assert [p.actor.name for p in summit.participations.all()] == ["Canada"]
    assert Event.objects.count() == 2
