"""The desk's admin for briefings: content in the form, the workflow in buttons.

Status and times are never form fields: every move goes through `Briefing.transition()`,
from the change form's workflow panel, the bulk actions or the scheduled view. BriefingAdmin
is assembled from mixins by concern: the workflow (workflow.py) and no lost work
(revisions.py: revisions, presence, preview links, guarded deletion).
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from taggit.models import Tag

from briefings.newsroom.admin.autosave import AutosaveMixin
from briefings.newsroom.admin.clocks import desk_and_utc
from briefings.newsroom.admin.contributors import ContributorAdmin
from briefings.newsroom.admin.filters import AuthorFilter, StatusFilter
from briefings.newsroom.admin.forms import BriefingForm
from briefings.newsroom.admin.images import ImageChooserMixin
from briefings.newsroom.admin.inlines import (
    BylineInline,
    CorrectionInline,
    KeyFigureInline,
    SourceInline,
    TransitionInline,
)
from briefings.newsroom.admin.layout import FormLayoutMixin
from briefings.newsroom.admin.revisions import NoLostWorkMixin
from briefings.newsroom.admin.translations import TranslationFilter, TranslationsMixin
from briefings.newsroom.admin.workflow import WorkflowMixin
from briefings.newsroom.admin.writing import WritingSurfaceMixin
from briefings.newsroom.models import (
    Briefing,
    BriefingDeletion,
    Contributor,
    Correction,
    bylines_prefetch,
)
from briefings.newsroom.workflow import Status

__all__ = ["BriefingAdmin", "ContributorAdmin"]

# The desk's home: the dashboard above Django's app list (see admin/dashboard.py).
admin.site.index_template = "admin/newsroom/dashboard.html"


@admin.register(Briefing)
class BriefingAdmin(
    WritingSurfaceMixin,
    WorkflowMixin,
    TranslationsMixin,
    AutosaveMixin,
    FormLayoutMixin,
    NoLostWorkMixin,
    ImageChooserMixin,
    admin.ModelAdmin,
):
    list_display = [
        "headline", "state", "language_state", "publication", "expiry", "byline", "updated_at",
    ]  # fmt: skip
    list_filter = [StatusFilter, AuthorFilter, "article_type", "language", TranslationFilter]
    list_select_related = ["created_by", "translation_of"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["actors", "agreements", "events", "lead_image", "translation_of"]
    inlines = [BylineInline, KeyFigureInline, SourceInline, CorrectionInline, TransitionInline]
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

    def view_on_site(self, obj):
        """Readers' page once public (or withdrawn: its note); the staff preview before."""
        if obj.is_public() or obj.status == Status.WITHDRAWN:
            return obj.get_absolute_url()
        return reverse("newsroom:desk_preview", args=[obj.pk])

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .with_translation_state()
            .prefetch_related(bylines_prefetch())
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new briefing's byline starts with the writer's own contributor, if they have one."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj.pk is None:
            own = Contributor.objects.filter(user=request.user).values_list("pk", flat=True)
            if own:
                kwargs["initial"] = [{"contributor": own[0]}]
        return kwargs

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
        form.instance.save_revision(request.user, note="Edited" if change else "Created")

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.status == Status.SCHEDULED and obj.is_public():
            label = gettext("Published (due)")
        return format_html('<span class="state state-{}">{}</span>', obj.status, label)

    @admin.display(description=gettext_lazy("publication"), ordering="publish_at")
    def publication(self, obj):
        return desk_and_utc(obj.publish_at)

    @admin.display(description=gettext_lazy("expiry"), ordering="expires_at")
    def expiry(self, obj):
        return desk_and_utc(obj.expires_at)

    @admin.display(description=gettext_lazy("first published"))
    def first_published(self, obj):
        return desk_and_utc(obj.first_published_at)

    @admin.display(description=gettext_lazy("byline"))
    def byline(self, obj):
        return ", ".join(c.name for c in obj.byline())

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "autosave": self.autosave_panel(request),
            "workflow": self.new_workflow_panel(request),
        }
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        briefing = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if briefing is not None:
            extra_context["workflow"] = self.workflow_panel(request, briefing)
            extra_context["no_lost_work"] = self.no_lost_work_panel(request, briefing)
            extra_context["translations"] = self.translations_panel(request, briefing)
            if self.has_change_permission(request, briefing):
                extra_context["autosave"] = self.autosave_panel(request, briefing)
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
    ordering = ["name", "pk"]  # the count groups the query: the autocomplete pages need an order

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(briefing_count=Count("newsroom_taggedbriefing_items"))
        )

    @admin.display(description=gettext_lazy("briefings"), ordering="briefing_count")
    def briefing_count(self, obj):
        return obj.briefing_count
