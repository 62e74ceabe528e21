"""Re-authentication before the moves that cannot be taken back.

`gate(request)` answers None when the user gave their password or a second factor within
STAFF_REAUTH_MINUTES (signing in counts), else a redirect to the confirmation page. The POST
that was refused is kept in the session and posted again from that page once the user has
confirmed, so the form they were on (a move's note, a publication time) is not lost.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

STAMP_KEY = "staff_reauth_at"
PENDING_KEY = "staff_reauth_pending"
PASS_KEY = "staff_reauth_pass"  # the kept form's address, let through once after confirming
NOT_REPLAYED = {"csrfmiddlewaretoken"}


def mark(request):
    request.session[STAMP_KEY] = int(time.time())


def is_recent(request):
    stamp = request.session.get(STAMP_KEY)
    return stamp is not None and time.time() - stamp < settings.STAFF_REAUTH_MINUTES * 60


def gate(request):
    passed = request.session.pop(PASS_KEY, None) == request.get_full_path()
    if passed or is_recent(request):
        request.session.pop(PENDING_KEY, None)
        return None
    request.session[PENDING_KEY] = {
        "url": request.get_full_path(),
        "back": request.META.get("HTTP_REFERER", ""),
        "data": [(key, values) for key, values in request.POST.lists() if key not in NOT_REPLAYED],
    }
    return HttpResponseRedirect(reverse("admin:staff_reauth"))


def pending(request):
    return request.session.get(PENDING_KEY)


def confirmed(request):
    """The user just re-authenticated: the window restarts and the kept form goes through."""
    mark(request)
    kept = request.session.pop(PENDING_KEY, None)
    if kept is not None:
        request.session[PASS_KEY] = kept["url"]


@receiver(user_logged_in, dispatch_uid="staff_reauth_on_login")
def _signed_in_is_recent(sender, request, user, **kwargs):
    if request is not None:
        mark(request)
