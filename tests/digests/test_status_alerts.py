"""Status alerts: a party's status changing in the admin alerts its followers, once each.

Through the admin as an editor uses it, a real Celery worker on the real broker and a real
SMTP server: the preview first (nothing saved), then the decision (send, or a silent
correction), then what arrives.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from briefings.agreements import statuschange
from briefings.agreements.models import Party, PartyAction
from briefings.digests import editions
from briefings.digests.models import StatusAlert, StatusAlertBatch, Subscriber
from tests.admin_support import admin_url, save_with_status_decision
from tests.digests.factories import SubscriberFactory
from tests.digests.test_sending import html_of, text_of
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    DraftFactory,
    PartyActionFactory,
    PartyFactory,
    editor,
)
from tests.support import wait_until

HEADLINE = "Italy ratified CETA on 14 March 2025"


@pytest.fixture
def ceta():
    """CETA with Italy signed only, the desk's briefings on it, and every kind of reader."""
    agreement = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement", short_name="CETA", slug="ceta"
    )
    italy = ActorFactory(name="Italy", short_name="")
    party = PartyFactory(agreement=agreement, actor=italy)
    PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE)
    public = BriefingFactory(
        headline="Why Rome waited", publish_at=timezone.now() - datetime.timedelta(hours=2)
    )
    public.agreements.add(agreement)
    draft = DraftFactory(headline="DRAFT-ONLY analysis of the vote")
    draft.agreements.add(agreement)
    alerted = [
        SubscriberFactory(
            email="ceta@mail.example", follow_all=False, agreements=[agreement], instant_alerts=True
        ),
        SubscriberFactory(
            email="italy@mail.example", follow_all=False, actors=[italy], instant_alerts=True
        ),
        SubscriberFactory(email="all@mail.example", instant_alerts=True),
    ]
    for state in (Subscriber.State.PENDING, Subscriber.State.UNSUBSCRIBED):
        SubscriberFactory(
            state=state, follow_all=False, agreements=[agreement], instant_alerts=True
        )
    SubscriberFactory(follow_all=False, agreements=[agreement])  # digests only
    SubscriberFactory(follow_all=False, agreements=[agreement], instant_alerts=True, paused=True)
    SubscriberFactory(follow_all=False, agreements=[AgreementFactory()], instant_alerts=True)
    return {"agreement": agreement, "party": party, "public": public, "alerted": alerted}


def ratification(party, **extra):
    """The party page's form as the editor posts it, with a ratification row added."""
    return {
        "agreement": party.agreement_id,
        "actor": party.actor_id,
        "role": "party",
        "note": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "1",
        "actions-0-id": party.actions.order_by("date").first().pk,
        "actions-0-party": party.pk,
        "actions-0-kind": "signature",
        "actions-0-date": "2016-10-30",
        "actions-1-party": party.pk,
        "actions-1-kind": "ratification",
        "actions-1-date": "2025-03-14",
        "actions-1-place": "Roma",
        "actions-1-note": "Senato, 150–12",
        **extra,
    }


def test_a_ratification_in_the_admin_alerts_each_follower_once(
    smtp_server, celery_worker, editor_client, ceta
):
    party = ceta["party"]
    url = admin_url(party, "change", party.pk)
    note = "Rome's vote <b>ends</b> a nine-year wait & more"
    preview, response = save_with_status_decision(
        editor_client, url, ratification(party), "send", note=note
    )

    page = preview.content.decode()
    assert f"{HEADLINE}: status Signed → Ratified. This will alert 3 followers." in page
    assert 'value="Roma"' in page and "Senato, 150–12" in page  # nothing typed is lost
    assert response.status_code == 302
    assert Party.objects.get(pk=party.pk).status == Party.Status.BOUND
    batch = wait_until(lambda: StatusAlertBatch.objects.filter(done_at__isnull=False).first())
    messages = smtp_server.wait_for(3)

    assert sorted(r for _, rcpts, _ in smtp_server.messages for r in rcpts) == sorted(
        s.email for s in ceta["alerted"]
    )
    assert batch.headline == HEADLINE and batch.note == note
    ids = {s.email: s.pk for s in ceta["alerted"]}
    for _, [address], message in smtp_server.messages:
        assert message["Subject"] == f"Alert: {HEADLINE}"
        assert message["Message-ID"] == f"<status.{batch.pk}.{ids[address]}@briefings.example>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<https://desk.example/en/subscribe/")
        assert message["List-Id"]
        html, text = html_of(message), text_of(message)
        assert "Rome&#x27;s vote &lt;b&gt;ends&lt;/b&gt; a nine-year wait &amp; more" in html
        assert note in text
        assert "Signed → Ratified" in text
        assert f"https://desk.example{ceta['public'].get_absolute_url()}" in html
        assert "https://desk.example/en/agreements/ceta/" in text
        assert "DRAFT-ONLY" not in html + text
        # Why it came: the follow that matched (the agreement, the party's actor, or all).
        reasons = ("You follow CETA.", "You follow Italy.", "You follow everything the desk")
        assert sum(reason in text for reason in reasons) == 1, text
    assert StatusAlert.objects.filter(state="sent").count() == 3

    # Saving the page again changes no status: no question, no second alert.
    signature, ratified = party.actions.order_by("date")
    data = ratification(party, **{"actions-0-id": signature.pk, "actions-1-id": ratified.pk})
    again = editor_client.post(url, {**data, "actions-INITIAL_FORMS": "2"})
    assert again.status_code == 302
    assert editions.send_status_alerts(batch.pk) == 0  # a stray redelivery of the batch
    assert editions.dispatch_stranded_status_alerts() == []
    assert len(messages) == 3 and len(smtp_server.messages) == 3
    assert StatusAlertBatch.objects.count() == 1


def test_silent_correction_saves_and_sends_nothing(smtp_server, celery_worker, editor_client, ceta):
    party = ceta["party"]
    _, response = save_with_status_decision(
        editor_client, admin_url(party, "change", party.pk), ratification(party), "silent"
    )

    assert response.status_code == 302
    assert Party.objects.get(pk=party.pk).status == Party.Status.BOUND
    assert not StatusAlertBatch.objects.exists()  # no work recorded: nothing can go out
    assert editions.dispatch_stranded_status_alerts() == []
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_the_preview_saves_nothing_and_a_different_change_is_asked_again(editor_client, ceta):
    party = ceta["party"]
    url = admin_url(party, "change", party.pk)
    undecided = editor_client.post(url, ratification(party, alert_note="Kept across the preview"))
    assert undecided.status_code == 200
    assert "Kept across the preview" in undecided.content.decode()
    assert party.actions.count() == 1 and not StatusAlertBatch.objects.exists()

    # A confirmation of some other change (a stale or tampered form) is not this change's.
    stale = editor_client.post(
        url, ratification(party, alert_decision="send", alert_change="1.2:none>bound:-")
    )
    assert stale.status_code == 200
    assert "This will alert 3 followers" in stale.content.decode()
    assert party.actions.count() == 1 and not StatusAlertBatch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("alert_note", "nul\x00byte"),
        ("alert_note", "x" * 501),
        ("alert_decision", "send-twice<script>"),
        ("alert_change", "\x00"),
    ],
)
def test_bad_decisions_are_form_errors_and_save_nothing(editor_client, ceta, field, value):
    party = ceta["party"]
    url = admin_url(party, "change", party.pk)
    preview = editor_client.post(url, ratification(party))
    change = preview.context["adminform"].form["alert_change"].value()
    decision = {"alert_decision": "send", "alert_change": change, field: value}
    response = editor_client.post(url, ratification(party, **decision))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert party.actions.count() == 1 and not StatusAlertBatch.objects.exists()


@pytest.mark.django_db
def test_the_party_action_page_asks_too_and_records_the_change(editor_client, ceta):
    party = ceta["party"]
    data = {"party": party.pk, "kind": "withdrawal", "date": "2026-01-01", "place": ""}
    preview, response = save_with_status_decision(
        editor_client, admin_url(PartyAction, "add"), data, "send"
    )
    assert "Italy withdrew from CETA on 1 January 2026: status Signed → Withdrawn" in (
        preview.content.decode()
    )
    assert response.status_code == 302
    batch = StatusAlertBatch.objects.get()
    assert (batch.old_status, batch.new_status) == ("signed", "withdrawn")
    assert batch.created_by.username


@pytest.mark.django_db
def test_a_change_rolled_back_with_its_save_leaves_no_alert(ceta):
    """The batch is written in the save's transaction: no save, no alert."""
    party = ceta["party"]
    with pytest.raises(RuntimeError), transaction.atomic():
        before = party.status
        PartyActionFactory(party=party, kind="ratification", date=datetime.date(2025, 3, 14))
        statuschange.announce(statuschange.StatusChange.since(before, party.pk), "", None)
        assert StatusAlertBatch.objects.count() == 1
        raise RuntimeError
    assert not StatusAlertBatch.objects.exists()


@pytest.mark.django_db
def test_headlines_follow_the_action_and_its_precision():
    party = PartyFactory(actor=ActorFactory(name="European Union", short_name="EU"))
    agreement = party.agreement.display_name
    PartyActionFactory(
        party=party,
        kind="provisional_application",
        date=datetime.date(2017, 9, 1),
        date_precision="month",
    )
    change = statuschange.StatusChange.since("none", party.pk)
    assert change.headline == f"EU began provisionally applying {agreement} in September 2017"
    assert editions.status_alert_recipients(party.agreement_id, party.actor_id).count() == 0


@pytest.mark.django_db
def test_the_desk_sees_status_alerts_read_only(client, ceta, django_assert_max_num_queries):
    party = ceta["party"]
    PartyActionFactory(party=party, kind="ratification", date=datetime.date(2025, 3, 14))
    statuschange.announce(statuschange.StatusChange.since("signed", party.pk), "A <note>", None)
    batch = StatusAlertBatch.objects.get()
    client.force_login(editor(is_superuser=True))
    url = admin_url(StatusAlertBatch, "changelist")
    with django_assert_max_num_queries(12):
        listing = client.get(url)
    page = client.get(admin_url(batch, "change", batch.pk))

    assert HEADLINE in listing.content.decode()
    assert "A &lt;note&gt;" in page.content.decode() and 'name="_save"' not in page.content.decode()
    assert client.post(admin_url(batch, "delete", batch.pk)).status_code == 403
