"""What the change form shows below a briefing: key figures, sources, corrections, history."""

from django.contrib import admin

from briefings.newsroom.admin.clocks import desk_and_utc
from briefings.newsroom.models import Correction, KeyFigure, Source, Transition


class CorrectionInline(admin.StackedInline):
    """Public notes on a published briefing; they appear on the page, the feed and JSON-LD."""

    model = Correction
    fields = ["kind", "text", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return obj is not None and obj.first_published_at is not None

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    fields = ["label", "value", "unit", "source", "position"]
    extra = 0


class SourceInline(admin.TabularInline):
    model = Source
    fields = ["title", "url", "publisher", "published_on", "position"]
    extra = 0


class TransitionInline(admin.TabularInline):
    """The briefing's history through the workflow; written only by `transition()`."""

    model = Transition
    fields = ["when", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = "workflow history"
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # Each row prints its Transition, whose str names the briefing.
        return (
            super()
            .get_queryset(request)
            .select_related("by", "briefing")
            .defer("briefing__body", "briefing__search_vector")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True

    @admin.display(description="when")
    def when(self, obj):
        return desk_and_utc(obj.at)
