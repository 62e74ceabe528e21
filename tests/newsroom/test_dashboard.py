"""The desk's home: the admin index lists what each user needs next, in constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models import Briefing
from tests.factories import BriefingFactory, DraftFactory, add_byline, editor, writer

pytestmark = pytest.mark.django_db
Status = Briefing.Status
INDEX = reverse("admin:index")


def section(html, key):
    start = html.index(f'desk-list-{key}"')
    return html[start : html.index("</section>", start)]


def desk(author, boss):
    own = DraftFactory(headline="My own draft on SAFE", created_by=author)
    add_byline(own, author)
    DraftFactory(headline="Someone else's draft")
    review = DraftFactory(headline="Pact text for review", status=Status.REVIEW, created_by=author)
    add_byline(review, author)
    returned = DraftFactory(headline="Returned piece", status=Status.REVIEW, created_by=author)
    add_byline(returned, author)
    returned.transition(Status.DRAFT, by=boss, note="Source the €150 billion figure")
    scheduled = DraftFactory(headline="Summit curtain-raiser", status=Status.REVIEW)
    scheduled.transition(
        Status.SCHEDULED, by=boss, publish_at=timezone.now() + datetime.timedelta(days=2)
    )
    BriefingFactory(headline="Pact signed in Brussels")
    edited = DraftFactory(headline="Edited by the editor", created_by=author)
    add_byline(edited, author)
    edited.save_revision(boss, note="Tightened the dek")
    return own


def test_a_writer_sees_own_drafts_corrections_and_others_edits(client):
    author, boss = writer(), editor()
    desk(author, boss)
    client.force_login(author)
    html = client.get(INDEX).text
    drafts = section(html, "drafts")
    assert "My own draft on SAFE" in drafts
    assert "Someone else" not in html
    assert "Source the €150 billion figure" in section(html, "corrections")
    assert "Pact text for review" in section(html, "review")
    assert "My briefings in review" in html
    assert "Tightened the dek" in section(html, "edits")
    assert 'id="app-list-heading"' in html  # the app list stays reachable below


def test_an_editor_sees_the_review_queue_and_the_schedule_on_the_desk_clock(client):
    author, boss = writer(), editor()
    desk(author, boss)
    client.force_login(boss)
    html = client.get(INDEX).text
    assert "Waiting for your review" in html
    assert "Pact text for review" in section(html, "review")
    scheduled = section(html, "scheduled")
    assert "Summit curtain-raiser" in scheduled
    assert "CET" in scheduled or "CEST" in scheduled
    assert "UTC" in scheduled
    assert "Pact signed in Brussels" in section(html, "published")


def test_headlines_are_escaped(client):
    boss = editor()
    add_byline(DraftFactory(headline="<script>alert(1)</script>", created_by=boss), boss)
    client.force_login(boss)
    html = client.get(INDEX).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("rounds", [1, 4])
def test_the_dashboard_runs_constant_queries(client, django_assert_max_num_queries, rounds):
    author, boss = writer(), editor()
    for _ in range(rounds):
        desk(author, boss)
    for user in (author, boss):
        client.force_login(user)
        client.get(INDEX)
        with django_assert_max_num_queries(13):
            assert client.get(INDEX).status_code == 200
