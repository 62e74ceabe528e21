from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltrans.fields import TranslatedVirtualField

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.adminsite import IdListFilter

FRENCH_HELP = _("Leave empty and readers of the French pages see the English.")


class TranslatedFieldsMixin:
    """For admins and inlines that edit French values (`name_fr`) beside the English ones."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, TranslatedVirtualField) and formfield is not None:
            formfield.label = _("%(field)s in French") % {
                "field": db_field.original_field.verbose_name.capitalize()
            }
            formfield.help_text = FRENCH_HELP
            formfield.empty_value = None  # an emptied field leaves the i18n JSON, not ""
        return formfield


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows the object its row already loaded instead of querying it.

    Django's widget runs one query per rendered row; an inline of 30 parties would cost 30.
    """

    selected = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if v not in self.choices.field.empty_values]
        if self.selected is None or chosen != [str(self.selected.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.selected)
        options.append(self.create_option(name, self.selected.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedForm(forms.ModelForm):
    """Hands each autocomplete the related object its instance already holds (select_related)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteSelect):
                model_field = self.instance._meta.get_field(name)
                if model_field.is_cached(self.instance):
                    widget.selected = getattr(self.instance, name)


class PreloadedAutocompleteMixin:
    """For admins and inlines whose rows select_related the objects their autocompletes show."""

    form = PreloadedForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def partial_date_column(field, description):
    """A changelist column printing a partial date as precisely as it is known."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return getattr(obj, field.removesuffix("_date") + "_display") or None

    return column


class CurrentFilter(admin.SimpleListFilter):
    title = gettext_lazy("current")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("no", "Ended")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.current().values("pk"))
        return queryset


class MemberOfFilter(IdListFilter):
    title = gettext_lazy("current member of")
    parameter_name = "member_of"

    def lookups(self, request, model_admin):
        organisations = Actor.objects.filter(members__isnull=False).distinct()
        return [(str(a.pk), a.short_name or a.name) for a in organisations.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            current = Membership.objects.current().filter(organisation=self.value())
            return queryset.filter(pk__in=current.values("member"))
        return queryset


class MembershipInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Membership
    fk_name = "member"
    verbose_name = gettext_lazy("membership")
    verbose_name_plural = gettext_lazy("member of")
    fields = ["organisation", "role", "start_date", "start_precision", "end_date", "end_precision"]
    autocomplete_fields = ["organisation"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "organisation")


class MemberInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    verbose_name = gettext_lazy("member")
    verbose_name_plural = gettext_lazy("members")
    fields = ["member", "role", "start_date", "start_precision", "end_date", "end_precision"]
    autocomplete_fields = ["member"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "organisation")


def prefetch_terms():
    return Prefetch("terms", queryset=OfficeTerm.objects.select_related("person"))


class OfficeInline(TranslatedFieldsMixin, admin.TabularInline):
    model = Office
    fields = ["title", "title_fr", "role", "current_holder"]
    readonly_fields = ["current_holder"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(prefetch_terms())

    @admin.display(description=gettext_lazy("current holder"))
    def current_holder(self, obj):
        if obj.pk is None:
            return "—"
        return obj.current_holder or "Vacant"


class HeldOfficeInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = OfficeTerm
    fk_name = "person"
    verbose_name = gettext_lazy("office held")
    verbose_name_plural = gettext_lazy("offices held")
    fields = ["office", "start_date", "start_precision", "end_date", "end_precision"]
    autocomplete_fields = ["office"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "office")


class ActorForm(PreloadedForm):
    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        actor = self.instance
        if actor.pk is None or kind == actor.kind:
            return kind
        if kind == Actor.Kind.PERSON and (actor.members.exists() or actor.offices.exists()):
            raise forms.ValidationError("A person has no members or offices; remove them first.")
        if kind != Actor.Kind.PERSON and actor.office_terms.exists():
            raise forms.ValidationError("Only a person holds offices; remove the terms first.")
        return kind


@admin.register(Actor)
class ActorAdmin(TranslatedFieldsMixin, admin.ModelAdmin):
    form = ActorForm
    list_display = ["display_name", "kind", "iso_alpha2", "member_of", "offices_held"]
    list_filter = ["kind", MemberOfFilter]
    search_fields = [
        "name",
        "name_fr",
        "short_name",
        "short_name_fr",
        "slug",
        "=iso_alpha2",
        "=iso_alpha3",
        "=wikidata_qid",
    ]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_fr"),
                    ("short_name", "short_name_fr"),
                    "slug",
                    "kind",
                    ("summary", "summary_fr"),
                ]
            },
        ),
        ("Identifiers", {"fields": ["iso_alpha2", "iso_alpha3", "wikidata_qid"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.current().select_related("organisation"),
                    to_attr="current_memberships",
                ),
                Prefetch(
                    "office_terms",
                    queryset=OfficeTerm.objects.filter(end_date__isnull=True).select_related(
                        "office"
                    ),
                    to_attr="current_terms",
                ),
            )
        )

    def get_inlines(self, request, obj):
        if obj is None:
            return [MembershipInline]
        if obj.is_person:
            return [HeldOfficeInline, MembershipInline]
        return [MembershipInline, MemberInline, OfficeInline]

    def get_search_results(self, request, queryset, search_term):
        """Autocompletes offer only the actors that fit: people hold offices, not organisations."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = (request.GET.get("model_name"), request.GET.get("field_name"))
        if source == ("officeterm", "person"):
            queryset = queryset.filter(kind=Actor.Kind.PERSON)
        elif source in {("membership", "organisation"), ("office", "organisation")}:
            queryset = queryset.exclude(kind=Actor.Kind.PERSON)
        return queryset, may_have_duplicates

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def display_name(self, obj):
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name

    @admin.display(description=gettext_lazy("member of"))
    def member_of(self, obj):
        names = [m.organisation.short_name or m.organisation.name for m in obj.current_memberships]
        return ", ".join(names) or None

    @admin.display(description=gettext_lazy("current offices"))
    def offices_held(self, obj):
        return ", ".join(t.office.title for t in obj.current_terms) or None


class OfficeTermInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = OfficeTerm
    fields = ["person", "start_date", "start_precision", "end_date", "end_precision"]
    autocomplete_fields = ["person"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "office")


@admin.register(Office)
class OfficeAdmin(TranslatedFieldsMixin, PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "role", "current_holder"]
    list_select_related = ["organisation"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "title",
        "title_fr",
        "role",
        "organisation__name",
        "organisation__name_fr",
        "organisation__short_name",
    ]
    autocomplete_fields = ["organisation"]
    fields = [("title", "title_fr"), "role", "organisation"]
    inlines = [OfficeTermInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(prefetch_terms())

    @admin.display(description=gettext_lazy("current holder"))
    def current_holder(self, obj):
        return obj.current_holder or "Vacant"


@admin.register(OfficeTerm)
class OfficeTermAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["person", "office", "start", "end", "is_current"]
    list_select_related = ["person", "office"]
    list_filter = [CurrentFilter, ("office", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["person__name", "office__title"]
    autocomplete_fields = ["office", "person"]
    date_hierarchy = "start_date"
    fields = ["office", "person", "start_date", "start_precision", "end_date", "end_precision"]

    start = partial_date_column("start_date", "from")
    end = partial_date_column("end_date", "until")

    @admin.display(description=gettext_lazy("current"), boolean=True, ordering="end_date")
    def is_current(self, obj):
        return obj.is_current


@admin.register(Membership)
class MembershipAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["member", "role", "organisation", "start", "end"]
    list_select_related = ["member", "organisation"]
    list_filter = [CurrentFilter, "role", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "member__short_name", "organisation__name"]
    autocomplete_fields = ["member", "organisation"]
    date_hierarchy = "start_date"
    fields = [
        "member",
        "organisation",
        "role",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
    ]

    start = partial_date_column("start_date", "from")
    end = partial_date_column("end_date", "until")
