"""The welcome email: once after a subscription starts, never for a change of choices."""

import datetime
import re

from django.utils import timezone
from taggit.models import Tag

from briefings.digests import tasks
from briefings.digests.models import Subscriber
from tests.digests.support import path_of
from tests.digests.test_subscribe import SUBSCRIBE, confirm_link, form
from tests.factories import AgreementFactory, BriefingFactory
from tests.support import wait_until


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_confirming_sends_one_welcome_and_a_change_none(client, smtp_server, celery_worker):
    tag = Tag.objects.create(name="Defence", slug="defence")
    pact = AgreementFactory(title="EU–Canada pact", short_name="Pact <EU>", slug="pact")
    BriefingFactory(tags=[tag]).agreements.add(pact)
    client.post(
        SUBSCRIBE,
        form(follow="chosen", tags=["defence"], agreements=["pact"], frequency="weekly"),
    )
    [confirmation] = smtp_server.wait_for(1)
    link = confirm_link(confirmation)
    assert client.post(link).status_code == 302
    assert client.post(link).status_code == 410  # the same link twice: spent
    subscriber = Subscriber.objects.get()
    wait_until(lambda: Subscriber.objects.filter(welcomed_at__isnull=False).exists())
    smtp_server.wait_for(2)
    [welcome] = [m for m in smtp_server.to("ana@mail.example") if "Welcome" in m["Subject"]]
    text = text_of(welcome)
    assert "What you follow: Defence, Pact <EU>." in text
    assert "A weekly digest every Monday at 07:00 (Brussels time)" in text
    html = welcome.get_body(preferencelist=("html",)).get_content()
    assert "Pact &lt;EU&gt;" in html and "Pact <EU>" not in html
    assert welcome["Message-ID"] == f"<welcome.{subscriber.pk}.0@briefings.example>"
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    preferences = re.search(r"Change what you receive, or pause: (\S+)", text).group(1)
    unsubscribe = re.search(r"Leave at any time \(one click\): (\S+)", text).group(1)
    assert client.get(path_of(preferences)).status_code == 200
    assert client.get("/en/digests/").status_code == 200

    # A duplicated task finds the welcome sent; a later change of choices sends none.
    assert tasks.send_welcome(subscriber.pk) is False
    client.post(SUBSCRIBE, form(follow="all"))
    smtp_server.wait_for(3)
    [change] = [m for m in smtp_server.to("ana@mail.example") if "Confirm" in m["Subject"]][1:]
    assert client.post(confirm_link(change)).status_code == 302
    assert client.post(path_of(unsubscribe)).status_code == 200
    # Settled: nothing but the two confirmations and the one welcome went out.
    subjects = sorted(m["Subject"] for m in smtp_server.to("ana@mail.example"))
    assert subjects.count("Welcome to Briefing Desk") == 1 and len(subjects) == 3


def test_a_welcome_for_everything_and_never_to_the_unsubscribed(smtp_server, celery_worker):
    reader = Subscriber.objects.create(email="all@mail.example")
    assert tasks.send_welcome(reader.pk) is False  # pending: nothing
    reader.confirm({"follow_all": True, "frequency": "daily", "instant_alerts": True,
                    "tags": [], "actors": [], "agreements": []})  # fmt: skip
    assert tasks.send_welcome(reader.pk) is True
    [welcome] = smtp_server.wait_for(1)
    text = text_of(welcome)
    assert "What you follow: everything the desk publishes." in text
    assert "A daily digest every morning at 07:00" in text and "an alert as soon as" in text


def test_a_lost_welcome_is_sent_by_the_sweep_once_and_only_in_its_window(
    smtp_server, celery_worker
):
    """The welcome's task went nowhere (the broker was down as the confirmation committed):
    the sweep has the worker send it, and leaves alone a subscription still in its grace
    minutes, one days old, and one that no longer receives."""
    everything = {"follow_all": True, "frequency": "daily", "instant_alerts": False,
                  "tags": [], "actors": [], "agreements": []}  # fmt: skip
    now = timezone.now()
    readers = {}
    for name, ago in [("lost", 10), ("grace", 1), ("old", 3 * 24 * 60), ("paused", 10)]:
        reader = Subscriber.objects.create(email=f"{name}@mail.example")
        reader.confirm(everything, now=now - datetime.timedelta(minutes=ago))
        readers[name] = reader
    Subscriber.objects.filter(pk=readers["paused"].pk).update(paused=True)

    assert set(Subscriber.objects.unwelcomed()) == {readers["lost"]}
    assert tasks.welcome_missed() == 1  # queued for the real worker
    wait_until(
        lambda: Subscriber.objects.filter(welcomed_at__isnull=False).exists(),
        message="the sweep's welcome",
    )
    [welcome] = smtp_server.wait_for(1)
    assert welcome["To"] == "lost@mail.example"
    assert welcome["Subject"] == "Welcome to Briefing Desk"
    assert tasks.welcome_missed() == 0
    assert list(Subscriber.objects.filter(welcomed_at__isnull=False)) == [readers["lost"]]
