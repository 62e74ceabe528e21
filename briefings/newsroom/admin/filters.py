"""The briefing list's filters: by workflow state (with "due") and by byline."""

from django.contrib import admin
from django.utils.translation import gettext, gettext_lazy

from briefings.adminsite import IdListFilter
from briefings.newsroom.models import Contributor
from briefings.newsroom.workflow import Status


class StatusFilter(admin.SimpleListFilter):
    """The workflow states, plus "due": scheduled, public already, awaiting its worker."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*Status.choices, ("due", gettext("Due (public, not yet marked)"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.due()
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class AuthorFilter(IdListFilter):
    """By a contributor in the byline (the parameter keeps its name: bookmarks survive)."""

    title = gettext_lazy("byline")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        people = Contributor.objects.filter(credits__isnull=False).distinct()
        return [(str(c.pk), c.name) for c in people]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(contributors=self.value())
        return queryset
