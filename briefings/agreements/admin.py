from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from briefings.actors.admin import PreloadedAutocompleteMixin
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction


def status_with_date(party):
    """“Ratification, 12 June 2018”: the derived status and the action that decided it."""
    if party.pk is None:
        return "—"
    action = party.status_action
    if action is None:
        return party.get_status_display()
    return f"{party.get_status_display()}, {action.date_display}"


class BoundFilter(admin.SimpleListFilter):
    title = "consent to be bound"
    parameter_name = "bound"

    def lookups(self, request, model_admin):
        return [("yes", "Bound (ratified, accepted, acceded…)"), ("no", "Not bound")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.bound()
        if self.value() == "no":
            return queryset.not_bound()
        return queryset


class PartyInline(PreloadedAutocompleteMixin, admin.TabularInline):
    """A compact list of parties; their actions are edited on each party's own page."""

    model = Party
    fields = ["actor", "role", "status", "note"]
    readonly_fields = ["status"]
    autocomplete_fields = ["actor"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "agreement")
            .prefetch_related("actions")
        )

    @admin.display(description="status (from its actions)")
    def status(self, obj):
        return status_with_date(obj)


class RelationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = AgreementRelation
    fk_name = "source"
    verbose_name = "relation to another agreement"
    verbose_name_plural = "relations to other agreements"
    fields = ["kind", "target", "note"]
    autocomplete_fields = ["target"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "short_name", "kind", "status", "signed", "consent"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "short_name", "slug", "parties__name", "parties__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "signed_on"
    readonly_fields = ["ratification_record", "created_at", "updated_at"]
    inlines = [PartyInline, RelationInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "short_name", "slug", "kind", "summary"]}),
        (
            "Lifecycle",
            {
                "fields": [
                    "status",
                    ("concluded_on", "concluded_precision"),
                    ("signed_on", "signed_precision"),
                    "signed_place",
                    "provisionally_applied_on",
                    "in_force_on",
                    "ended_on",
                    "ratification_record",
                ]
            },
        ),
        (
            "Adoption (instruments no party ratifies)",
            {
                "fields": [
                    "needs_ratification",
                    ("adopted_on", "adopted_precision"),
                    "adopted_by",
                    "applies_from",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_party_counts()

    @admin.display(description="signed", ordering="signed_on")
    def signed(self, obj):
        return obj.signed_display or None

    def _parties_link(self, obj, count, **filters):
        """A count that opens the parties it counts: “10 not bound” lists the ten."""
        query = urlencode({"agreement__id__exact": obj.pk, **filters})
        url = reverse("admin:agreements_party_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, query, count)

    @admin.display(description="parties", ordering="-not_bound_count")
    def consent(self, obj):
        """“18 of 30 bound · 12 not”, each number opening the parties it counts."""
        if not obj.needs_ratification:
            return "not ratified"
        if not obj.party_count:
            return None
        return format_html(
            "{} of {} bound · {} not",
            self._parties_link(obj, obj.bound_count, bound="yes"),
            self._parties_link(obj, obj.party_count),
            self._parties_link(obj, obj.not_bound_count, bound="no"),
        )

    @admin.display(description="ratification record")
    def ratification_record(self, obj):
        if obj.pk is not None and not obj.needs_ratification:
            return "Not ratified: the parties are who it covers."
        if obj.pk is None or not obj.party_count:
            return "No parties yet."
        return format_html(
            "{} of {} parties bound; {} not bound.",
            obj.bound_count,
            obj.party_count,
            obj.not_bound_count,
        )


class PartyActionInline(admin.TabularInline):
    model = PartyAction
    fields = ["kind", "date", "place", "note", "source_url"]
    extra = 1


@admin.register(Party)
class PartyAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["actor", "agreement_name", "role", "status", "note"]
    list_select_related = ["actor", "agreement"]
    ordering = ["agreement__title", "actor__name"]
    list_filter = [
        BoundFilter,
        "role",
        ("agreement", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "actor__name",
        "actor__short_name",
        "agreement__title",
        "agreement__short_name",
    ]
    autocomplete_fields = ["agreement", "actor"]
    readonly_fields = ["status"]
    fields = ["agreement", "actor", "role", "note", "status"]
    inlines = [PartyActionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "agreement")
            .prefetch_related("actions")
        )

    @admin.display(description="agreement", ordering="agreement__title")
    def agreement_name(self, obj):
        return obj.agreement.display_name

    @admin.display(description="status (from its actions)")
    def status(self, obj):
        return status_with_date(obj)


@admin.register(PartyAction)
class PartyActionAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "actor", "agreement", "place", "note"]
    list_select_related = ["party__actor", "party__agreement"]
    list_filter = ["kind", ("party__agreement", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "party__actor__name",
        "party__agreement__title",
        "party__agreement__short_name",
    ]
    autocomplete_fields = ["party"]
    date_hierarchy = "date"
    fields = ["party", "kind", "date", "place", "note", "source_url"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("party__actor", "party__agreement")

    @admin.display(description="party", ordering="party__actor__name")
    def actor(self, obj):
        return obj.party.actor

    @admin.display(description="agreement", ordering="party__agreement__title")
    def agreement(self, obj):
        return obj.party.agreement.display_name


@admin.register(AgreementRelation)
class AgreementRelationAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["source", "kind", "target", "note"]
    list_select_related = ["source", "target"]
    list_filter = ["kind"]
    search_fields = ["source__title", "source__short_name", "target__title", "target__short_name"]
    autocomplete_fields = ["source", "target"]
