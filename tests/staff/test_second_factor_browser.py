"""The second factor end to end in Chromium, as production runs it (STAFF_OTP_REQUIRED on).

Sign in, set up TOTP with a code computed from the secret the page shows (as an
authenticator app would), keep the recovery codes, sign out, sign in again with a fresh code,
then with a recovery code, which works only once.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.admin_support import totp_code
from tests.conftest import screenshot
from tests.factories import editor

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def sign_in(page, base, username):
    page.goto(f"{base}/admin/login/?next=/admin/newsroom/briefing/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def sign_out(page, base):
    page.goto(f"{base}/admin/")
    page.locator("#logout-form button").click()
    page.wait_for_url(re.compile(r"/admin/logout/$"))


def test_an_editor_sets_up_totp_and_signs_in_with_codes(live_server, page, settings):
    settings.STAFF_OTP_REQUIRED = True
    boss = editor(username="margot")
    base = live_server.url

    sign_in(page, base, boss.username)
    page.wait_for_url(re.compile(r"/admin/second-factor/setup/"))
    assert page.locator(".staff-qr svg").is_visible()
    secret = page.locator("#otp-secret").inner_text()
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    assert secret.rstrip("=") in device.config_url  # what the app would have scanned
    screenshot(page, "staff-otp-setup")
    page.fill("#id_code", totp_code(device))
    page.click("#otp-setup-form input[type=submit]")

    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "staff-recovery-codes")
    page.click("#continue")
    page.wait_for_url(re.compile(r"/admin/newsroom/briefing/$"))
    assert page.locator("#logout-form").count() == 1  # in the admin, signed in

    sign_out(page, base)
    sign_in(page, base, boss.username)
    page.wait_for_url(re.compile(r"/admin/second-factor/\?next="))
    # The code the set-up used is spent; the app's next one is accepted.
    page.fill("#id_code", totp_code(device, steps_ahead=1))
    page.click("#otp-verify-form input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/newsroom/briefing/$"))

    sign_out(page, base)
    sign_in(page, base, boss.username)
    page.fill("#id_code", codes[0])
    page.click("#otp-verify-form input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/newsroom/briefing/$"))
    assert page.get_by_text("9 left").count() == 1

    sign_out(page, base)
    sign_in(page, base, boss.username)
    page.fill("#id_code", codes[0])
    page.click("#otp-verify-form input[type=submit]")
    assert page.locator(".errornote").inner_text().startswith("That code is wrong")
    page.goto(f"{base}/admin/newsroom/briefing/")
    page.wait_for_url(re.compile(r"/admin/second-factor/"))
