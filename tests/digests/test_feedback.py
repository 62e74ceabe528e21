"""Email provider feedback: signed webhook payloads posted to the real URL, as providers do.

Mailgun signs HMAC-SHA256(timestamp + token) with the webhook signing key, inside the JSON;
MailerSend signs HMAC-SHA256(body) with the signing secret, in a `Signature` header.
"""

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from briefings.digests import mime
from briefings.digests.models import Delivery, Edition, FeedbackEvent, Subscriber
from tests.digests.factories import SubscriberFactory

MAILGUN_KEY = "mailgun-signing-key-for-tests"
MAILERSEND_SECRET = "mailersend-signing-secret-for-tests"
MAILGUN_URL = "/email/webhooks/mailgun/tracking/"
MAILERSEND_URL = "/email/webhooks/mailersend/tracking/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def provider_keys(settings):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
        "MAILERSEND_SIGNING_SECRET": MAILERSEND_SECRET,
    }


def mailgun(
    event,
    recipient,
    *,
    token="a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",
    key=MAILGUN_KEY,
    message_id=None,
    **data,
):
    timestamp = "1767225600"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {
            "event": event,
            "timestamp": 1767225600.25,
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "recipient": recipient,
            "message": {"headers": {"message-id": message_id or "20260101.1@mg.example"}},
            **data,
        },
    }


def post_mailgun(client, payload):
    return client.post(MAILGUN_URL, json.dumps(payload), content_type="application/json")


def mailersend(kind, recipient, *, event_id="62fb66bef54a112e920b5493", **morph):
    return json.dumps(
        {
            "type": f"activity.{kind}",
            "created_at": "2026-01-01T07:00:05.000000Z",
            "data": {
                "id": event_id,
                "type": kind,
                "created_at": "2026-01-01T07:00:05.000000Z",
                "email": {
                    "id": "62fb66bec9ac9a6b3e7a0a26",
                    "message": {"id": "62fb66bec9ac9a6b3e7a0a25"},
                    "recipient": {"email": recipient},
                    "status": "rejected",
                },
                "morph": morph or None,
            },
        }
    ).encode()


def post_mailersend(client, body, *, secret=MAILERSEND_SECRET):
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        MAILERSEND_URL, body, content_type="application/json", HTTP_SIGNATURE=signature
    )


def sent_digest(subscriber):
    now = timezone.now()
    edition, _ = Edition.objects.get_or_create(
        kind="daily",
        period=now.date(),
        defaults={"starts_at": now - datetime.timedelta(days=1), "ends_at": now},
    )
    return Delivery.objects.create(
        edition=edition,
        subscriber=subscriber,
        state=Delivery.State.SENT,
        sent_at=now,
        message_id=mime.message_id("digest", edition.pk, subscriber.pk),
    )


def test_a_signed_mailgun_complaint_suppresses_the_subscriber(client):
    ana = SubscriberFactory(email="ana@mail.example")
    delivery = sent_digest(ana)
    payload = mailgun("complained", "Ana@Mail.example", message_id=delivery.message_id[1:-1])

    assert post_mailgun(client, payload).status_code == 200

    ana.refresh_from_db()
    assert ana.state == Subscriber.State.SUPPRESSED
    assert Subscriber.objects.receiving().count() == 0
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.error.startswith("Mailgun:")
    kept = FeedbackEvent.objects.get()
    assert (kept.kind, kept.provider, kept.subscriber, kept.delivery) == (
        "complaint",
        "mailgun",
        ana,
        delivery,
    )
    # The provider retries a webhook it thinks failed: the same event changes nothing twice.
    assert post_mailgun(client, payload).status_code == 200
    ana.refresh_from_db()
    assert ana.hard_bounces == 1
    assert FeedbackEvent.objects.count() == 1


def test_mailgun_bounces_hard_and_soft(client):
    ana = SubscriberFactory(email="ana@mail.example")
    temporary = mailgun(
        "failed",
        "ana@mail.example",
        token="1" * 50,
        severity="temporary",
        reason="generic",
        **{"delivery-status": {"code": 452, "message": "4.2.2 Mailbox full"}},
    )
    assert post_mailgun(client, temporary).status_code == 200
    ana.refresh_from_db()
    assert (ana.state, ana.soft_bounces, ana.hard_bounces) == ("confirmed", 1, 0)
    assert "Mailbox full" in ana.last_bounce

    permanent = mailgun(
        "failed",
        "ana@mail.example",
        token="2" * 50,
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 No such user"}},
    )
    assert post_mailgun(client, permanent).status_code == 200
    ana.refresh_from_db()
    assert (ana.state, ana.hard_bounces) == ("suppressed", 1)


@pytest.mark.parametrize(
    "forge",
    [
        lambda p: p["signature"].update(signature="0" * 64),
        lambda p: p["signature"].update(timestamp="1767225601"),
        lambda p: p["signature"].pop("signature"),
        lambda p: p.pop("signature"),
    ],
)
def test_a_forged_mailgun_webhook_is_refused(client, forge):
    ana = SubscriberFactory(email="ana@mail.example")
    payload = mailgun("complained", "ana@mail.example")
    forge(payload)
    assert post_mailgun(client, payload).status_code == 400
    ana.refresh_from_db()
    assert ana.state == Subscriber.State.CONFIRMED
    assert not FeedbackEvent.objects.exists()


def test_a_webhook_signed_with_another_key_is_refused(client):
    ana = SubscriberFactory(email="ana@mail.example")
    payload = mailgun("complained", "ana@mail.example", key="someone-elses-key")
    assert post_mailgun(client, payload).status_code == 400
    body = mailersend("spam_complaint", "ana@mail.example", object="spam_complaint")
    assert post_mailersend(client, body, secret="someone-elses-secret").status_code == 400
    assert client.post(MAILERSEND_URL, body, content_type="application/json").status_code == 400
    ana.refresh_from_db()
    assert ana.state == Subscriber.State.CONFIRMED
    assert not FeedbackEvent.objects.exists()


def test_mailersend_hard_bounce_soft_bounce_complaint_and_unsubscribe(client):
    hard = SubscriberFactory(email="hard@mail.example")
    soft = SubscriberFactory(email="soft@mail.example")
    spam = SubscriberFactory(email="spam@mail.example")
    gone = SubscriberFactory(email="gone@mail.example")
    events = [
        ("hard_bounced", hard, {"object": "recipient_bounce", "reason": "No such user"}),
        ("soft_bounced", soft, {"object": "recipient_bounce", "reason": "Mailbox full"}),
        ("spam_complaint", spam, {"object": "spam_complaint"}),
        ("unsubscribed", gone, {"object": "recipient_unsubscribe", "reason": "Clicked"}),
    ]
    for n, (kind, subscriber, morph) in enumerate(events):
        body = mailersend(kind, subscriber.email, event_id=f"ev{n}", **morph)
        assert post_mailersend(client, body).status_code == 200, kind
    for subscriber in (hard, soft, spam, gone):
        subscriber.refresh_from_db()
    assert (hard.state, hard.hard_bounces, hard.last_bounce) == (
        "suppressed",
        1,
        "MailerSend: No such user",
    )
    assert (soft.state, soft.soft_bounces) == ("confirmed", 1)
    assert spam.state == "suppressed"
    assert gone.state == "unsubscribed" and gone.unsubscribed_at is not None
    assert sorted(FeedbackEvent.objects.values_list("kind", flat=True)) == [
        "complaint",
        "hard_bounce",
        "soft_bounce",
        "unsubscribe",
    ]


def test_soft_bounces_add_up_to_suppression(client, settings):
    settings.DIGEST_SOFT_BOUNCE_LIMIT = 3
    ana = SubscriberFactory(email="ana@mail.example")
    for n in range(3):
        body = mailersend("soft_bounced", ana.email, event_id=f"soft{n}", object="recipient_bounce")
        assert post_mailersend(client, body).status_code == 200
        ana.refresh_from_db()
    assert (ana.state, ana.soft_bounces) == ("suppressed", 3)


def test_what_the_desk_does_not_keep_changes_nothing(client):
    ana = SubscriberFactory(email="ana@mail.example")
    for n, event in enumerate(["delivered", "opened", "clicked"]):
        assert post_mailgun(client, mailgun(event, ana.email, token=f"{n}" * 50)).status_code == 200
    # An address we do not know is kept (for the record) and harms no one.
    assert post_mailgun(client, mailgun("complained", "stranger@mail.example")).status_code == 200
    ana.refresh_from_db()
    assert ana.state == "confirmed"
    assert list(FeedbackEvent.objects.values_list("recipient", "subscriber")) == [
        ("stranger@mail.example", None)
    ]


def test_another_subscribers_message_id_is_not_marked(client):
    """A Message-ID names the subscriber too: one reader's complaint cannot fail another's."""
    ana = SubscriberFactory(email="ana@mail.example")
    bo = SubscriberFactory(email="bo@mail.example")
    delivery = sent_digest(bo)
    payload = mailgun("complained", ana.email, message_id=delivery.message_id)
    assert post_mailgun(client, payload).status_code == 200
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert FeedbackEvent.objects.get().delivery is None


def test_unconfigured_and_unknown_providers_answer_404(client, settings):
    settings.ANYMAIL = {}
    body = mailersend("hard_bounced", "ana@mail.example", object="recipient_bounce")
    assert post_mailersend(client, body).status_code == 404
    assert post_mailgun(client, mailgun("complained", "ana@mail.example")).status_code == 404
    response = client.post(
        "/email/webhooks/nosuch/tracking/", b"{}", content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"\x00\xff", b"[]", b'{"signature": "x"}', b"{" * 10_000]
)
def test_garbage_answers_400_not_500(client, body):
    assert client.post(MAILGUN_URL, body, content_type="application/json").status_code == 400
    assert client.post(MAILERSEND_URL, body, content_type="application/json").status_code == 400
    assert client.get(MAILGUN_URL).status_code == 405


def test_a_webhook_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    ana = SubscriberFactory(email="ana@mail.example")
    delivery = sent_digest(ana)
    payload = mailgun("complained", ana.email, message_id=delivery.message_id)
    with django_assert_max_num_queries(8):
        assert post_mailgun(client, payload).status_code == 200


def test_the_admin_lists_feedback_in_constant_queries(
    admin_client, client, django_assert_max_num_queries
):
    def grow(n, start):
        for i in range(start, start + n):
            reader = SubscriberFactory(email=f"r{i}@mail.example")
            message_id = sent_digest(reader).message_id
            payload = mailgun("complained", reader.email, token=f"{i:050d}", message_id=message_id)
            assert post_mailgun(client, payload).status_code == 200

    grow(2, 0)
    with django_assert_max_num_queries(12) as few:
        assert admin_client.get("/admin/digests/feedbackevent/").status_code == 200
    budget = len(few.captured_queries)  # before grow(): each request clears the query log
    grow(8, 2)
    with django_assert_max_num_queries(budget):
        response = admin_client.get("/admin/digests/feedbackevent/")
    assert "r9@mail.example" in response.content.decode()
    assert FeedbackEvent.objects.filter(delivery__isnull=False).count() == 10
    kept = FeedbackEvent.objects.first()
    change = admin_client.get(f"/admin/digests/feedbackevent/{kept.pk}/change/")
    assert change.status_code == 200
    assert (
        admin_client.post(f"/admin/digests/feedbackevent/{kept.pk}/change/", {}).status_code == 403
    )
