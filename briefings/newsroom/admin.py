"""The desk's admin for briefings: content in the form, the workflow in buttons.

Status and times are never form fields: every move goes through `Briefing.transition()`,
from the change form's workflow panel, the bulk actions or the scheduled view.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from briefings.newsroom.models import Briefing, EditConflict, KeyFigure, Source, Transition

Status = Briefing.Status
OTTAWA = ZoneInfo("America/Toronto")  # Ottawa keeps Toronto's clock
UTC = ZoneInfo("UTC")


def desk_zone():
    return ZoneInfo(settings.DESK_TIME_ZONE)


def clock(value, zone):
    return date_format(value.astimezone(zone), "D j M Y, H:i T")


def desk_time(value):
    """A time as the desk reads it, with the UTC instant beside it."""
    if value is None:
        return None
    return format_html(
        '{} <span class="utc-instant">({})</span>', clock(value, desk_zone()), clock(value, UTC)
    )


# The button each move gets on the change form, by (from, to).
MOVE_LABELS = {
    (Status.DRAFT, Status.REVIEW): "Submit for review",
    (Status.REVIEW, Status.DRAFT): "Return to draft",
    (Status.DRAFT, Status.SCHEDULED): "Schedule",
    (Status.REVIEW, Status.SCHEDULED): "Approve and schedule",
    (Status.SCHEDULED, Status.SCHEDULED): "Reschedule",
    (Status.SCHEDULED, Status.REVIEW): "Cancel schedule (back to review)",
    (Status.SCHEDULED, Status.DRAFT): "Cancel schedule (back to draft)",
    (Status.DRAFT, Status.PUBLISHED): "Publish now",
    (Status.REVIEW, Status.PUBLISHED): "Approve and publish now",
    (Status.SCHEDULED, Status.PUBLISHED): "Publish now",
    (Status.SCHEDULED, Status.WITHDRAWN): "Withdraw",
    (Status.PUBLISHED, Status.WITHDRAWN): "Withdraw",
}


class DeskDateTimeField(forms.DateTimeField):
    """A datetime typed on the desk's clock (Europe/Brussels by default), stored in UTC.

    Times that do not exist or occur twice at a clock change are refused with a clear error.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(desk_zone()):
            return super().to_python(value)

    def prepare_value(self, value):
        if hasattr(value, "astimezone"):
            value = value.astimezone(desk_zone()).replace(tzinfo=None)
        return super().prepare_value(value)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    version = forms.IntegerField(min_value=1)
    publish_at = DeskDateTimeField(required=False, label="publication time")
    expires_at = DeskDateTimeField(required=False, label="expiry time")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


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
        return desk_time(obj.at)


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


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(bylines__isnull=False).distinct()
        return [(str(u.pk), u.get_full_name() or u.get_username()) for u in people]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(authors=self.value())
        return queryset


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["headline", "state", "publication", "expiry", "byline", "updated_at"]
    list_filter = [StatusFilter, AuthorFilter, "article_type"]
    list_select_related = ["created_by"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["actors", "agreements", "events"]
    filter_horizontal = ["authors"]
    inlines = [KeyFigureInline, SourceInline, TransitionInline]
    readonly_fields = ["state", "publication", "expiry", "first_published", "created_by"]
    actions = ["submit_for_review", "publish_now", "cancel_schedule"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "article_type"]}),
        ("Byline and links", {"fields": ["authors", "tags", "actors", "agreements", "events"]}),
        (
            "Workflow",
            {"fields": ["state", "publication", "expiry", "first_published", "created_by"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .prefetch_related(
                Prefetch("authors", queryset=get_user_model().objects.order_by("last_name"))
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return obj.can_edit(request.user)

    def has_publish_permission(self, request):
        return request.user.has_perm("newsroom.publish_briefing")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.authors.exists():
            form.instance.authors.add(request.user)

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.status == Status.SCHEDULED and obj.is_public():
            label = "Published (due)"
        return format_html('<span class="state state-{}">{}</span>', obj.status, label)

    @admin.display(description="publication", ordering="publish_at")
    def publication(self, obj):
        return desk_time(obj.publish_at)

    @admin.display(description="expiry", ordering="expires_at")
    def expiry(self, obj):
        return desk_time(obj.expires_at)

    @admin.display(description="first published")
    def first_published(self, obj):
        return desk_time(obj.first_published_at)

    @admin.display(description="byline")
    def byline(self, obj):
        return ", ".join(u.get_full_name() or u.get_username() for u in obj.authors.all())

    # Workflow views -----------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "scheduled/",
                self.admin_site.admin_view(self.scheduled_view),
                name="{}_{}_scheduled".format(*info),
            ),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        briefing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if briefing is not None:
            extra_context["workflow"] = self.workflow_panel(request, briefing)
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_panel(self, request, briefing, form=None):
        moves = briefing.allowed_moves(request.user)
        buttons = [
            (to, MOVE_LABELS[(briefing.status, to)])
            for (frm, to) in MOVE_LABELS
            if frm == briefing.status and to in moves
        ]
        wants_time = bool(moves & {Status.SCHEDULED, Status.PUBLISHED})
        return {
            "buttons": buttons,
            "wants_time": wants_time,
            "form": form
            or TransitionForm(
                initial={
                    "version": briefing.version,
                    "publish_at": briefing.publish_at,
                    "expires_at": briefing.expires_at,
                }
            ),
            "url": reverse("admin:newsroom_briefing_transition", args=[briefing.pk]),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        briefing = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        try:
            briefing.transition(
                data["to"],
                by=request.user,
                note=data["note"],
                publish_at=data["publish_at"],
                expires_at=data["expires_at"],
                expected_version=data["version"],
            )
        except PermissionDenied:
            messages.error(request, "You may not make this move.")
        except EditConflict as conflict:
            messages.error(request, f"{conflict} Nothing was changed; review and try again.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message(briefing))
        return HttpResponseRedirect(change_url)

    def success_message(self, briefing):
        if briefing.status == Status.SCHEDULED:
            return format_html(
                "“{}” is scheduled for {}.", briefing, desk_time(briefing.publish_at)
            )
        return f"“{briefing}” is now {briefing.get_status_display().lower()}."

    def scheduled_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        upcoming = (
            self.get_queryset(request).filter(status=Status.SCHEDULED).order_by("publish_at", "pk")
        )
        zones = [("Brussels", desk_zone()), ("Ottawa", OTTAWA), ("UTC", UTC)]
        rows = [
            {
                "briefing": briefing,
                "url": reverse("admin:newsroom_briefing_change", args=[briefing.pk]),
                "times": [clock(briefing.publish_at, zone) for _, zone in zones],
                "due": briefing.is_public(),
                "expiry": desk_time(briefing.expires_at),
            }
            for briefing in upcoming
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Scheduled briefings",
            "opts": self.opts,
            "zones": [name for name, _ in zones],
            "rows": rows,
        }
        return TemplateResponse(request, "admin/newsroom/briefing/scheduled.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "scheduled_url": reverse("admin:newsroom_briefing_scheduled"),
        }
        return super().changelist_view(request, extra_context)

    # Bulk actions: each briefing goes through transition(), and each refusal is reported ---

    def apply_move(self, request, queryset, to_status, **kwargs):
        moved = 0
        for briefing in queryset:
            try:
                briefing.transition(to_status, by=request.user, **kwargs)
            except PermissionDenied:
                messages.error(request, f"“{briefing}”: you may not make this move.")
            except ValidationError as error:
                messages.error(request, f"“{briefing}”: {' '.join(error.messages)}")
            else:
                moved += 1
        if moved:
            messages.success(request, f"{moved} briefing(s) moved to {Status(to_status).label}.")

    @admin.action(description="Submit selected briefings for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.apply_move(request, queryset, Status.REVIEW)

    @admin.action(description="Publish selected briefings now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self.apply_move(request, queryset, Status.PUBLISHED)

    @admin.action(description="Cancel the schedule of selected briefings", permissions=["publish"])
    def cancel_schedule(self, request, queryset):
        self.apply_move(request, queryset.filter(status=Status.SCHEDULED), Status.DRAFT)
