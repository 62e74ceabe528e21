"""Who must give a second factor, and whether this session has.

Required of every staff user when STAFF_OTP_REQUIRED is on (production's default), and of a
staff user who has set one up whatever the setting: that is decided once, at login, and kept
in the session, so no admin page pays a query for it.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import user_has_device

REQUIRED_SESSION_KEY = "staff_otp_required"


def is_verified(request):
    # django.contrib.auth.login() swaps in a user object OTPMiddleware never saw.
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def second_factor_due(request):
    """Whether this signed-in staff session still owes its second factor."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    required = settings.STAFF_OTP_REQUIRED or request.session.get(REQUIRED_SESSION_KEY, False)
    return required and not is_verified(request)


@receiver(user_logged_in, dispatch_uid="staff_policy_on_login")
def _note_device_at_login(sender, request, user, **kwargs):
    if request is not None and user.is_staff and user_has_device(user):
        request.session[REQUIRED_SESSION_KEY] = True


def verified_staff_required(view):
    """`staff_member_required`, and the second factor given if one is due: for staff-only
    pages outside the admin (the desk preview of a draft), which its site check never sees."""
    from django.contrib.admin.views.decorators import staff_member_required
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    staff_view = staff_member_required(view)

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if second_factor_due(request):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return staff_view(request, *args, **kwargs)

    return guarded
