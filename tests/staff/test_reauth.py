"""Re-authentication before the moves that cannot be taken back.

Publish now (the change form's move and the bulk action), withdrawal, and deleting a
subscriber (one, or "delete selected") ask for the password or a second-factor code unless
one was given within STAFF_REAUTH_MINUTES. Signing in counts. The refused form is posted
again, unchanged, once the user has confirmed.
"""

import re
import time
from html import unescape

import pytest
from django.urls import reverse

from briefings.digests.models import Subscriber
from briefings.newsroom.models import Briefing
from briefings.staff import reauth
from tests.admin_support import otp_verified, totp_code
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory, DraftFactory, UserFactory, editor
from tests.newsroom.test_admin_briefing import change_url, form_data

pytestmark = pytest.mark.django_db
Status = Briefing.Status
CONFIRM = "/admin/confirm/"
PASSWORD = "correct-horse-battery"


def stale(client, settings):
    """The last password or code was given longer ago than the window."""
    session = client.session
    session[reauth.STAMP_KEY] = int(time.time() - settings.STAFF_REAUTH_MINUTES * 60 - 1)
    session.save()


def replay(client, response):
    """Submit the continue page's form, as its button does."""
    html = response.content.decode()
    action = unescape(
        re.search(r'<form method="post" action="([^"]+)" id="reauth-continue"', html)[1]
    )
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        data.setdefault(unescape(name), []).append(unescape(value))
    return client.post(action, data)


def transition(client, briefing, to, note=""):
    return client.post(
        reverse("admin:newsroom_briefing_transition", args=[briefing.pk]),
        {"to": to, "version": briefing.version, "note": note},
    )


def test_signing_in_counts_as_recent(client):
    boss = editor()
    client.force_login(boss)
    draft = DraftFactory()
    response = transition(client, draft, "published")
    assert response["Location"] == reverse("admin:newsroom_briefing_change", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_publish_now_asks_again_and_keeps_the_form(client, settings):
    client.force_login(editor())
    stale(client, settings)
    draft = DraftFactory()
    response = transition(client, draft, "published", note="Embargo lifted at 09:00")
    assert response["Location"] == CONFIRM
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    page = client.get(CONFIRM)
    assert "This cannot be undone" in page.content.decode()
    wrong = client.post(CONFIRM, {"secret": "not-my-password"})
    assert "neither your password nor a current code" in wrong.content.decode()
    confirmed = client.post(CONFIRM, {"secret": PASSWORD})
    assert confirmed.status_code == 200
    assert "Embargo lifted at 09:00" in confirmed.content.decode()  # the note, kept

    done = replay(client, confirmed)
    assert done["Location"] == reverse("admin:newsroom_briefing_change", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.transitions.latest("pk").note == "Embargo lifted at 09:00"
    # Within the window, the next irreversible move goes straight through.
    other = DraftFactory()
    transition(client, other, "published")
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED


def test_publish_now_from_the_change_form_asks_before_saving_and_keeps_the_edits(client, settings):
    """The change form's own move buttons (save, then move) pass the same gate."""
    client.force_login(editor())
    stale(client, settings)
    draft = DraftFactory(dek="Old dek")
    data = form_data(draft, dek="Dek typed before publishing", _move="published")
    response = client.post(change_url(draft), data)
    assert response["Location"] == CONFIRM
    draft.refresh_from_db()
    assert (draft.status, draft.dek) == (Status.DRAFT, "Old dek")  # nothing saved yet

    done = replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    assert done["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert (draft.status, draft.dek) == (Status.PUBLISHED, "Dek typed before publishing")


def test_withdrawal_asks_again(client, settings):
    client.force_login(editor())
    stale(client, settings)
    live = BriefingFactory()
    assert transition(client, live, "withdrawn", note="Sources retracted")["Location"] == CONFIRM
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    live.refresh_from_db()
    assert live.status == Status.WITHDRAWN


def test_moves_that_can_be_undone_do_not_ask(client, settings):
    client.force_login(editor())
    stale(client, settings)
    draft = DraftFactory()
    response = transition(client, draft, "review")
    assert response["Location"] != CONFIRM
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_the_bulk_publish_action_asks_again(client, settings):
    client.force_login(editor())
    stale(client, settings)
    drafts = [DraftFactory(), DraftFactory()]
    changelist = reverse("admin:newsroom_briefing_changelist")
    data = {"action": "publish_now", "_selected_action": [d.pk for d in drafts], "index": 0}
    assert client.post(changelist, data)["Location"] == CONFIRM
    assert not Briefing.objects.filter(status=Status.PUBLISHED, pk__in=[d.pk for d in drafts])
    replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    assert (
        Briefing.objects.filter(status=Status.PUBLISHED, pk__in=[d.pk for d in drafts]).count() == 2
    )


def test_a_code_from_the_app_will_do(client, settings):
    settings.STAFF_OTP_REQUIRED = True
    boss = editor()
    device = otp_verified(client, boss)
    stale(client, settings)
    draft = DraftFactory()
    assert transition(client, draft, "published")["Location"] == CONFIRM
    replay(client, client.post(CONFIRM, {"secret": totp_code(device)}))
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_deleting_a_subscriber_asks_again(client, settings):
    client.force_login(UserFactory(is_superuser=True))
    stale(client, settings)
    reader = SubscriberFactory()
    url = reverse("admin:digests_subscriber_delete", args=[reader.pk])
    assert client.get(url).status_code == 200  # the "are you sure" page asks nothing
    assert client.post(url, {"post": "yes"})["Location"] == CONFIRM
    assert Subscriber.objects.filter(pk=reader.pk).exists()
    done = replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    assert done.status_code == 302
    assert not Subscriber.objects.filter(pk=reader.pk).exists()


def test_deleting_selected_subscribers_asks_again(client, settings):
    client.force_login(UserFactory(is_superuser=True))
    stale(client, settings)
    readers = [SubscriberFactory(), SubscriberFactory()]
    changelist = reverse("admin:digests_subscriber_changelist")
    selected = {"action": "delete_selected", "_selected_action": [r.pk for r in readers]}
    assert client.post(changelist, selected).status_code == 200  # the "are you sure" page
    assert client.post(changelist, {**selected, "post": "yes"})["Location"] == CONFIRM
    assert Subscriber.objects.count() == 2
    replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    assert Subscriber.objects.count() == 0


def test_wrong_passwords_at_the_confirmation_count_towards_the_lockout(client, settings):
    boss = editor()
    client.force_login(boss)
    stale(client, settings)
    transition(client, DraftFactory(), "published")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(CONFIRM, {"secret": f"guess-{n}"})
    response = client.post(CONFIRM, {"secret": PASSWORD})
    assert response.status_code == 429


def test_the_confirmation_page_without_a_pending_form_goes_home(client):
    client.force_login(editor())
    assert client.get(CONFIRM)["Location"] == "/admin/"


def test_the_confirmation_page_is_staff_only(client):
    assert client.get(CONFIRM)["Location"].startswith("/admin/login/")


def test_the_confirmation_page_runs_in_few_queries(client, settings, django_assert_max_num_queries):
    client.force_login(editor())
    stale(client, settings)
    transition(client, DraftFactory(), "published")
    client.get(CONFIRM)
    with django_assert_max_num_queries(8):
        assert client.get(CONFIRM).status_code == 200


def test_with_no_window_every_irreversible_move_asks_and_the_kept_one_goes_through(
    client, settings
):
    settings.STAFF_REAUTH_MINUTES = 0
    client.force_login(editor())
    draft, other = DraftFactory(), DraftFactory()
    assert transition(client, draft, "published")["Location"] == CONFIRM
    replay(client, client.post(CONFIRM, {"secret": PASSWORD}))
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert transition(client, other, "published")["Location"] == CONFIRM


@pytest.mark.parametrize("secret", ["\x00", "x" * 10_000, "<script>alert(1)</script>"])
def test_hostile_answers_are_form_errors(client, settings, secret):
    client.force_login(editor())
    stale(client, settings)
    draft = DraftFactory()
    transition(client, draft, "published")
    response = client.post(CONFIRM, {"secret": secret})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
