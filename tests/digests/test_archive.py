"""Why a digest or alert arrived, its web version and the archive of past editions, over a real
Celery worker and a real SMTP server, then followed as a reader would."""

import re

import pytest
from django.core.management import call_command
from taggit.models import Tag

from briefings.digests import editions, selection
from briefings.digests.models import Edition
from briefings.newsroom.models import Briefing
from tests.digests import test_sending
from tests.digests.factories import SubscriberFactory
from tests.digests.support import path_of
from tests.digests.test_sending import html_of, text_of
from tests.factories import ActorFactory, editor

dossier = test_sending.dossier  # the same briefings and follows as the sending tests


def run_edition(kind="daily"):
    call_command("send_digest", kind, "--wait", "30")
    return Edition.objects.get(kind=kind)


def test_digest_says_why_and_links_its_web_version(client, smtp_server, celery_worker, dossier):
    italy = ActorFactory(name="Italian Republic", short_name="Italy <IT>")
    signed = dossier["briefings"][0]
    signed.actors.add(italy)
    SubscriberFactory(email="all@mail.example")
    SubscriberFactory(
        email="some@mail.example",
        follow_all=False,
        tags=[dossier["defence"]],
        actors=[italy],
        agreements=[dossier["pact"]],
    )
    edition = run_edition()
    smtp_server.wait_for(2)

    [everything] = smtp_server.to("all@mail.example")
    assert "You follow everything the desk publishes." in text_of(everything)
    assert "You follow everything the desk publishes." in html_of(everything)
    [some] = smtp_server.to("some@mail.example")
    reason = "You follow Defence, Italy <IT> and EU–Canada Security and Defence Partnership."
    assert reason in text_of(some)
    assert "You follow Defence, Italy &lt;IT&gt; and EU–Canada" in html_of(some)
    assert "Italy <IT>" not in html_of(some)  # a name is text in the HTML part, never markup
    preferences = re.search(r"Change what you receive: (\S+)", text_of(some)).group(1)
    assert client.get(path_of(preferences)).status_code == 200

    web = f"https://desk.example{edition.get_absolute_url()}"
    assert f"On the web: {web}" in text_of(some) and web in html_of(some)
    page = client.get(path_of(web))
    assert page.status_code == 200
    body = page.content.decode()
    for briefing in dossier["briefings"]:  # everything readers' edition, whatever one follows
        assert briefing.headline in body
    archive = client.get("/en/digests/").content.decode()
    assert edition.get_absolute_url() in archive

    # Withdrawn since it was sent: gone from the web version, warm cache or not, no trace.
    signed.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")
    body = client.get(path_of(web)).content.decode()
    assert signed.headline not in body and signed.get_absolute_url() not in body
    assert dossier["briefings"][1].headline in body


def test_a_newly_sent_edition_joins_a_warm_archive(client, smtp_server, celery_worker, dossier):
    assert "daily digest" not in client.get("/en/digests/").content.decode()  # cached, empty
    SubscriberFactory(email="all@mail.example")
    edition = run_edition()
    assert edition.get_absolute_url() in client.get("/en/digests/").content.decode()


@pytest.mark.django_db
def test_alert_says_which_follow_it_answers(smtp_server, dossier):
    pact = dossier["pact"]
    SubscriberFactory(
        email="pact@mail.example",
        follow_all=False,
        agreements=[pact],
        tags=[Tag.objects.create(name="Trade")],
        instant_alerts=True,
    )
    SubscriberFactory(email="all@mail.example", instant_alerts=True)
    assert editions.send_alerts(dossier["briefings"][0].pk) == 0
    smtp_server.wait_for(2)
    [alert] = smtp_server.to("pact@mail.example")
    assert "You follow EU–Canada Security and Defence Partnership." in text_of(alert)
    assert "Trade" not in text_of(alert)  # only the follows that matched
    [alert] = smtp_server.to("all@mail.example")
    assert "You follow everything the desk publishes." in text_of(alert)


@pytest.mark.django_db
def test_planned_and_unsent_editions_have_no_page(client, dossier):
    """Started but not finished, or finished with nobody sent to: not in the archive."""
    edition = editions.start_edition("daily")  # no subscribers: complete at once, none sent
    assert edition.get_absolute_url().startswith("/en/digests/daily-")
    assert client.get(edition.get_absolute_url()).status_code == 404
    for bad in (
        "/en/digests/daily-2025-13-45/",
        "/en/digests/daily-0000-01-01/",
        "/en/digests/monthly-2025-01-01/",
        "/en/digests/daily-2025-01-01%00/",
    ):
        assert client.get(bad).status_code == 404, bad
    for page in ("%00", "99999", "-1", "x" * 5000):
        assert client.get(f"/en/digests/?page={page}").status_code == 200, page


def test_reason_phrases():
    follows = selection.Follows(follow_all=False, tags={1, 2}, actors={5})
    names = {"tags": {1: "defence", 2: "trade"}, "actors": {5: "Italy"}, "agreements": {}}
    hit = [selection.Candidate(briefing=None, tags={1}, actors={5})]
    assert selection.reason(follows, hit, names) == "You follow defence and Italy."
    one = [selection.Candidate(briefing=None, tags={2})]
    assert selection.reason(follows, one, names) == "You follow trade."
    assert selection.reason(selection.Follows(), hit, names) == selection.EVERYTHING
