"""The desk's admin for briefings: content in the form, the workflow in buttons.

Status and times are never form fields: every move goes through `Briefing.transition()`,
from the change form's workflow panel, the bulk actions or the scheduled view.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import slugify
from taggit.models import Tag

from briefings.clock import desk_zone
from briefings.newsroom.models import (
    Briefing,
    BriefingDeletion,
    Correction,
    EditConflict,
    KeyFigure,
    PreviewLink,
    Revision,
    Source,
    Transition,
)
from briefings.newsroom.views import detail_queryset, preview_response
from briefings.newsroom.workflow import MOVES

Status = Briefing.Status
OTTAWA = ZoneInfo("America/Toronto")  # Ottawa keeps Toronto's clock
UTC = ZoneInfo("UTC")


def clock(value, zone):
    return date_format(value.astimezone(zone), "D j M Y, H:i T")


def desk_and_utc(value):
    """A time as the desk reads it, with the UTC instant beside it."""
    if value is None:
        return None
    return format_html(
        '{} <span class="utc-instant">({})</span>', clock(value, desk_zone()), clock(value, UTC)
    )


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


class BriefingForm(forms.ModelForm):
    """The content form, carrying the version it started from so no save overwrites another."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    substantive_update = forms.BooleanField(
        required=False,
        label="Substantive update",
        help_text="Show readers an “Updated” time. Leave unticked for typo fixes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk and "base_version" in self.fields:
            self.fields["base_version"].initial = self.instance.version

    def clean_tags(self):
        """Every topic gets a page, whose address is made from its name's letters and digits."""
        tags = self.cleaned_data.get("tags") or []
        unaddressable = [name for name in tags if not slugify(name, allow_unicode=True)]
        if unaddressable:
            names = ", ".join(f"“{name}”" for name in unaddressable)
            raise forms.ValidationError(
                f"A topic needs a letter or a digit to give it a web address: {names}. "
                "Name it in words (“euro” rather than “€”).",
                code="unaddressable_tag",
            )
        return tags

    def clean(self):
        """Lock the row and compare versions; the lock holds until the admin's save commits."""
        cleaned = super().clean()
        if self.instance.pk and "base_version" in self.fields:
            base = cleaned.get("base_version") or 0
            try:
                self.instance.check_version(base)
            except EditConflict as conflict:
                self.conflict = self.instance.conflict_with(base)
                # Saving again, after reading their changes, is a deliberate choice.
                self.data = self.data.copy()
                self.data[self.add_prefix("base_version")] = self.conflict["current_version"]
                raise forms.ValidationError(
                    f"{conflict} Your text is kept below and nothing was saved: compare it with "
                    "their changes, then save again to replace them.",
                    code="edit_conflict",
                ) from None
        return cleaned


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
    inlines = [KeyFigureInline, SourceInline, CorrectionInline, TransitionInline]
    form = BriefingForm
    change_form_template = "admin/newsroom/briefing/revision_change_form.html"
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
        else:
            obj.version += 1  # BriefingForm.clean() checked it under a row lock
            if form.cleaned_data.get("substantive_update"):
                obj.public_updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            correction.created_by = correction.created_by or request.user
            correction.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.authors.exists():
            form.instance.authors.add(request.user)
        form.instance.save_revision(request.user, note="Edited" if change else "Created")

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.status == Status.SCHEDULED and obj.is_public():
            label = "Published (due)"
        return format_html('<span class="state state-{}">{}</span>', obj.status, label)

    @admin.display(description="publication", ordering="publish_at")
    def publication(self, obj):
        return desk_and_utc(obj.publish_at)

    @admin.display(description="expiry", ordering="expires_at")
    def expiry(self, obj):
        return desk_and_utc(obj.expires_at)

    @admin.display(description="first published")
    def first_published(self, obj):
        return desk_and_utc(obj.first_published_at)

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
            *self.revision_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        briefing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if briefing is not None:
            extra_context["workflow"] = self.workflow_panel(request, briefing)
            extra_context["no_lost_work"] = self.no_lost_work_panel(request, briefing)
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_panel(self, request, briefing, form=None):
        moves = briefing.allowed_moves(request.user)
        buttons = [
            (to, move.label)
            for (frm, to), move in MOVES.items()
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
                "“{}” is scheduled for {}.", briefing, desk_and_utc(briefing.publish_at)
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
                "expiry": desk_and_utc(briefing.expires_at),
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

    # No lost work: revisions, presence, previews, guarded deletion -------------------------

    PRESENCE_SECONDS = 45

    def get_fieldsets(self, request, obj=None):
        """Add the version the form started from, and for published work the update flag."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        extra = ["base_version"]
        if obj.first_published_at is not None:
            extra.append("substantive_update")
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], *extra]}), *rest]

    def has_delete_permission(self, request, obj=None):
        """Published work is withdrawn, not deleted; only a superuser may, and it is recorded."""
        if obj is not None and obj.first_published_at is not None:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        obj.delete(by=request.user)

    def delete_queryset(self, request, queryset):
        for briefing in queryset:
            briefing.delete(by=request.user)

    def revision_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            ("<path:object_id>/revisions/", self.revision_history_view, "revisions"),
            ("<path:object_id>/revisions/compare/", self.revision_compare_view, "compare"),
            ("<path:object_id>/revisions/<int:number>/", self.revision_view, "revision"),
            (
                "<path:object_id>/revisions/<int:number>/restore/",
                self.revision_restore_view,
                "restore",
            ),
            ("<path:object_id>/presence/", self.presence_view, "presence"),
            ("<path:object_id>/preview/", self.preview_view, "preview"),
            ("<path:object_id>/preview-links/", self.preview_links_view, "preview_links"),
        ]
        return [
            path(route, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name))
            for route, view, name in views
        ]

    def editable_briefing(self, request, object_id, change=False):
        briefing = get_object_or_404(self.get_queryset(request), pk=object_id)
        allowed = (
            self.has_change_permission(request, briefing)
            if change
            else self.has_view_or_change_permission(request, briefing)
        )
        if not allowed:
            raise PermissionDenied
        return briefing

    def no_lost_work_panel(self, request, briefing):
        return {
            "present": self.others_present(request, briefing),
            "presence_url": reverse("admin:newsroom_briefing_presence", args=[briefing.pk]),
            "revisions_url": reverse("admin:newsroom_briefing_revisions", args=[briefing.pk]),
            "preview_url": reverse("admin:newsroom_briefing_preview", args=[briefing.pk]),
            "preview_links_url": reverse(
                "admin:newsroom_briefing_preview_links", args=[briefing.pk]
            ),
            "preview_links": [
                link
                for link in briefing.preview_links.select_related("created_by")
                if link.is_valid()
            ],
            "revision_count": briefing.revisions.count(),
            "public": briefing.is_public(),
            "can_share": request.user.has_perm("newsroom.add_previewlink"),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def others_present(self, request, briefing, ping=False):
        """Who else has this briefing open, from pings kept a few seconds in the cache."""
        key, now = f"presence:briefing:{briefing.pk}", timezone.now().timestamp()
        seen = {pk: entry for pk, entry in (cache.get(key) or {}).items() if entry[1] > now}
        if ping:
            user = request.user
            seen[user.pk] = (
                user.get_full_name() or user.get_username(),
                now + self.PRESENCE_SECONDS,
            )
            cache.set(key, seen, self.PRESENCE_SECONDS + 15)
        return sorted(name for pk, (name, _) in seen.items() if pk != request.user.pk)

    def presence_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        briefing = self.editable_briefing(request, object_id)
        return JsonResponse({"others": self.others_present(request, briefing, ping=True)})

    def revision_context(self, request, briefing, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": briefing,
            "change_url": reverse("admin:newsroom_briefing_change", args=[briefing.pk]),
            "history_url": reverse("admin:newsroom_briefing_revisions", args=[briefing.pk]),
            "can_restore": self.has_change_permission(request, briefing),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def revision_history_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        revisions = briefing.revisions.select_related("created_by").only(
            "number", "created_at", "created_by", "note", "published", "scheduled", "briefing"
        )
        page = Paginator(revisions, 50).get_page(request.GET.get("page"))
        context = {
            **self.revision_context(request, briefing, f"History of “{briefing}”"),
            "page": page,
            "latest_number": briefing.revisions.values_list("number", flat=True).first(),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_history.html", context)

    def revision_view(self, request, object_id, number):
        briefing = self.editable_briefing(request, object_id)
        revision = get_object_or_404(briefing.revisions.select_related("created_by"), number=number)
        context = {
            **self.revision_context(request, briefing, f"Revision {number} of “{briefing}”"),
            "revision": revision,
            "fields": Revision.readable(revision.data),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_detail.html", context)

    def revision_compare_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        try:
            numbers = sorted({int(request.GET["a"]), int(request.GET["b"])})
        except (KeyError, ValueError):
            messages.error(request, "Choose two revisions to compare.")
            return HttpResponseRedirect(
                reverse("admin:newsroom_briefing_revisions", args=[briefing.pk])
            )
        found = {r.number: r for r in briefing.revisions.filter(number__in=numbers)}
        if len(found) != len(numbers):
            raise Http404("No such revision.")
        old, new = found[numbers[0]], found[numbers[-1]]
        context = {
            **self.revision_context(
                request, briefing, f"Revisions {old.number} and {new.number} of “{briefing}”"
            ),
            "old": old,
            "new": new,
            "old_label": f"Revision {old.number}",
            "new_label": f"Revision {new.number}",
            "fields": old.compare(new),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        briefing = self.editable_briefing(request, object_id, change=True)
        revision = get_object_or_404(briefing.revisions, number=number)
        try:
            restored = revision.restore(by=request.user)
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(
                request,
                f"Revision {number} restored as revision {restored.number}; "
                "the revisions in between are kept in the history.",
            )
        return HttpResponseRedirect(reverse("admin:newsroom_briefing_change", args=[briefing.pk]))

    def preview_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        return preview_response(
            request, detail_queryset(Briefing.objects.all()).get(pk=briefing.pk)
        )

    def preview_links_view(self, request, object_id):
        """Create a login-free preview link, or revoke one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        briefing = self.editable_briefing(request, object_id, change=True)
        if not request.user.has_perms(["newsroom.add_previewlink", "newsroom.change_previewlink"]):
            raise PermissionDenied
        if revoke := request.POST.get("revoke"):
            link = get_object_or_404(briefing.preview_links, pk=revoke)
            link.revoke()
            messages.success(request, "The preview link is revoked: it no longer opens.")
        else:
            link = PreviewLink.objects.create(briefing=briefing, created_by=request.user)
            messages.success(
                request,
                format_html(
                    'Preview link, valid until {}: <a href="{}">{}</a>',
                    desk_and_utc(link.expires_at),
                    request.build_absolute_uri(link.get_absolute_url()),
                    request.build_absolute_uri(link.get_absolute_url()),
                ),
            )
        return HttpResponseRedirect(reverse("admin:newsroom_briefing_change", args=[briefing.pk]))


@admin.register(BriefingDeletion)
class BriefingDeletionAdmin(admin.ModelAdmin):
    """The record of deleted briefings, with their last content; nobody edits it."""

    list_display = ["headline", "slug", "status", "deleted_by", "deleted_at"]
    list_select_related = ["deleted_by"]
    search_fields = ["headline", "slug"]
    readonly_fields = ["briefing_pk", "headline", "slug", "status", "deleted_by", "deleted_at"]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """taggit's tags as the desk uses them: on briefings only, with how many carry each."""

    list_display = ["name", "slug", "briefing_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(briefing_count=Count("newsroom_taggedbriefing_items"))
        )

    @admin.display(description="briefings", ordering="briefing_count")
    def briefing_count(self, obj):
        return obj.briefing_count
