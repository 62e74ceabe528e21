"""The briefing list's filters: by workflow state (with "due") and by byline."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from briefings.adminsite import IdListFilter
from briefings.newsroom.workflow import Status


class StatusFilter(admin.SimpleListFilter):
    """The workflow states, plus "due": scheduled, public already, awaiting its worker."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*Status.choices, ("due", "Due (public, not yet marked)")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.due()
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class AuthorFilter(IdListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(bylines__isnull=False).distinct()
        return [(str(u.pk), u.get_full_name() or u.get_username()) for u in people]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(authors=self.value())
        return queryset
