"""The desk's admin for briefings: content in the form, the workflow in buttons.

Status and times are never form fields: every move goes through `Briefing.transition()`,
from the change form's workflow panel, the bulk actions or the scheduled view. BriefingAdmin
is assembled from mixins by concern: the workflow (workflow.py) and no lost work
(revisions.py: revisions, presence, preview links, guarded deletion).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from briefings.newsroom.admin.clocks import desk_and_utc
from briefings.newsroom.admin.filters import AuthorFilter, StatusFilter
from briefings.newsroom.admin.forms import BriefingForm
from briefings.newsroom.admin.images import ImageChooserMixin
from briefings.newsroom.admin.inlines import (
    CorrectionInline,
    KeyFigureInline,
    SourceInline,
    TransitionInline,
)
from briefings.newsroom.admin.revisions import NoLostWorkMixin
from briefings.newsroom.admin.workflow import WorkflowMixin
from briefings.newsroom.models import Briefing, BriefingDeletion, Correction
from briefings.newsroom.workflow import Status


@admin.register(Briefing)
class BriefingAdmin(WorkflowMixin, NoLostWorkMixin, ImageChooserMixin, admin.ModelAdmin):
    list_display = ["headline", "state", "publication", "expiry", "byline", "updated_at"]
    list_filter = [StatusFilter, AuthorFilter, "article_type"]
    list_select_related = ["created_by"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["actors", "agreements", "events", "lead_image"]
    filter_horizontal = ["authors"]
    inlines = [KeyFigureInline, SourceInline, CorrectionInline, TransitionInline]
    form = BriefingForm
    change_form_template = "admin/newsroom/briefing/revision_change_form.html"
    readonly_fields = [
        "state",
        "publication",
        "expiry",
        "first_published",
        "created_by",
        "image_chooser",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "article_type"]}),
        ("Byline and links", {"fields": ["authors", "tags", "actors", "agreements", "events"]}),
        (
            "Images",
            {
                "fields": ["lead_image", "image_chooser"],
                "description": "Place a library image in the body with "
                "<code>![alt text](image:ID)</code> (leave the alt text empty to use the "
                "library's); the image library shows each image's line to paste.",
            },
        ),
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        briefing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if briefing is not None:
            extra_context["workflow"] = self.workflow_panel(request, briefing)
            extra_context["no_lost_work"] = self.no_lost_work_panel(request, briefing)
        return super().change_view(request, object_id, form_url, extra_context)


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
