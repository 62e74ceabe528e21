"""An organisation's page as an editor sees it, in the real browser."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import screenshot
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    OfficeFactory,
    OfficeTermFactory,
    PersonFactory,
    editor,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_organisation_page_shows_members_offices_and_holders(live_server, page):
    user = editor(username="sam")
    eu = ActorFactory(name="European Union", short_name="EU", kind="bloc", slug="eu")
    commission = ActorFactory(name="European Commission", kind="institution")
    MembershipFactory(member=commission, organisation=eu, role="institution")
    MembershipFactory(
        member=ActorFactory(name="France"), organisation=eu, start_date=datetime.date(1958, 1, 1)
    )
    president = OfficeFactory(
        organisation=commission, role="President", title="President of the European Commission"
    )
    OfficeTermFactory(
        office=president,
        person=PersonFactory(name="Ursula von der Leyen"),
        start_date=datetime.date(2019, 12, 1),
    )
    OfficeFactory(organisation=commission, role="Vice-President", title="Vice-President")

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")

    page.goto(live_server.url + reverse("admin:actors_actor_change", args=[eu.pk]))
    members = page.locator("#members-group .select2-selection__rendered").all_inner_texts()
    assert members == ["European Commission", "France"]
    screenshot(page, "admin-actor-organisation")

    page.goto(live_server.url + reverse("admin:actors_actor_change", args=[commission.pk]))
    offices = page.locator("#offices-group")
    assert offices.get_by_text("Ursula von der Leyen").count() == 1
    assert offices.get_by_text("Vacant").count() == 1
    assert page.locator("#memberships-group .select2-selection__rendered").all_inner_texts() == [
        "European Union"
    ]

    page.goto(live_server.url + reverse("admin:actors_actor_changelist") + "?q=leyen")
    assert (
        page.locator("#result_list").get_by_text("President of the European Commission").count()
        == 1
    )
