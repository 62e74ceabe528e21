"""Nothing typed is lost on the change form: moves save first, "View on site" previews.

Issue 13's bugs, reproduced first: a workflow button dropped the form's unsaved edits, and
"View on site" linked the public URL, a 404 for anything not public yet.
"""

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing, Transition
from tests.factories import BriefingFactory, DraftFactory, editor, writer
from tests.newsroom.test_admin_briefing import change_url, form_data, in_the_future, own_draft

pytestmark = pytest.mark.django_db
Status = Briefing.Status


def test_submit_for_review_saves_the_unsaved_dek_first(client):
    author = writer()
    briefing = own_draft(author, dek="Old dek")
    client.force_login(author)
    response = client.post(
        change_url(briefing), form_data(briefing, dek="New dek, typed", _move="review")
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.dek == "New dek, typed"
    assert briefing.status == Status.REVIEW
    assert briefing.revisions.first().data["dek"] == "New dek, typed"
    assert Transition.objects.get(briefing=briefing).to_status == Status.REVIEW


def test_an_invalid_form_refuses_the_move_and_keeps_the_text(client):
    author = writer()
    briefing = own_draft(author, dek="Old dek")
    client.force_login(author)
    data = form_data(briefing, headline="", dek="Kept dek", _move="review")
    response = client.post(change_url(briefing), data)
    assert response.status_code == 200
    assert "Kept dek" in response.text
    assert "The move was not made" in response.text
    briefing.refresh_from_db()
    assert (briefing.status, briefing.dek) == (Status.DRAFT, "Old dek")


def test_a_stale_form_refuses_the_move_and_shows_the_conflict(client):
    boss = editor()
    briefing = DraftFactory(dek="Old dek", status="review")
    stale = form_data(briefing, dek="My dek", _move="scheduled", publish_at="2099-06-23T14:00")
    briefing.transition(Status.DRAFT, by=boss)  # someone else moves it meanwhile
    client.force_login(boss)
    response = client.post(change_url(briefing), stale)
    assert response.status_code == 200
    assert "My dek" in response.text
    assert "Someone else saved this briefing" in response.text
    briefing.refresh_from_db()
    assert (briefing.status, briefing.dek) == (Status.DRAFT, "Old dek")


def test_schedule_from_the_change_form_saves_then_schedules(client):
    boss = editor()
    briefing = DraftFactory(status="review", dek="Before")
    client.force_login(boss)
    data = form_data(
        briefing, dek="After", _move="scheduled", publish_at="2099-06-23T14:00", note="Embargo"
    )
    response = client.post(change_url(briefing), data)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert (briefing.status, briefing.dek) == (Status.SCHEDULED, "After")
    assert briefing.transitions.get().note == "Embargo"


def test_a_refused_move_after_a_valid_save_keeps_the_save_and_says_why(client):
    boss = editor()
    briefing = DraftFactory(status="review", dek="Before")
    client.force_login(boss)
    data = form_data(briefing, dek="After", _move="scheduled", publish_at="2001-01-01T10:00")
    response = client.post(change_url(briefing), data, follow=True)
    briefing.refresh_from_db()
    assert (briefing.status, briefing.dek) == (Status.REVIEW, "After")
    assert "That time has passed" in response.text


def test_a_move_nobody_offered_is_refused_after_saving(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    response = client.post(
        change_url(briefing), form_data(briefing, dek="Mine", _move="published"), follow=True
    )
    briefing.refresh_from_db()
    assert (briefing.status, briefing.dek) == (Status.DRAFT, "Mine")
    assert "You may not make this move" in response.text


def test_move_buttons_belong_to_the_change_form(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    html = client.get(change_url(briefing)).text
    assert 'form="briefing_form" name="_move" value="review"' in html


@pytest.mark.parametrize("status", ["draft", "review", "scheduled"])
def test_view_on_site_opens_the_preview_for_anything_not_public(client, status):
    extra = {"publish_at": in_the_future()} if status == "scheduled" else {}
    briefing = DraftFactory(status=status, **extra)
    client.force_login(editor())
    html = client.get(change_url(briefing)).text
    preview = reverse("newsroom:desk_preview", args=[briefing.pk])
    assert f'href="{preview}" class="viewsitelink"' in html
    assert client.get(preview).status_code == 200


def test_view_on_site_links_the_public_page_once_public(client):
    briefing = BriefingFactory()
    client.force_login(editor())
    html = client.get(change_url(briefing)).text
    assert f'href="{briefing.get_absolute_url()}" class="viewsitelink"' in html


def test_a_new_briefing_is_saved_and_submitted_in_one_press(client):
    author = writer()
    client.force_login(author)
    add = reverse("admin:newsroom_briefing_add")
    assert 'name="_move" value="review"' in client.get(add).text
    data = form_data(Briefing(headline="Fresh", slug="fresh", body="Typed"), _move="review")
    del data["base_version"]
    response = client.post(add, data)
    briefing = Briefing.objects.get(slug="fresh")
    assert response.status_code == 302
    assert response["Location"] == change_url(briefing)
    assert (briefing.status, briefing.body, briefing.created_by) == (Status.REVIEW, "Typed", author)
    assert briefing.revisions.count() == 1


def test_an_invalid_new_briefing_is_not_submitted_and_keeps_the_text(client):
    client.force_login(writer())
    data = form_data(Briefing(headline="", slug="fresh", body="Keep me"), _move="review")
    del data["base_version"]
    response = client.post(reverse("admin:newsroom_briefing_add"), data)
    assert response.status_code == 200
    assert "Keep me" in response.text and "The move was not made" in response.text
    assert not Briefing.objects.exists()
