from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from briefings.actors.admin import (
    PreloadedAutocompleteMixin,
    TranslatedFieldsMixin,
    partial_date_column,
)
from briefings.events.models import Event, Participation


class ParticipationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Participation
    verbose_name = gettext_lazy("participant")
    verbose_name_plural = gettext_lazy("participants")
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "event")


class ChildEventInline(admin.TabularInline):
    """The events inside this one (a signing during a summit), edited on their own pages."""

    model = Event
    fk_name = "parent"
    verbose_name = gettext_lazy("event within")
    verbose_name_plural = gettext_lazy("events within")
    fields = ["kind", "date", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("date"))
    def date(self, obj):
        return obj.date_display


@admin.register(Event)
class EventAdmin(TranslatedFieldsMixin, PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "when", "status", "place", "participant_names"]
    list_select_related = ["country", "parent"]
    list_filter = ["kind", "status", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "title",
        "title_fr",
        "slug",
        "place_name",
        "place_name_fr",
        "country__name",
        "country__name_fr",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "parent", "agreements"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_fr"),
                    "slug",
                    "kind",
                    "status",
                    ("summary", "summary_fr"),
                ]
            },
        ),
        (
            "When and where",
            {
                "fields": [
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    ("place_name", "place_name_fr"),
                    "country",
                    "parent",
                ]
            },
        ),
        ("Agreements", {"fields": ["agreements"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        participations = Participation.objects.select_related("actor")
        return (
            super()
            .get_queryset(request)
            .select_related("country", "parent")
            .prefetch_related(
                Prefetch("participations", queryset=participations, to_attr="participant_list")
            )
        )

    def get_inlines(self, request, obj):
        return [ParticipationInline] if obj is None else [ParticipationInline, ChildEventInline]

    when = partial_date_column("start_date", "date")

    @admin.display(description=gettext_lazy("place"), ordering="place_name")
    def place(self, obj):
        return obj.place_display or None

    @admin.display(description=gettext_lazy("participants"))
    def participant_names(self, obj):
        return ", ".join(p.actor.short_name or p.actor.name for p in obj.participant_list) or None


@admin.register(Participation)
class ParticipationAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["event", "actor", "role"]
    list_select_related = ["event", "actor"]
    list_filter = ["role", "event__kind"]
    search_fields = [
        "event__title",
        # Participation has no translations of its own, so no `title_fr` to rewrite: the
        # French values are read off the related rows' i18n JSON.
        "event__i18n__title_fr",
        "actor__name",
        "actor__i18n__name_fr",
        "actor__short_name",
    ]
    autocomplete_fields = ["event", "actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event", "actor")
