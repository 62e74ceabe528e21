"""What an email provider's webhooks report, fed into the records the SMTP path keeps.

Anymail verifies each webhook's signature (a forged one answers 400 before anything here
runs) and normalises the provider's payload into an `AnymailTrackingEvent`. A hard bounce
or a complaint suppresses the address at once (the provider has done its own retries), a
soft bounce is counted (`DIGEST_SOFT_BOUNCE_LIMIT` of them suppress), an unsubscribe made in
the provider's own footer or list is recorded as ours. The delivery or alert the event is
about, found by our Message-ID, is marked failed as an SMTP refusal would have marked it.
"""

import logging
import re

from anymail.signals import EventType, RejectReason
from django.db import IntegrityError, transaction

from briefings.digests.models import Alert, Delivery, FeedbackEvent, Subscriber

log = logging.getLogger(__name__)

# Our Message-IDs (mime.message_id): <digest.EDITION.SUBSCRIBER@domain>, <alert.BRIEFING.SUB…>
OUR_MESSAGE_ID = re.compile(r"<?(digest|alert)\.(\d{1,18})\.(\d{1,18})@[^>]*>?")

# Raw provider types that anymail folds into BOUNCED but that are temporary.
SOFT_TYPES = {"soft_bounced"}


def kind_of(event):
    """The feedback kind of an anymail tracking event, or None for what we do not keep."""
    if event.event_type == EventType.COMPLAINED:
        return FeedbackEvent.Kind.COMPLAINT
    if event.event_type == EventType.UNSUBSCRIBED:
        return FeedbackEvent.Kind.UNSUBSCRIBE
    if event.event_type == EventType.DEFERRED:
        return FeedbackEvent.Kind.SOFT_BOUNCE
    if event.event_type == EventType.BOUNCED:
        raw = event.esp_event.get("data", {}) if isinstance(event.esp_event, dict) else {}
        if isinstance(raw, dict) and raw.get("type") in SOFT_TYPES:
            return FeedbackEvent.Kind.SOFT_BOUNCE
        return FeedbackEvent.Kind.HARD_BOUNCE
    if event.event_type == EventType.REJECTED and event.reject_reason in (
        RejectReason.BOUNCED,
        RejectReason.SPAM,
    ):
        # The provider refused to send to an address on its own suppression list.
        return FeedbackEvent.Kind.HARD_BOUNCE
    return None


def sent_message(message_id, subscriber):
    """The Delivery or Alert row our Message-ID names, for this subscriber only."""
    match = OUR_MESSAGE_ID.fullmatch((message_id or "").strip())
    if not match or subscriber is None or int(match[3]) != subscriber.pk:
        return None, None
    if match[1] == "digest":
        rows = Delivery.objects.filter(edition_id=int(match[2]), subscriber=subscriber)
        return rows.first(), None
    return None, Alert.objects.filter(briefing_id=int(match[2]), subscriber=subscriber).first()


def record(event, provider):
    """Apply one tracking event, once per provider event id. Returns the FeedbackEvent kept,
    or None for events the desk does not keep (deliveries, opens, clicks) and repeats."""
    kind = kind_of(event)
    recipient = (event.recipient or "").strip()[:254]
    if kind is None or not recipient:
        return None
    reason = (
        " ".join(part for part in (event.description, event.mta_response) if part)
        or event.event_type
    )
    event_id = str(event.event_id or f"{event.event_type}:{recipient}:{event.timestamp}")[:255]
    try:
        with transaction.atomic():
            subscriber = (
                Subscriber.objects.select_for_update().filter(email__iexact=recipient).first()
            )
            delivery, alert = sent_message(event.message_id, subscriber)
            kept = FeedbackEvent.objects.create(
                provider=provider.lower(),
                event_id=event_id,
                kind=kind,
                recipient=recipient,
                message_id=(event.message_id or "")[:255],
                description=reason[:1000],
                subscriber=subscriber,
                delivery=delivery,
                alert=alert,
                occurred_at=event.timestamp,
            )
            apply(kept, subscriber, delivery or alert, f"{provider}: {reason}")
    except IntegrityError:
        return None  # the provider sent this event before: already applied
    log.info(
        "provider feedback",
        extra={"provider": provider, "kind": kind, "subscriber": subscriber and subscriber.pk},
    )
    return kept


def apply(kept, subscriber, sent, reason):
    """The SMTP path's records: the message's row and the subscriber's bounce counts."""
    if sent is not None and kept.kind == FeedbackEvent.Kind.SOFT_BOUNCE:
        type(sent).objects.filter(pk=sent.pk).update(error=reason[:1000])
    elif sent is not None and kept.kind != FeedbackEvent.Kind.UNSUBSCRIBE:
        type(sent).objects.filter(pk=sent.pk).update(
            state=Delivery.State.FAILED, error=reason[:1000]
        )
    if subscriber is None:
        return
    if kept.kind == FeedbackEvent.Kind.UNSUBSCRIBE:
        subscriber.unsubscribe()
    elif kept.kind == FeedbackEvent.Kind.SOFT_BOUNCE:
        subscriber.record_soft_bounce(reason)
    else:
        subscriber.record_hard_bounce(reason, suppress=True)
