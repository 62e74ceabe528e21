"""What the change form shows below a briefing: key figures, sources, corrections, history."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext, gettext_lazy

from briefings.newsroom.admin.clocks import desk_and_utc
from briefings.newsroom.models import Byline, Correction, KeyFigure, Source, Transition


class BylineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].help_text = gettext("Order in the byline: lowest first.")

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def has_changed(self):
        """A new row counts when it names someone: the writer's own contributor comes
        preselected on a new briefing, and Django would skip that row as unchanged."""
        if self.instance.pk is None:
            return bool(self["contributor"].value())
        return super().has_changed()


class BylineInline(admin.TabularInline):
    """Who the byline names, in order: contributors, never logins."""

    model = Byline
    form = BylineForm
    fields = ["contributor", "position"]
    autocomplete_fields = ["contributor"]
    verbose_name = gettext_lazy("byline")
    verbose_name_plural = gettext_lazy("byline")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


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
    verbose_name_plural = gettext_lazy("workflow history")
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

    @admin.display(description=gettext_lazy("when"))
    def when(self, obj):
        return desk_and_utc(obj.at)
