"""The desk's admin site: Django's, with one guard in front of every admin view.

Every admin page, the autocomplete and the apps' own admin views go through
`AdminSite.admin_view()`; a GET parameter (key or value) carrying a control character
answers 400 there, before a changelist filter, search term or autocomplete term reaches
PostgreSQL, which refuses NUL in text (`?kind=%00`, `term=%00` answered 500). One check
for all of them, rather than one per filter: Django's own choices and related filters
included. Filters whose values are ids check them too (IdListFilter).

A root module: it imports no app, so any app's admin may use IdListFilter.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseBadRequest

from briefings.params import has_control_in, is_id


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


class DeskAdminConfig(AdminConfig):
    default_site = "briefings.adminsite.DeskAdminSite"


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
