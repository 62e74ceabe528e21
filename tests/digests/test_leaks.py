"""Unpublished briefings never reach an inbox, whatever the subscriber follows."""

import datetime

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from briefings.agreements import statuschange
from briefings.digests import tasks
from briefings.digests.models import Alert
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published
from tests.digests.factories import SubscriberFactory
from tests.factories import (
    AgreementFactory,
    BriefingFactory,
    DraftFactory,
    PartyActionFactory,
    PartyFactory,
    editor,
)
from tests.support import wait_until

CANARY = "CANARY-7f3a91"
HOUR = datetime.timedelta(hours=1)


def unpublished_on(pact, now):
    """A briefing on the pact in every state readers must not see, each carrying the canary."""
    return [
        DraftFactory(),
        DraftFactory(status=Briefing.Status.REVIEW),
        BriefingFactory(status=Briefing.Status.SCHEDULED, publish_at=now + HOUR),
        BriefingFactory(status=Briefing.Status.WITHDRAWN, publish_at=now - HOUR, withdrawn_at=now),
        BriefingFactory(publish_at=now - 2 * HOUR, expires_at=now - HOUR / 2),
    ]


def test_unpublished_briefings_never_appear_in_digests_or_alerts(
    client, smtp_server, celery_worker
):
    now = timezone.now()
    pact = AgreementFactory(slug="pact")
    defence = Tag.objects.create(name="Defence", slug="defence")
    unpublished = unpublished_on(pact, now)
    public = BriefingFactory(headline="A public briefing", publish_at=now - HOUR)
    # Its French translation, still a draft: French readers get the original meanwhile.
    unpublished.append(DraftFactory(language="fr", translation_of=public))
    for n, briefing in enumerate([*unpublished, public]):
        if briefing is not public:
            briefing.headline = f"{CANARY} headline {n}"
            briefing.dek = f"{CANARY} dek"
            briefing.body = f"{CANARY} body"
            briefing.save()
        briefing.tags.add(defence)
        briefing.agreements.add(pact)
    subscribers = [
        SubscriberFactory(),
        SubscriberFactory(frequency="weekly"),
        SubscriberFactory(follow_all=False, tags=[defence]),
        SubscriberFactory(follow_all=False, agreements=[pact], instant_alerts=True),
        SubscriberFactory(instant_alerts=True),
        SubscriberFactory(language="fr"),
        SubscriberFactory(language="fr", follow_all=False, agreements=[pact], instant_alerts=True),
    ]

    call_command("send_digest", "daily", "--wait", "30")
    call_command("send_digest", "weekly", "--wait", "30")
    for briefing in unpublished:  # even a wrongly sent signal must not leak
        briefing_published.send(sender=Briefing, briefing=briefing)
    briefing_published.send(sender=Briefing, briefing=public)
    wait_until(lambda: Alert.objects.filter(state="sent").count() == 3)
    for briefing in unpublished:
        tasks.send_alerts.delay(briefing.pk)
    messages = smtp_server.wait_for(len(subscribers) + 3)

    assert len(messages) == len(subscribers) + 3  # the test would see a leak: mail did go out
    for message in messages:
        raw = message.as_bytes().decode("utf-8", "replace")
        parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
        assert CANARY not in raw
        assert all(CANARY not in part for part in parts)
        assert all("A public briefing" in part for part in parts)
    assert sum("(en anglais)" in m.get_body(preferencelist=("plain",)).get_content()
               for m in messages) == 3  # fmt: skip
    assert set(Alert.objects.values_list("briefing", flat=True)) == {public.pk}

    # Nor does the admin's preview of a subscriber's next digest.
    client.force_login(editor(is_superuser=True))
    for subscriber in subscribers:
        response = client.get(f"/admin/digests/subscriber/{subscriber.pk}/preview/")
        assert response.status_code == 200
        assert CANARY not in response.content.decode()


def test_status_alerts_link_only_public_briefings(smtp_server, celery_worker):
    """A party's status alert lists the desk's briefings on the agreement: the public ones."""
    now = timezone.now()
    party = PartyFactory(agreement=AgreementFactory(slug="pact"))
    for briefing in unpublished_on(party.agreement, now):
        briefing.headline, briefing.dek = f"{CANARY} headline", f"{CANARY} dek"
        briefing.save()
        briefing.agreements.add(party.agreement)
    public = BriefingFactory(headline="A public briefing", publish_at=now - HOUR)
    public.agreements.add(party.agreement)
    SubscriberFactory(follow_all=False, agreements=[party.agreement], instant_alerts=True)
    SubscriberFactory(instant_alerts=True)
    with transaction.atomic():
        PartyActionFactory(party=party, kind="ratification")
        change = statuschange.StatusChange.since("none", party.pk)
        statuschange.announce(change, "", None)
    messages = smtp_server.wait_for(2)

    for message in messages:
        raw = message.as_bytes().decode("utf-8", "replace")
        parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
        assert CANARY not in raw
        assert all(CANARY not in part and "A public briefing" in part for part in parts)
