"""Staff sessions end after STAFF_IDLE_MINUTES without a request.

The last-seen stamp is written at sign-in, then at most once a minute, so a run of admin
requests does not save the session on every one of them.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext

SEEN_KEY = "staff_seen_at"
WRITE_EVERY = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            now = time.time()
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    gettext(
                        "You were signed out after %(minutes)s minutes without activity. "
                        "Sign in again to continue."
                    )
                    % {"minutes": settings.STAFF_IDLE_MINUTES},
                )
            elif seen is None or now - seen >= WRITE_EVERY:
                request.session[SEEN_KEY] = int(now)
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="staff_seen_at_login")
def _seen_at_login(sender, request, user, **kwargs):
    if request is not None and user.is_staff:
        request.session[SEEN_KEY] = int(time.time())
