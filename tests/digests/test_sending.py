"""Digests and alerts over a real Celery worker and a real SMTP server: what arrives, and once."""

import datetime
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from briefings.digests import editions, tasks
from briefings.digests.models import Alert, Delivery, Edition, Subscriber
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published
from tests.digests.factories import SubscriberFactory
from tests.digests.support import path_of
from tests.factories import AgreementFactory, BriefingFactory
from tests.support import wait_until

HOUR = datetime.timedelta(hours=1)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def run_edition(kind="daily"):
    call_command("send_digest", kind, "--wait", "30")
    return Edition.objects.with_counts().get(kind=kind)


@pytest.fixture
def dossier():
    """Two public briefings on an agreement, one on a tag, and a subscriber for each taste."""
    pact = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    defence = Tag.objects.create(name="Defence", slug="defence")
    now = timezone.now()
    signed = BriefingFactory(
        headline="Canada and the EU sign a defence pact", publish_at=now - HOUR
    )
    signed.agreements.add(pact)
    signed.tags.add(defence)
    safe = BriefingFactory(headline="What SAFE access would take", publish_at=now - 3 * HOUR)
    safe.agreements.add(pact)
    other = BriefingFactory(headline="Ministers meet in Ottawa", publish_at=now - 2 * HOUR)
    return {"pact": pact, "defence": defence, "briefings": [signed, other, safe]}


def test_daily_digest_on_the_wire(client, any_smtp_server, celery_worker, dossier):
    everything = SubscriberFactory(email="all@mail.example")
    tagged = SubscriberFactory(
        email="tag@mail.example", follow_all=False, tags=[dossier["defence"]]
    )
    SubscriberFactory(
        email="none@mail.example", follow_all=False, tags=[Tag.objects.create(name="Trade")]
    )
    SubscriberFactory(email="paused@mail.example", paused=True)
    SubscriberFactory(email="weekly@mail.example", frequency="weekly")
    SubscriberFactory(email="gone@mail.example", state=Subscriber.State.UNSUBSCRIBED)
    SubscriberFactory(
        email="pending@mail.example", state=Subscriber.State.PENDING, confirmed_at=None
    )

    edition = run_edition()
    assert (edition.sent_count, edition.failed_count, edition.pending_count) == (2, 0, 0)
    messages = any_smtp_server.wait_for(2)
    assert len(messages) == 2
    assert {rcpt for _, rcpts, _ in any_smtp_server.messages for rcpt in rcpts} == {
        "all@mail.example",
        "tag@mail.example",
    }

    [message] = any_smtp_server.to("all@mail.example")
    assert message["To"] == "all@mail.example"
    assert message["Subject"] == "Canada and the EU sign a defence pact — and 2 more briefings"
    assert message["List-Id"] == "Briefing Desk digest <digest.briefings.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get(subscriber=everything)
    assert (
        message["Message-ID"]
        == delivery.message_id
        == f"<digest.{edition.pk}.{everything.pk}@briefings.example>"
    )
    https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert https.startswith("https://desk.example/en/subscribe/unsubscribe/")
    assert mailto.startswith("mailto:unsubscribe@briefings.example")
    assert message.get_content_type() == "multipart/alternative"

    text, html = text_of(message), html_of(message)
    # Grouped by dossier, newest group first, newest first within a group.
    order = [
        text.index(h) for h in ("Canada and the EU sign", "What SAFE access", "Ministers meet")
    ]
    assert order == sorted(order)
    assert "== EU–Canada Security and Defence Partnership ==" in text
    assert "Other briefings" in html
    assert 'style="' in html and "<table" in html and "prefers-color-scheme: dark" in html
    for briefing in dossier["briefings"]:
        assert f"https://desk.example{briefing.get_absolute_url()}" in html
    assert https in html and https in text  # a visible unsubscribe link

    # The links work when followed.
    preferences = re.search(r"Change what you receive: (\S+)", text).group(1)
    assert client.get(path_of(preferences)).status_code == 200
    assert client.get(path_of(dossier["briefings"][0].get_absolute_url())).status_code == 200
    assert client.post(path_of(https)).status_code == 200
    everything.refresh_from_db()
    assert everything.state == Subscriber.State.UNSUBSCRIBED

    [only_tag] = any_smtp_server.to("tag@mail.example")
    assert only_tag["Subject"] == "Canada and the EU sign a defence pact"
    assert "Ministers meet" not in text_of(only_tag)
    tagged.refresh_from_db()
    assert tagged.last_digest_at == edition.ends_at


def test_two_ticks_send_one_email_each(smtp_server, celery_worker, dossier):
    for n in range(5):
        SubscriberFactory(email=f"r{n}@mail.example")
    tasks.start_edition.delay("daily")
    tasks.start_edition.delay("daily")
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists())
    # A redelivered or duplicated chunk task finds the work done.
    for chunk in Edition.objects.get().chunks.all():
        tasks.send_chunk.delay(chunk.pk)
        tasks.send_chunk.delay(chunk.pk)
    tasks.tick.delay()
    run_edition()
    smtp_server.wait_for(5)
    assert Edition.objects.count() == 1
    recipients = sorted(r for _, rcpts, _ in smtp_server.messages for r in rcpts)
    assert recipients == [f"r{n}@mail.example" for n in range(5)]


def test_concurrent_chunk_runs_never_duplicate(smtp_server, celery_worker, dossier, settings):
    settings.DIGEST_CHUNK_SIZE = 3
    for n in range(10):
        SubscriberFactory(email=f"c{n}@mail.example")
    edition = editions.start_edition("daily")
    assert edition.chunks.count() == 4
    for chunk in edition.chunks.all():
        for _ in range(3):
            tasks.send_chunk.delay(chunk.pk)
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists())
    smtp_server.wait_for(10)
    recipients = sorted(r for _, rcpts, _ in smtp_server.messages for r in rcpts)
    assert recipients == sorted(f"c{n}@mail.example" for n in range(10))


def test_smtp_refusing_mid_run_resumes_without_resending_or_skipping(
    any_smtp_server, celery_worker, dossier
):
    for n in range(6):
        SubscriberFactory(email=f"s{n}@mail.example")
    state = {"accepted": 0, "down": True}
    accept = any_smtp_server.handle_RCPT

    async def flaky(server, session, envelope, address, rcpt_options):
        if state["down"] and state["accepted"] >= 2:
            return "451 4.3.0 Mailbox busy, try again later"
        state["accepted"] += 1
        return await accept(server, session, envelope, address, rcpt_options)

    any_smtp_server.handle_RCPT = flaky
    tasks.start_edition.delay("daily")
    wait_until(lambda: Delivery.objects.exclude(error="").count() == 4)
    assert len(any_smtp_server.messages) == 2
    assert Delivery.objects.filter(state="claimed").count() == 4
    state["down"] = False  # the server recovers; the chunk's retry with backoff finishes the job
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists())
    any_smtp_server.wait_for(6)
    recipients = sorted(r for _, rcpts, _ in any_smtp_server.messages for r in rcpts)
    assert recipients == [f"s{n}@mail.example" for n in range(6)]
    assert Delivery.objects.filter(state="sent").count() == 6


def test_smtp_down_then_back(smtp_server, celery_worker, dossier, settings):
    SubscriberFactory(email="patient@mail.example")
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    mailers = {
        "default": {**settings.MAILERS["default"], "OPTIONS": {"host": "127.0.0.1", "port": 9}}
    }
    settings.MAILERS = mailers  # nothing listens on the discard port: connection refused
    tasks.start_edition.delay("daily")
    wait_until(lambda: Edition.objects.filter(chunks__dispatched_at__isnull=False).exists())
    chunk = Edition.objects.get().chunks.get()
    settings.MAILERS = {
        "default": {**mailers["default"], "OPTIONS": {"host": "127.0.0.1", "port": port}}
    }
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists())
    smtp_server.wait_for(1)
    assert len(smtp_server.to("patient@mail.example")) == 1
    chunk.refresh_from_db()
    assert chunk.done_at


def test_crash_window_resends_same_message_id_and_skips_sent(smtp_server, celery_worker, dossier):
    sent = SubscriberFactory(email="sent@mail.example")
    claimed = SubscriberFactory(email="claimed@mail.example")
    SubscriberFactory(email="fresh@mail.example")
    edition = editions.start_edition("daily")
    Delivery.objects.create(edition=edition, subscriber=sent, state="sent", message_id="<x@y>")
    Delivery.objects.create(
        edition=edition,
        subscriber=claimed,
        message_id=f"<digest.{edition.pk}.{claimed.pk}@briefings.example>",
    )
    run_edition()
    smtp_server.wait_for(2)
    assert smtp_server.to("sent@mail.example") == []
    [again] = smtp_server.to("claimed@mail.example")
    assert again["Message-ID"] == f"<digest.{edition.pk}.{claimed.pk}@briefings.example>"
    assert len(smtp_server.to("fresh@mail.example")) == 1


def test_hard_bounces_are_recorded_and_suppress(any_smtp_server, celery_worker, dossier, settings):
    settings.DIGEST_HARD_BOUNCE_LIMIT = 1
    bad = SubscriberFactory(email="nobody@mail.example")
    SubscriberFactory(email="good@mail.example")
    accept = any_smtp_server.handle_RCPT

    async def refuse_one(server, session, envelope, address, rcpt_options):
        if address == "nobody@mail.example":
            return "550 5.1.1 No such user"
        return await accept(server, session, envelope, address, rcpt_options)

    any_smtp_server.handle_RCPT = refuse_one
    edition = run_edition()
    assert (edition.sent_count, edition.failed_count) == (1, 1)
    failed = Delivery.objects.get(subscriber=bad)
    assert failed.state == "failed" and "550" in failed.error
    bad.refresh_from_db()
    assert bad.state == Subscriber.State.SUPPRESSED and bad.hard_bounces == 1


def test_no_match_no_email_and_next_digest_only_new(smtp_server, celery_worker):
    reader = SubscriberFactory(email="reader@mail.example")
    edition = run_edition()
    assert edition.completed_at and edition.sent_count == 0
    assert smtp_server.messages == []
    old = BriefingFactory(headline="Yesterday's news", publish_at=timezone.now() - 2 * HOUR)
    reader.last_digest_at = timezone.now() - HOUR
    reader.save()
    new = BriefingFactory(headline="Fresh this morning", publish_at=timezone.now() - HOUR / 2)
    tomorrow = editions.start_edition("daily", now=timezone.now() + datetime.timedelta(days=1))
    for chunk in tomorrow.chunks.all():
        tasks.send_chunk.delay(chunk.pk)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == new.headline
    assert old.headline not in text_of(message)


def test_instant_alerts_once_per_briefing_and_subscriber(smtp_server, celery_worker, dossier):
    pact = dossier["pact"]
    fan = SubscriberFactory(
        email="fan@mail.example", follow_all=False, agreements=[pact], instant_alerts=True
    )
    SubscriberFactory(email="quiet@mail.example", follow_all=False, agreements=[pact])
    SubscriberFactory(
        email="elsewhere@mail.example",
        follow_all=False,
        instant_alerts=True,
        agreements=[AgreementFactory()],
    )
    briefing = dossier["briefings"][0]
    briefing_published.send(sender=Briefing, briefing=briefing)
    briefing_published.send(sender=Briefing, briefing=briefing)
    wait_until(lambda: Alert.objects.filter(state="sent").exists())
    tasks.send_alerts.delay(briefing.pk)
    [message] = smtp_server.wait_for(1)
    wait_until(lambda: not Alert.objects.filter(state="claimed").exists())
    assert [r for _, rcpts, _ in smtp_server.messages for r in rcpts] == ["fan@mail.example"]
    assert message["Subject"] == f"Alert: {briefing.headline}"
    assert message["Message-ID"] == f"<alert.{briefing.pk}.{fan.pk}@briefings.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Alert.objects.get().subscriber == fan


@pytest.mark.django_db
def test_alert_refusals_bounce_or_retry_and_the_retry_sends_once(smtp_server, dossier, settings):
    settings.DIGEST_HARD_BOUNCE_LIMIT = 1
    pact = dossier["pact"]
    follows = {"follow_all": False, "agreements": [pact], "instant_alerts": True}
    gone = SubscriberFactory(email="gone@mail.example", **follows)
    SubscriberFactory(email="busy@mail.example", **follows)
    accept = smtp_server.handle_RCPT
    busy = {"refusing": True}

    async def refuse(server, session, envelope, address, rcpt_options):
        if address == "gone@mail.example":
            return "550 5.1.1 No such user"
        if address == "busy@mail.example" and busy["refusing"]:
            return "451 4.3.0 Try again later"
        return await accept(server, session, envelope, address, rcpt_options)

    smtp_server.handle_RCPT = refuse
    briefing = dossier["briefings"][0]
    assert editions.send_alerts(briefing.pk) == 1
    states = dict(Alert.objects.values_list("subscriber__email", "state"))
    assert states == {"gone@mail.example": "failed", "busy@mail.example": "claimed"}
    assert "451" in Alert.objects.get(subscriber__email="busy@mail.example").error
    gone.refresh_from_db()
    assert gone.state == Subscriber.State.SUPPRESSED
    assert smtp_server.messages == []

    busy["refusing"] = False
    assert editions.send_alerts(briefing.pk) == 0
    assert editions.send_alerts(briefing.pk) == 0
    assert [r for _, rcpts, _ in smtp_server.messages for r in rcpts] == ["busy@mail.example"]
    assert Alert.objects.get(subscriber__email="busy@mail.example").state == "sent"


@pytest.mark.django_db
def test_tick_outside_the_catch_up_window_starts_nothing(settings):
    settings.DIGEST_DAILY_AT = "00:00"
    settings.DIGEST_CATCH_UP_HOURS = 0
    tasks.tick()
    assert not Edition.objects.exists()


def test_tick_starts_due_editions_once(smtp_server, celery_worker, settings, dossier):
    settings.DIGEST_DAILY_AT = "00:00"
    settings.DIGEST_CATCH_UP_HOURS = 24  # always due, whatever the hour the suite runs
    settings.DIGEST_WEEKLY_DAY = timezone.localtime(
        timezone.now(), zoneinfo.ZoneInfo(settings.DESK_TIME_ZONE)
    ).weekday()
    SubscriberFactory(email="daily@mail.example")
    SubscriberFactory(email="weekly@mail.example", frequency="weekly")
    tasks.tick.delay()
    tasks.tick.delay()
    wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).count() == 2)
    smtp_server.wait_for(2)
    assert sorted(Edition.objects.values_list("kind", flat=True)) == ["daily", "weekly"]
    assert sorted(r for _, rcpts, _ in smtp_server.messages for r in rcpts) == [
        "daily@mail.example",
        "weekly@mail.example",
    ]


@pytest.mark.django_db
def test_a_publication_nobody_follows_opens_no_smtp_connection(settings):
    """With the SMTP server unreachable, an alert run with no recipients still ends cleanly."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    SubscriberFactory(follow_all=True, instant_alerts=False)
    briefing = BriefingFactory()
    briefing.agreements.add(AgreementFactory())
    assert editions.send_alerts(briefing.pk) == 0
    assert not Alert.objects.exists()
