"""Login records (django-axes) in the admin, for superusers only.

Registered by DeskAdminConfig.ready() with AXES_ENABLE_ADMIN off, so editors never see who
signed in when and from where. A superuser may delete an attempt to lift a lockout early.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class AttemptAdmin(SuperusersOnly, AccessAttemptAdmin):
    """Current failure counts per username: deleting one lifts its lockout."""


class LogAdmin(SuperusersOnly, AccessLogAdmin):
    """Every successful login (and its logout)."""

    def has_delete_permission(self, request, obj=None):
        return False


class FailureLogAdmin(SuperusersOnly, AccessFailureLogAdmin):
    """Every failed login, kept after a lockout is lifted."""

    def has_delete_permission(self, request, obj=None):
        return False


def register(site):
    site.register(AccessAttempt, AttemptAdmin)
    site.register(AccessLog, LogAdmin)
    site.register(AccessFailureLog, FailureLogAdmin)
