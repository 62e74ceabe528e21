"""The briefing admin: every route that could move a briefing goes through transition().

A writer must not publish or schedule through the change form, the add form, a bulk action,
a crafted POST to the workflow view, or a `status` field slipped into a form.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models import Briefing, Transition
from tests.factories import (
    BriefingFactory,
    ContributorFactory,
    DraftFactory,
    UserFactory,
    add_byline,
    editor,
    writer,
)

pytestmark = pytest.mark.django_db
Status = Briefing.Status
BRUSSELS = ZoneInfo("Europe/Brussels")


def change_url(briefing):
    return reverse("admin:newsroom_briefing_change", args=[briefing.pk])


def transition_url(briefing):
    return reverse("admin:newsroom_briefing_transition", args=[briefing.pk])


CHANGELIST = "admin:newsroom_briefing_changelist"


def own_draft(user, **kwargs):
    briefing = DraftFactory(created_by=user, **kwargs)
    add_byline(briefing, user)
    return briefing


def form_data(briefing, **overrides):
    """What the change form posts for `briefing`, with no inline rows."""
    data = {
        "headline": briefing.headline,
        "slug": briefing.slug,
        "dek": briefing.dek,
        "body": briefing.body,
        "article_type": briefing.article_type,
        "language": briefing.language,
        "translation_of": briefing.translation_of_id or "",
        "tags": "",
        "base_version": briefing.version,
    }
    for prefix in ("byline_rows", "key_figures", "sources", "transitions", "corrections"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(overrides)
    return data


def in_the_future(hours=24):
    return timezone.now() + datetime.timedelta(hours=hours)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# A writer cannot publish or schedule by any route ---------------------------------------------


def test_writer_status_field_in_change_form_is_ignored(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    crafted = form_data(
        briefing,
        headline="Edited headline",
        status="published",
        publish_at="2020-01-01 10:00",
        first_published_at="2020-01-01 10:00",
    )
    response = client.post(change_url(briefing), crafted)
    assert response.status_code == 302, response.context and response.context["errors"]
    briefing.refresh_from_db()
    assert briefing.headline == "Edited headline"  # the form itself worked
    assert (briefing.status, briefing.publish_at) == (Status.DRAFT, None)
    assert not Briefing.objects.published().exists()


def test_writer_status_field_in_add_form_is_ignored(client):
    author = writer()
    own = ContributorFactory(user=author)
    client.force_login(author)
    data = form_data(DraftFactory.build(slug="fresh"), status="published", publish_at="2020-01-01")
    data.pop("base_version")
    data.update({"byline_rows-TOTAL_FORMS": 1, "byline_rows-0-contributor": own.pk})
    response = client.post(reverse("admin:newsroom_briefing_add"), data)
    assert response.status_code == 302
    created = Briefing.objects.get(slug="fresh")
    assert (created.status, created.publish_at, created.created_by) == (Status.DRAFT, None, author)
    assert created.byline() == [own]


@pytest.mark.parametrize("to", ["published", "scheduled"])
def test_writer_crafted_transition_post_is_refused(client, to):
    author = writer()
    briefing = own_draft(author)
    briefing.transition(Status.REVIEW, by=author)
    client.force_login(author)
    response = client.post(
        transition_url(briefing),
        {"to": to, "version": 2, "publish_at": "2030-06-01T14:00", "note": "x"},
        follow=True,
    )
    assert "You may not make this move." in messages_of(response)
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW
    assert Transition.objects.count() == 1


def test_writer_cannot_withdraw_own_published_briefing(client):
    author = writer()
    briefing = BriefingFactory(created_by=author)
    client.force_login(author)
    response = client.post(
        transition_url(briefing),
        {"to": "withdrawn", "version": briefing.version, "note": "Changed my mind"},
        follow=True,
    )
    assert "You may not make this move." in messages_of(response)
    briefing.refresh_from_db()
    assert briefing.status == Status.PUBLISHED


def test_writer_bulk_publish_action_is_not_available(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    changelist = client.get(reverse(CHANGELIST))
    actions = [value for value, _ in changelist.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert "publish_now" not in actions
    assert "cancel_schedule" not in actions
    client.post(
        reverse(CHANGELIST),
        {"action": "publish_now", "_selected_action": [briefing.pk]},
    )
    briefing.refresh_from_db()
    assert briefing.status == Status.DRAFT
    assert not Transition.objects.exists()


def test_writer_cannot_reach_someone_elses_briefing(client):
    mine, theirs = writer(), writer()
    briefing = own_draft(theirs)
    client.force_login(mine)
    changelist = client.get(reverse(CHANGELIST))
    assert briefing.headline not in changelist.content.decode()
    assert client.get(change_url(briefing)).status_code == 302  # "doesn't exist" redirect
    response = client.post(transition_url(briefing), {"to": "review", "version": 1})
    assert response.status_code == 404
    briefing.refresh_from_db()
    assert briefing.status == Status.DRAFT


def test_writer_cannot_edit_once_submitted_but_can_take_it_back(client):
    author = writer()
    briefing = own_draft(author)
    briefing.transition(Status.REVIEW, by=author)
    client.force_login(author)
    response = client.post(change_url(briefing), form_data(briefing, headline="Sneaky"))
    assert response.status_code == 403
    page = client.get(change_url(briefing)).content.decode()
    assert 'value="draft"' in page  # "Return to draft"
    assert 'value="published"' not in page
    assert 'value="scheduled"' not in page
    client.post(transition_url(briefing), {"to": "draft", "version": briefing.version})
    briefing.refresh_from_db()
    assert briefing.status == Status.DRAFT
    assert (
        client.post(change_url(briefing), form_data(briefing, headline="Better")).status_code == 302
    )


# Editors: buttons, times on the desk's clock, history ----------------------------------------


def test_editor_sees_the_buttons_for_a_briefing_in_review(client):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    client.force_login(boss)
    page = client.get(change_url(briefing)).content.decode()
    buttons = re.findall(
        r'<button type="submit" form="briefing_form" name="_move" value="(\w+)"', page
    )
    assert buttons == ["draft", "scheduled", "published"]
    assert 'name="status"' not in page  # status is never a form field


def test_editor_schedules_on_the_desk_clock_and_sees_utc(client):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    client.force_login(boss)
    year = timezone.now().year + 1
    response = client.post(
        transition_url(briefing),
        {"to": "scheduled", "version": briefing.version, "publish_at": f"{year}-07-01T14:00"},
        follow=True,
    )
    briefing.refresh_from_db()
    assert briefing.status == Status.SCHEDULED
    assert briefing.publish_at == datetime.datetime(year, 7, 1, 12, 0, tzinfo=datetime.UTC)
    page = response.content.decode()
    assert "14:00 CEST" in page
    assert "12:00 UTC" in page
    (record,) = briefing.transitions.all()
    assert (record.by, record.from_status, record.to_status) == (boss, "review", "scheduled")
    assert "workflow history" in page.lower()


def test_nonexistent_desk_time_is_refused_clearly(client):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    client.force_login(boss)
    year = timezone.now().year + 1
    # The last Sunday of March: Brussels clocks jump from 02:00 to 03:00.
    march_31 = datetime.date(year, 3, 31)
    sunday = march_31 - datetime.timedelta(days=(march_31.weekday() + 1) % 7)
    response = client.post(
        transition_url(briefing),
        {"to": "scheduled", "version": briefing.version, "publish_at": f"{sunday}T02:30"},
        follow=True,
    )
    assert any("publish_at" in m and "time zone" in m for m in messages_of(response))
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW


def test_stale_version_in_the_workflow_panel_is_refused(client):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    stale = briefing.version
    briefing.transition(Status.DRAFT, by=boss)
    client.force_login(boss)
    response = client.post(
        transition_url(briefing), {"to": "review", "version": stale}, follow=True
    )
    assert any("changed by someone else" in m for m in messages_of(response))
    briefing.refresh_from_db()
    assert briefing.status == Status.DRAFT


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "tomorrow", "2030-13-45T25:99"])
def test_malformed_time_is_a_clear_error(client, bad):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    client.force_login(boss)
    response = client.post(
        transition_url(briefing),
        {"to": "scheduled", "version": briefing.version, "publish_at": bad},
        follow=True,
    )
    assert any(m.startswith("publish_at: Enter a valid date/time") for m in messages_of(response))
    assert "<script>alert(1)</script>" not in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == Status.REVIEW


def test_withdraw_needs_a_note_and_escapes_it(client):
    boss = editor()
    briefing = BriefingFactory()
    client.force_login(boss)
    response = client.post(
        transition_url(briefing), {"to": "withdrawn", "version": briefing.version}, follow=True
    )
    assert any("Say why" in m for m in messages_of(response))
    note = "<b>Forged</b> source"
    response = client.post(
        transition_url(briefing),
        {"to": "withdrawn", "version": briefing.version, "note": note},
        follow=True,
    )
    briefing.refresh_from_db()
    assert (briefing.status, briefing.withdrawal_note) == (Status.WITHDRAWN, note)
    assert "&lt;b&gt;Forged&lt;/b&gt; source" in response.content.decode()


def test_transition_view_only_accepts_post(client):
    boss = editor()
    client.force_login(boss)
    assert client.get(transition_url(DraftFactory())).status_code == 405


def test_bulk_actions_go_through_transition(client):
    boss = editor()
    ready = [DraftFactory(status=Status.REVIEW) for _ in range(2)]
    gone = BriefingFactory(status=Status.WITHDRAWN, withdrawn_at=timezone.now())
    client.force_login(boss)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "publish_now", "_selected_action": [b.pk for b in [*ready, gone]]},
        follow=True,
    )
    assert Briefing.objects.filter(status=Status.PUBLISHED).count() == 2
    assert Transition.objects.filter(to_status=Status.PUBLISHED, by=boss).count() == 2
    assert any(gone.headline in m for m in messages_of(response))


def test_scheduled_view_lists_what_goes_out_next_in_three_zones(client):
    boss = editor()
    later, sooner = DraftFactory(status=Status.REVIEW), DraftFactory(status=Status.REVIEW)
    year = timezone.now().year + 1
    later.transition(
        Status.SCHEDULED,
        by=boss,
        publish_at=datetime.datetime(year, 1, 15, 13, tzinfo=datetime.UTC),
    )
    sooner.transition(
        Status.SCHEDULED,
        by=boss,
        publish_at=datetime.datetime(year, 1, 10, 13, tzinfo=datetime.UTC),
    )
    client.force_login(boss)
    page = client.get(reverse("admin:newsroom_briefing_scheduled")).content.decode()
    assert page.index(sooner.headline) < page.index(later.headline)
    assert "14:00 CET" in page  # Brussels
    assert "08:00 EST" in page  # Ottawa
    assert "13:00 UTC" in page


def test_scheduled_view_names_the_desk_clock_after_its_city(client, settings):
    settings.DESK_TIME_ZONE = "America/Argentina/Buenos_Aires"
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    briefing.transition(
        Status.SCHEDULED, by=boss, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    client.force_login(boss)
    page = client.get(reverse("admin:newsroom_briefing_scheduled")).content.decode()
    assert '<th scope="col">Buenos Aires</th>' in page
    assert "Brussels" not in page


# Constant queries ------------------------------------------------------------------------------


def make_rows(count):
    people = [UserFactory() for _ in range(3)]
    for _ in range(count):
        briefing = BriefingFactory(tags=["defence", "security"])
        add_byline(briefing, *people)


@pytest.mark.parametrize("rows", [2, 30])
def test_changelist_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, rows):
    make_rows(rows)
    client.force_login(UserFactory(is_superuser=True))
    with django_assert_max_num_queries(12):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert response.content.decode().count('class="state state-published"') == rows


@pytest.mark.parametrize("history", [1, 25])
def test_change_page_queries_do_not_grow_with_history(
    client, django_assert_max_num_queries, history
):
    boss = editor()
    briefing = DraftFactory(status=Status.REVIEW)
    for _ in range(history):
        briefing.transition(Status.DRAFT, by=boss)
        briefing.transition(Status.REVIEW, by=boss)
    client.force_login(boss)
    with django_assert_max_num_queries(35):
        response = client.get(change_url(briefing))
    assert response.status_code == 200
    assert response.content.decode().count("<p>In review</p>") == 2 * history


def test_a_topic_without_letters_or_digits_is_refused_and_nothing_is_lost(client):
    """taggit would give “€” an empty slug, and every page linking the topic would fail."""
    author = writer()
    briefing = own_draft(author, tags=["defence"])
    client.force_login(author)

    response = client.post(
        change_url(briefing), form_data(briefing, headline="Kept headline", tags="€, euro, —")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "A topic needs a letter or a digit to give it a web address: “—”, “€”." in page
    assert 'value="Kept headline"' in page  # what was typed comes back in the form
    briefing.refresh_from_db()
    assert briefing.headline != "Kept headline"
    assert [t.name for t in briefing.tags.all()] == ["defence"]

    response = client.post(change_url(briefing), form_data(briefing, tags="euro, Québec"))
    assert response.status_code == 302
    assert sorted(t.slug for t in briefing.tags.all()) == ["euro", "québec"]
