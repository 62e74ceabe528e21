"""Review emails, over real SMTP: editors hear of a submission, writers of a send-back or schedule.

Each is an outbox entry recorded with the move and sent by the outbox dispatcher after commit,
once: a second sweep sends nothing, and a move that fails records nothing.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from briefings.newsroom.models import Briefing, Outbox
from tests.factories import DraftFactory, UserFactory, add_byline, editor, writer
from tests.newsroom.test_admin_briefing import change_url, form_data
from tests.support import run_outbox

pytestmark = pytest.mark.django_db
Status = Briefing.Status


def own_draft(author, **kwargs):
    briefing = DraftFactory(created_by=author, **kwargs)
    add_byline(briefing, author)
    return briefing


def test_a_writers_submission_emails_every_editor_once(smtp_server):
    author = writer(username="hmarchand", first_name="Hélène", last_name="Marchand")
    boss, other_boss = editor(username="boss"), editor(username="boss2")
    UserFactory(username="outsider")  # staff without the publish permission
    editor(username="gone", is_active=False)
    briefing = own_draft(author, headline="SAFE: Canada's <seat> at the table")
    briefing.transition(Status.REVIEW, by=author, note="Ready; figures checked")
    assert smtp_server.messages == []  # nothing before the dispatcher runs
    assert run_outbox() == 1
    [message] = smtp_server.wait_for(1)
    assert set(smtp_server.messages[0][1]) == {boss.email, other_boss.email}
    assert message["Subject"] == "Submitted for review: SAFE: Canada's <seat> at the table"
    body = message.get_content()
    assert "Hélène Marchand submitted “SAFE: Canada's <seat> at the table” for review." in body
    assert "Note: Ready; figures checked" in body
    assert change_url(briefing) in body
    assert message["Message-ID"].startswith("<review.")
    assert run_outbox() == 0
    assert len(smtp_server.messages) == 1


def test_sent_back_and_scheduled_email_the_writer_not_the_editor(smtp_server):
    author, boss = writer(username="okafor"), editor(username="boss")
    briefing = own_draft(author, status=Status.REVIEW)
    briefing.transition(Status.DRAFT, by=boss, note="Source the €150 billion")
    briefing.transition(Status.REVIEW, by=author)
    year = timezone.now().year + 1
    when = datetime.datetime(year, 6, 23, 12, tzinfo=datetime.UTC)
    briefing.transition(Status.SCHEDULED, by=boss, publish_at=when)
    run_outbox()
    messages = smtp_server.wait_for(3)
    to_writer = smtp_server.to(author.email)
    assert [m["Subject"].split(":")[0] for m in to_writer] == ["Sent back to draft", "Scheduled"]
    assert "Note: Source the €150 billion" in to_writer[0].get_content()
    assert f"23 June {year}, 14:00 CEST" in to_writer[1].get_content()
    assert len(smtp_server.to(boss.email)) == 1  # the resubmission only
    assert len(messages) == 3


def test_an_editors_own_moves_and_the_scheduler_send_nothing(smtp_server):
    boss = editor(username="boss")
    editor(username="boss2")
    briefing = DraftFactory(created_by=boss)
    briefing.transition(Status.REVIEW, by=boss)  # an editor submitting needs no review mail
    briefing.transition(Status.PUBLISHED, by=boss)
    assert not Outbox.objects.filter(kind=Outbox.Kind.REVIEW_NOTICE).exists()


def test_a_refused_move_records_no_email():
    author = writer()
    briefing = own_draft(author)
    with pytest.raises(ValidationError):
        briefing.transition(Status.SCHEDULED, by=editor(), publish_at=timezone.now())
    assert not Outbox.objects.exists()


def test_a_failed_send_is_retried_and_then_sent(smtp_server):
    author, boss = writer(), editor()
    briefing = own_draft(author)
    smtp_server.refuse = "451 Try again later"
    briefing.transition(Status.REVIEW, by=author)
    assert run_outbox() == 0
    entry = Outbox.objects.get(kind=Outbox.Kind.REVIEW_NOTICE)
    assert entry.done_at is None and entry.attempts == 1
    smtp_server.refuse = None
    Outbox.objects.filter(pk=entry.pk).update(next_attempt_at=timezone.now())
    assert run_outbox() == 1
    assert smtp_server.to(boss.email)


def test_submitting_from_the_change_form_emails_the_editors(client, smtp_server):
    author, boss = writer(), editor()
    briefing = own_draft(author)
    client.force_login(author)
    client.post(change_url(briefing), form_data(briefing, dek="New", _move="review"))
    run_outbox()
    [message] = smtp_server.wait_for(1)
    assert smtp_server.to(boss.email)
    assert "for review" in message.get_content()
