"""Login throttling (django-axes): a guessed-at account locks, says so, and unlocks.

The battery's case: 30 wrong passwords in a row, then the right one. Every login, good or
bad, is recorded and shown to superusers only.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command

from tests.factories import UserFactory, editor

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"


def attempt(client, username, password, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def hammer(client, username, times=30):
    return [attempt(client, username, f"guess-{n}").status_code for n in range(times)]


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, settings):
    boss = editor()
    statuses = hammer(client, boss.username)
    limit = settings.AXES_FAILURE_LIMIT
    # Wrong passwords are form errors until the limit, then the lockout page.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}

    response = attempt(client, boss.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in locked" in page
    assert f"({limit} in a row)" in page
    assert "Try again in 30 minutes" in page
    assert "Briefing Desk" in page  # the admin's dress, not a bare 403


def test_the_lock_lifts_after_the_cool_off(client, settings):
    boss = editor()
    hammer(client, boss.username, settings.AXES_FAILURE_LIMIT)
    assert attempt(client, boss.username, PASSWORD).status_code == 429
    # The cool-off has passed since the last attempt (no sleep: the record is moved back).
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    response = attempt(client, boss.username, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_failure_during_the_lock_starts_the_wait_again(client, settings):
    boss = editor()
    hammer(client, boss.username, settings.AXES_FAILURE_LIMIT)
    almost = datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=almost + datetime.timedelta(minutes=1))
    assert attempt(client, boss.username, "one-more-guess").status_code == 429
    AccessAttempt.objects.update(attempt_time=almost + datetime.timedelta(minutes=1))
    assert attempt(client, boss.username, PASSWORD).status_code == 429


def test_a_superuser_lifts_the_lock_from_the_admin(client, settings):
    boss = editor()
    hammer(client, boss.username)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert boss.username in listing.content.decode()
    record = AccessAttempt.objects.get(username=boss.username)
    response = client.post(f"/admin/axes/accessattempt/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert attempt(client, boss.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_command_line_lifts_the_lock(client):
    boss = editor()
    hammer(client, boss.username)
    call_command("axes_reset_username", boss.username)
    assert attempt(client, boss.username, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_too(client, settings):
    """Password spraying: a few guesses at each of many usernames from one address."""
    victims = [editor() for _ in range(settings.AXES_FAILURE_LIMIT)]
    for victim in victims:
        attempt(client, victim.username, "Summer2026!")
    other = editor()
    assert attempt(client, other.username, PASSWORD).status_code == 429
    # From another address, the accounts themselves are not locked (one failure each).
    assert attempt(client, other.username, PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_a_successful_login_clears_earlier_failures(client, settings):
    boss = editor()
    hammer(client, boss.username, settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, boss.username, PASSWORD).status_code == 302
    client.logout()
    hammer(client, boss.username, settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, boss.username, PASSWORD).status_code == 302


def test_logins_are_recorded_and_shown_to_superusers_only(client):
    boss = editor()
    attempt(client, boss.username, "wrong")
    attempt(client, boss.username, PASSWORD)
    assert AccessFailureLog.objects.filter(username=boss.username).count() == 1
    assert AccessLog.objects.filter(username=boss.username).count() == 1

    for url in [
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
        "/admin/axes/accessattempt/",
    ]:
        assert client.get(url).status_code == 403, url  # the editor
    assert "axes" not in client.get("/admin/").content.decode().lower()

    client.force_login(UserFactory(is_superuser=True))
    index = client.get("/admin/").content.decode()
    assert "/admin/axes/accesslog/" in index
    for url in ["/admin/axes/accesslog/", "/admin/axes/accessfailurelog/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert boss.username in response.content.decode()
    # Records are evidence: nobody edits or deletes them from the admin.
    log = AccessLog.objects.get(username=boss.username)
    assert client.get(f"/admin/axes/accesslog/{log.pk}/delete/").status_code == 403
    assert client.get("/admin/axes/accesslog/add/").status_code == 403
