"""Production differs from development only by environment variables: check that it holds."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "desk.example.org,www.desk.example.org",
    "SITE_URL": "https://desk.example.org",
    "DJANGO_ADMINS": "ops@desk.example.org",
}


def manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_in_production():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_warn_when_debugging():
    """The check above could pass vacuously; in development it must not."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on in deployment


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off." in result.stderr


def test_environment_feeds_the_settings():
    code = (
        "from django.conf import settings; import json; print(json.dumps({"
        "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS,"
        "'db': settings.DATABASES['default']['NAME'],"
        "'mail': settings.MAILERS['default']['OPTIONS'],"
        "'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['LOCATION'],"
        "'secure': [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
        " settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS]}))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://desk@db.internal:5432/briefings_prod",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        CELERY_BROKER_URL="redis://queue.internal:6379/0",
        CACHE_URL="redis://cache.internal:6379/1",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["hosts"] == ["desk.example.org", "www.desk.example.org"]
    assert seen["db"] == "briefings_prod"
    assert (seen["mail"]["host"], seen["mail"]["port"]) == ("smtp.example.org", 587)
    assert seen["broker"] == "redis://queue.internal:6379/0"
    assert seen["cache"] == "redis://cache.internal:6379/1"
    assert seen["secure"] == [True, True, True, 31536000]


def test_check_deploy_warns_of_password_only_staff_and_no_error_reports():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ADMINS"}
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **env, DJANGO_STAFF_OTP_REQUIRED="0"
    )
    assert result.returncode != 0
    assert "staff.W001" in result.stdout + result.stderr
    assert "staff.W002" in result.stdout + result.stderr


def settings_seen(code, **env):
    result = manage(
        "shell", "-c", f"from django.conf import settings; import json; print({code})", **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


STAFF = (
    "json.dumps({'otp': settings.STAFF_OTP_REQUIRED, 'idle': settings.STAFF_IDLE_MINUTES,"
    "'reauth': settings.STAFF_REAUTH_MINUTES, 'limit': settings.AXES_FAILURE_LIMIT,"
    "'cooloff': settings.AXES_COOLOFF_TIME.total_seconds(),"
    "'browser_close': settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
    "'admins': settings.ADMINS, 'server_email': settings.SERVER_EMAIL})"
)


def test_production_requires_a_second_factor_of_every_staff_login():
    seen = settings_seen(STAFF, **PRODUCTION)
    assert seen["otp"] is True
    assert seen["browser_close"] is True
    assert (seen["idle"], seen["reauth"], seen["limit"]) == (30, 10, 5)
    assert seen["cooloff"] == 30 * 60
    # Development leaves it to each user (make run's demo logins work with a password).
    assert settings_seen(STAFF, DJANGO_DEBUG="1")["otp"] is False


def test_staff_security_and_error_mail_come_from_the_environment():
    seen = settings_seen(
        STAFF,
        **{
            **PRODUCTION,
            "DJANGO_STAFF_IDLE_MINUTES": "15",
            "DJANGO_STAFF_REAUTH_MINUTES": "3",
            "DJANGO_LOGIN_FAILURE_LIMIT": "8",
            "DJANGO_LOGIN_COOLOFF_MINUTES": "60",
            "DJANGO_ADMINS": "Desk Ops <ops@desk.example.org>, oncall@desk.example.org",
            "SERVER_EMAIL": "errors@desk.example.org",
        },
    )
    assert (seen["idle"], seen["reauth"], seen["limit"]) == (15, 3, 8)
    assert seen["cooloff"] == 60 * 60
    assert seen["admins"] == ["Desk Ops <ops@desk.example.org>", "oncall@desk.example.org"]
    assert seen["server_email"] == "errors@desk.example.org"
    off = settings_seen(STAFF, DJANGO_STAFF_OTP_REQUIRED="0", **PRODUCTION)
    assert off["otp"] is False


def test_an_email_provider_takes_the_default_mailer_and_digests_keep_smtp():
    code = (
        "from django.conf import settings; import json; print(json.dumps({"
        "'mailers': settings.MAILERS, 'anymail': settings.ANYMAIL,"
        "'proxies': settings.TRUSTED_PROXIES, 'log': settings.LOG_FORMAT}))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        EMAIL_PROVIDER="mailgun",
        EMAIL_HOST="smtp.mailgun.org",
        EMAIL_PORT="587",
        ANYMAIL_MAILGUN_API_KEY="key-1",
        ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY="signing-1",
        DJANGO_BEHIND_PROXY="1",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["mailers"]["default"] == {"BACKEND": "anymail.backends.mailgun.EmailBackend"}
    assert seen["mailers"]["digests"]["OPTIONS"]["host"] == "smtp.mailgun.org"
    assert seen["anymail"] == {
        "MAILGUN_API_KEY": "key-1",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-1",
    }
    assert seen["proxies"] == 1  # behind a proxy, one by default
    assert seen["log"] == "json"


def test_an_unknown_email_provider_refuses_to_start():
    result = manage("check", EMAIL_PROVIDER="carrier-pigeon", **PRODUCTION)
    assert result.returncode != 0
    assert "EMAIL_PROVIDER must be one of mailgun, mailersend." in result.stderr


def test_digests_can_go_through_the_providers_api_too():
    code = "from django.conf import settings; print(settings.MAILERS['digests']['BACKEND'])"
    result = manage(
        "shell", "-c", code, EMAIL_PROVIDER="mailersend", DIGEST_SEND_VIA="api", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "anymail.backends.mailersend.EmailBackend"
