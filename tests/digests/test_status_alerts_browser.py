"""The status alert's confirmation as an editor meets it, in the real browser."""

import datetime

import pytest
from django.urls import reverse

from briefings.agreements.models import Party, PartyAction
from briefings.digests.models import StatusAlertBatch
from tests.conftest import screenshot
from tests.digests.factories import SubscriberFactory
from tests.factories import ActorFactory, AgreementFactory, PartyActionFactory, PartyFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_previews_then_sends_a_ratification_alert(live_server, page):
    user = editor(username="dana")
    ceta = AgreementFactory(short_name="CETA", slug="ceta")
    italy = PartyFactory(agreement=ceta, actor=ActorFactory(name="Italy", short_name=""))
    PartyActionFactory(party=italy, kind="signature", date=datetime.date(2016, 10, 30))
    SubscriberFactory(follow_all=False, agreements=[ceta], instant_alerts=True)

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:agreements_party_change", args=[italy.pk]))
    page.select_option("#id_actions-1-kind", "ratification")
    page.fill("#id_actions-1-date", "2025-03-14")
    page.fill("#id_actions-1-place", "Roma")
    page.click("input[name=_save]")

    preview = page.get_by_text("This will alert 1 follower.")
    preview.wait_for()
    assert "Italy ratified CETA on 14 March 2025: status Signed → Ratified" in preview.inner_text()
    assert page.input_value("#id_actions-1-place") == "Roma"  # nothing typed is lost
    assert italy.actions.count() == 1
    page.fill("#id_alert_note", "The Senate voted on Tuesday.")
    page.check("input[name=alert_decision][value=send]")
    screenshot(page, "admin-status-alert-preview")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    assert Party.objects.get(pk=italy.pk).status == Party.Status.BOUND
    assert PartyAction.objects.filter(party=italy, place="Roma").exists()
    batch = StatusAlertBatch.objects.get()
    assert (batch.headline, batch.note) == (
        "Italy ratified CETA on 14 March 2025",
        "The Senate voted on Tuesday.",
    )
