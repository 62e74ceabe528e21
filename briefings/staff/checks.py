"""Deployment checks (`manage.py check --deploy`): staff sign-in as production needs it."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_sign_in(app_configs, **kwargs):
    found = []
    if not settings.STAFF_OTP_REQUIRED:
        found.append(
            Warning(
                "Staff can sign in with a password alone.",
                hint="Set DJANGO_STAFF_OTP_REQUIRED=1 (its default when DJANGO_DEBUG is off).",
                id="staff.W001",
            )
        )
    if not settings.ADMINS:
        found.append(
            Warning(
                "Nobody receives error reports.",
                hint="Set DJANGO_ADMINS to the addresses that should (comma-separated).",
                id="staff.W002",
            )
        )
    return found
