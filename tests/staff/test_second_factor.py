"""A second factor for every staff login: set up from the admin, asked at every sign-in.

Required of all staff when STAFF_OTP_REQUIRED is on (production's default: see
tests/test_settings.py); these tests turn it on, except those about development.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.admin_support import otp_verified, totp_code
from tests.factories import DraftFactory, UserFactory, editor

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
SETUP = "/admin/second-factor/setup/"
VERIFY = "/admin/second-factor/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def required(settings):
    settings.STAFF_OTP_REQUIRED = True


def sign_in(client, user, next_to="/admin/"):
    return client.post(
        f"{LOGIN}?next={next_to}",
        {"username": user.username, "password": PASSWORD, "next": next_to},
    )


def after_the_wait(device):
    """Past django-otp's pause after a wrong code (no sleep: its failure stamp moved back)."""
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(minutes=5)
    device.save(update_fields=["throttling_failure_timestamp"])


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_an_editor_without_a_device_is_sent_to_set_one_up(client, required):
    boss = editor()
    response = sign_in(client, boss, "/admin/newsroom/briefing/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fnewsroom%2Fbriefing%2F"
    # The password alone opens nothing: the admin sends the session back to its second factor.
    for url in ["/admin/", "/admin/newsroom/briefing/", "/admin/digests/subscriber/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(SETUP), url
    assert client.get(LOGIN)["Location"].startswith(SETUP)


def test_setting_up_shows_a_qr_code_and_key_then_recovery_codes_once(client, required):
    boss = editor()
    sign_in(client, boss)
    page = client.get(f"{SETUP}?next=/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, drawn in the page
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7]+)<', html).group(1)
    assert secret.rstrip("=") in device.config_url
    assert "issuer=Briefing%20Desk" in device.config_url
    # Reloading keeps the same secret (the app may have scanned it already).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=boss).count() == 1

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is wrong" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    throttled = client.post(SETUP, {"code": totp_code(device)})
    assert "Too many wrong codes" in throttled.content.decode()
    after_the_wait(device)

    done = client.post(SETUP, {"code": totp_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # Shown once: the set-up page now only says it is done.
    again = client.get(SETUP, follow=True)
    assert "already set up" in again.content.decode()
    assert not re.findall(r"<li><code>(\w+)</code></li>", again.content.decode())


def test_a_code_from_the_app_is_asked_at_every_sign_in(client, required):
    boss = editor()
    device = confirmed_device(boss)
    response = sign_in(client, boss, "/admin/newsroom/briefing/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fnewsroom%2Fbriefing%2F"
    assert client.get("/admin/").status_code == 302
    wrong = client.post(VERIFY, {"code": "12345", "next": "/admin/"})
    assert "That code is wrong" in wrong.content.decode()
    after_the_wait(device)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/newsroom/briefing/"})
    assert response["Location"] == "/admin/newsroom/briefing/"
    assert client.get("/admin/newsroom/briefing/").status_code == 200


def test_a_code_is_accepted_once(client, required):
    boss = editor()
    device = confirmed_device(boss)
    code = totp_code(device)
    sign_in(client, boss)
    assert client.post(VERIFY, {"code": code})["Location"] == "/admin/"
    client.logout()
    sign_in(client, boss)
    replay = client.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert "That code is wrong" in replay.content.decode()


def test_a_recovery_code_works_once(client, required):
    from briefings.staff.views import issue_recovery_codes

    boss = editor()
    confirmed_device(boss)
    codes = issue_recovery_codes(boss)
    sign_in(client, boss)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "9 left" in response.content.decode()
    client.logout()
    sign_in(client, boss)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_next_address_stays_on_the_site(client, required):
    boss = editor()
    device = confirmed_device(boss)
    sign_in(client, boss)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_hostile_codes_are_form_errors(client, required):
    boss = editor()
    confirmed_device(boss)
    sign_in(client, boss)
    for code in ["\x00", "1" * 10_000, "<script>alert(1)</script>"]:
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()


def test_sign_out_works_before_the_second_factor(client, required):
    boss = editor()
    sign_in(client, boss)
    response = client.post("/admin/second-factor/sign-out/")
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get(SETUP)["Location"] == LOGIN


def test_the_desk_preview_of_a_draft_needs_the_second_factor_too(client, required):
    boss = editor()
    draft = DraftFactory()
    url = reverse("newsroom:desk_preview", args=[draft.pk])
    sign_in(client, boss)
    response = client.get(url, follow=True)
    assert draft.headline not in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(SETUP)


def test_a_verified_editor_works_as_before(verified_editor_client):
    assert verified_editor_client.get("/admin/newsroom/briefing/").status_code == 200


def test_non_staff_are_not_offered_a_second_factor(client, required):
    reader = UserFactory(is_staff=False)
    client.force_login(reader)
    assert client.get(SETUP)["Location"] == LOGIN
    assert client.get(VERIFY)["Location"] == LOGIN


def test_in_development_the_password_is_enough_until_a_device_is_set_up(client, settings):
    settings.STAFF_OTP_REQUIRED = False
    boss = editor()
    assert sign_in(client, boss)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()
    device = confirmed_device(boss)
    assert sign_in(client, boss)["Location"].startswith(VERIFY)
    assert client.get("/admin/").status_code == 302
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_verified_session_helper_is_really_verified(client, settings):
    settings.STAFF_OTP_REQUIRED = True
    boss = editor()
    client.force_login(boss)
    assert client.get("/admin/").status_code == 302
    otp_verified(client, boss)
    assert client.get("/admin/").status_code == 200


def test_the_sign_in_steps_run_in_few_queries(client, required, django_assert_max_num_queries):
    boss = editor()
    sign_in(client, boss)
    client.get(SETUP)  # creates the pending device once
    with django_assert_max_num_queries(8):
        assert client.get(SETUP).status_code == 200
    TOTPDevice.objects.filter(user=boss).update(confirmed=True)
    with django_assert_max_num_queries(5):
        assert client.get(VERIFY).status_code == 200


def test_hostile_addresses_on_the_sign_in_steps_are_refused(client, required):
    sign_in(client, editor())
    for url in [SETUP, VERIFY]:
        assert client.get(f"{url}?next=%00").status_code == 400


def test_wrong_codes_are_failed_logins_and_lock_the_account(client, required, settings):
    from axes.models import AccessFailureLog

    boss = editor()
    device = confirmed_device(boss)
    sign_in(client, boss)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": "000001"}).status_code == 200
        after_the_wait(device)
    failures = settings.AXES_FAILURE_LIMIT - 1
    assert AccessFailureLog.objects.filter(username=boss.username).count() == failures
    locked = client.post(VERIFY, {"code": "000002"})
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # signed out: the password must be given again
    assert sign_in(client, boss).status_code == 429


def test_new_recovery_codes_replace_the_old_after_re_authentication(client, settings):
    from briefings.staff import reauth
    from briefings.staff.views import issue_recovery_codes

    settings.STAFF_OTP_REQUIRED = True
    boss = editor()
    otp_verified(client, boss)
    old = issue_recovery_codes(boss)
    url = "/admin/second-factor/recovery-codes/"
    assert "Make new recovery codes" in client.get(url).content.decode()
    session = client.session
    session[reauth.STAMP_KEY] = 0  # long ago
    session.save()
    assert client.post(url)["Location"] == "/admin/confirm/"
    assert StaticToken.objects.count() == 10
    client.post("/admin/confirm/", {"secret": PASSWORD})
    page = client.post(url)
    new = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
