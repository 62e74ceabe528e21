"""The desk's admin site: Django's, with one guard in front of every admin view.

Every admin page, the autocomplete and the apps' own admin views go through
`AdminSite.admin_view()`; a GET parameter (key or value) carrying a control character
answers 400 there, before a changelist filter, search term or autocomplete term reaches
PostgreSQL, which refuses NUL in text (`?kind=%00`, `term=%00` answered 500). One check
for all of them, rather than one per filter: Django's own choices and related filters
included. Filters whose values are ids check them too (IdListFilter).

Staff sign-in (briefings/staff) hangs off the same site, in the section marked below: after
the password, a staff session that owes its second factor is sent to set it up or give it,
and counts as not permitted until it has.

A root module: it imports no app, so any app's admin may use IdListFilter.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path

from briefings.params import has_control_in, is_id
from briefings.staff.policy import second_factor_due


class DeskAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if has_control_in(request.GET):
                return HttpResponseBadRequest(
                    "Control characters are not allowed in the address.",
                    content_type="text/plain; charset=utf-8",
                )
            return view(request, *args, **kwargs)

        return super().admin_view(guarded, cacheable)

    # Staff sign-in: the second factor after the password, and re-authentication.

    def has_permission(self, request):
        return super().has_permission(request) and not second_factor_due(request)

    def login(self, request, extra_context=None):
        from briefings.staff import views as staff_views

        if request.method == "GET" and second_factor_due(request):
            next_to = staff_views.next_url(request, self)
            return HttpResponseRedirect(staff_views.second_factor_url(request, self, next_to))
        response = super().login(request, extra_context)
        signed_in = request.method == "POST" and isinstance(response, HttpResponseRedirect)
        if signed_in and second_factor_due(request):
            return HttpResponseRedirect(staff_views.second_factor_url(request, self, response.url))
        return response

    def get_urls(self):
        from briefings.staff import views as staff_views

        step = self.sign_in_step
        staff = [
            path("second-factor/", step(staff_views.verify), name="staff_otp_verify"),
            path("second-factor/setup/", step(staff_views.setup), name="staff_otp_setup"),
            path("second-factor/sign-out/", step(staff_views.signout), name="staff_signout"),
            path(
                "confirm/",
                self.admin_view(lambda request: staff_views.confirm(request, self)),
                name="staff_reauth",
            ),
            path(
                "second-factor/recovery-codes/",
                self.admin_view(lambda request: staff_views.new_recovery_codes(request, self)),
                name="staff_recovery_codes",
            ),
        ]
        return staff + super().get_urls()

    def sign_in_step(self, view):
        """A view of the sign-in steps: the control-character guard, no permission check."""

        @wraps(view)
        def bare(request):
            if has_control_in(request.GET):
                return HttpResponseBadRequest(
                    "Control characters are not allowed in the address.",
                    content_type="text/plain; charset=utf-8",
                )
            return view(request, self)

        return bare


class DeskAdminConfig(AdminConfig):
    default_site = "briefings.adminsite.DeskAdminSite"

    def ready(self):
        super().ready()
        from briefings.staff import admin as staff_admin
        from briefings.staff import checks, middleware, policy, reauth  # noqa: F401 — receivers

        staff_admin.register(self.module.site)


class IdListFilter(admin.SimpleListFilter):
    """A list filter whose value is a primary key: "abc" is a bad lookup, not a 500.

    The changelist answers an IncorrectLookupParameters as it does any bad lookup: a
    redirect to `?e=1`.
    """

    def value(self):
        value = super().value()
        if value and not is_id(value):
            raise IncorrectLookupParameters(f"“{self.parameter_name}” must be an id.")
        return value
