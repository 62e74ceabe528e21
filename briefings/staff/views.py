"""The second factor's pages (set up, verify), sign-out before it, and re-authentication.

Set up and verify are reached between the password and the admin, so they are not behind
`admin_view()` (whose permission check is what sends a session here); each checks for a
signed-in, active staff user itself. Re-authentication is behind it.
"""

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from briefings.staff import reauth
from briefings.staff.forms import CodeForm, ReauthForm
from briefings.staff.policy import REQUIRED_SESSION_KEY, is_verified

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def next_url(request, site):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index", current_app=site.name)


def second_factor_url(request, site, next_to):
    name = "staff_otp_verify" if user_has_device(request.user) else "staff_otp_setup"
    url = reverse(f"admin:{name}", current_app=site.name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_to})}"


def _staff_or_login(request, site):
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        return None
    return HttpResponseRedirect(reverse("admin:login", current_app=site.name))


def _context(request, site, title, **extra):
    return {
        **site.each_context(request),
        "title": title,
        "next": next_url(request, site),
        "signout_url": reverse("admin:staff_signout", current_app=site.name),
        **extra,
    }


def qr_svg(data, pixels=220):
    """The otpauth:// address as an inline SVG QR code, drawn here: no image service sees it.

    Dark on its own white ground (scannable under the admin's dark theme too), sized by
    attributes rather than a style, which the Content-Security-Policy would refuse.
    """
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(
        r'width="[^"]*" height="[^"]*"', f'width="{pixels}" height="{pixels}"', svg, count=1
    )
    return mark_safe(svg)  # noqa: S308 — our own drawing of our own data


def _verified(request, device):
    otp_login(request, device)
    request.session[REQUIRED_SESSION_KEY] = True
    reauth.mark(request)


@never_cache
def setup(request, site):
    if refused := _staff_or_login(request, site):
        return refused
    user = request.user
    if user_has_device(user):
        if is_verified(request):
            messages.info(request, gettext("Your second factor is already set up."))
            return HttpResponseRedirect(next_url(request, site))
        return HttpResponseRedirect(second_factor_url(request, site, next_url(request, site)))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
        "pk"
    ).first() or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = CodeForm(user, request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = issue_recovery_codes(user)
        _verified(request, device)
        return TemplateResponse(
            request,
            "admin/staff/recovery_codes.html",
            _context(request, site, gettext("Your recovery codes"), codes=codes),
        )
    context = _context(
        request,
        site,
        gettext("Set up your second factor"),
        form=form,
        qr=qr_svg(device.config_url),
        secret=b32encode(device.bin_key).decode(),
        issuer=settings.OTP_TOTP_ISSUER,
    )
    return TemplateResponse(request, "admin/staff/otp_setup.html", context)


def issue_recovery_codes(user):
    """Fresh single-use codes, replacing any earlier ones; shown once, stored as issued."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
def verify(request, site):
    if refused := _staff_or_login(request, site):
        return refused
    if is_verified(request):
        return HttpResponseRedirect(next_url(request, site))
    if not user_has_device(request.user):
        return HttpResponseRedirect(second_factor_url(request, site, next_url(request, site)))
    credentials = {"username": request.user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        logout(request)  # the password is spent too: a locked account starts again
        return locked_out(request)
    form = CodeForm(request.user, request.POST or None)
    if request.method == "POST" and not form.is_valid() and "code" in form.errors:
        # A wrong code is a failed login: recorded, and counted towards the lockout.
        user_login_failed.send(__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request)
    if request.method == "POST" and form.is_valid():
        _verified(request, form.matched)
        if isinstance(form.matched, StaticDevice):
            left = form.matched.token_set.count()
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; %(left)s left. Each works once.",
                    "You signed in with a recovery code; %(left)s left. Each works once.",
                    left,
                )
                % {"left": left},
            )
        return HttpResponseRedirect(next_url(request, site))
    context = _context(request, site, gettext("Second factor"), form=form)
    return TemplateResponse(request, "admin/staff/otp_verify.html", context)


@require_POST
def signout(request, site):
    """Sign-out that works before the second factor (the admin's own needs permission)."""
    logout(request)
    return HttpResponseRedirect(reverse("admin:login", current_app=site.name))


@never_cache
def confirm(request, site):
    """Ask for the password or a code, then post the kept form again."""
    pending = reauth.pending(request)
    if pending is None:
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    form = ReauthForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        reauth.confirmed(request)
        template = "admin/staff/reauth_continue.html"
    else:
        template = "admin/staff/reauth.html"
    context = {
        **site.each_context(request),
        "title": gettext("Confirm it is you"),
        "form": form,
        "pending": pending,
        "fields": [(key, value) for key, values in pending["data"] for value in values],
        "back": pending["back"]
        if url_has_allowed_host_and_scheme(pending["back"], allowed_hosts={request.get_host()})
        else reverse("admin:index", current_app=site.name),
        "minutes": settings.STAFF_REAUTH_MINUTES,
    }
    return TemplateResponse(request, template, context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a page in the admin's dress, 429."""
    from django.contrib import admin

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Sign-in locked"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return TemplateResponse(request, "admin/staff/locked_out.html", context, status=429).render()


@never_cache
def new_recovery_codes(request, site):
    """Replace the recovery codes (the old ones stop working), after re-authentication."""
    if not user_has_device(request.user):
        return HttpResponseRedirect(second_factor_url(request, site, request.get_full_path()))
    if request.method == "POST":
        if confirm := reauth.gate(request):
            return confirm
        codes = issue_recovery_codes(request.user)
        context = _context(request, site, gettext("Your new recovery codes"), codes=codes)
        context["signout_url"] = None
        return TemplateResponse(request, "admin/staff/recovery_codes.html", context)
    context = {**site.each_context(request), "title": gettext("Recovery codes")}
    return TemplateResponse(request, "admin/staff/new_recovery_codes.html", context)
