"""Staff sessions end with the browser and after STAFF_IDLE_MINUTES without a request."""

import time

import pytest

from briefings.staff.middleware import SEEN_KEY
from tests.factories import editor

pytestmark = pytest.mark.django_db


def idle_for(client, seconds):
    """Pretend the last request was `seconds` ago (no sleep: the session's stamp moves)."""
    session = client.session
    session[SEEN_KEY] = int(time.time() - seconds)
    session.save()


def test_the_session_cookie_ends_with_the_browser(client, settings):
    boss = editor()
    response = client.post(
        "/admin/login/", {"username": boss.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() <= 12 * 60 * 60  # and at the most a working day


def test_an_idle_session_is_signed_out(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(editor())
    assert client.get("/admin/").status_code == 200
    assert SEEN_KEY in client.session
    idle_for(client, 31 * 60)
    response = client.get("/admin/newsroom/briefing/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/?next=/admin/newsroom/")
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_in_use_stays(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(editor())
    client.get("/admin/")
    idle_for(client, 29 * 60)
    assert client.get("/admin/").status_code == 200
    # That request renewed the stamp: another 29 minutes later, still signed in.
    assert time.time() - client.session[SEEN_KEY] < 60
    idle_for(client, 29 * 60)
    assert client.get("/admin/").status_code == 200


def test_the_idle_minutes_are_a_setting(client, settings):
    settings.STAFF_IDLE_MINUTES = 5
    client.force_login(editor())
    client.get("/admin/")
    idle_for(client, 6 * 60)
    assert client.get("/admin/").status_code == 302


def test_the_stamp_is_written_at_most_once_a_minute(client):
    client.force_login(editor())
    client.get("/admin/")
    idle_for(client, 30)
    stamp = client.session[SEEN_KEY]
    client.get("/admin/")
    assert client.session[SEEN_KEY] == stamp
    idle_for(client, 90)
    client.get("/admin/")
    assert time.time() - client.session[SEEN_KEY] < 5
