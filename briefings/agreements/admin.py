from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext

from briefings.actors.admin import PreloadedAutocompleteMixin, TranslatedFieldsMixin
from briefings.agreements import statuschange
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
    title = gettext_lazy("consent to be bound")
    parameter_name = "bound"

    def lookups(self, request, model_admin):
        return [("yes", "Bound (ratified, accepted, acceded…)"), ("no", "Not bound")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.bound()
        if self.value() == "no":
            return queryset.not_bound()
        return queryset


class PartyInline(TranslatedFieldsMixin, PreloadedAutocompleteMixin, admin.TabularInline):
    """A compact list of parties; their actions are edited on each party's own page."""

    model = Party
    fields = ["actor", "role", "status", "note", "note_fr"]
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

    @admin.display(description=gettext_lazy("status (from its actions)"))
    def status(self, obj):
        return status_with_date(obj)


class RelationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = AgreementRelation
    fk_name = "source"
    verbose_name = gettext_lazy("relation to another agreement")
    verbose_name_plural = gettext_lazy("relations to other agreements")
    fields = ["kind", "target", "note"]
    autocomplete_fields = ["target"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "target")


@admin.register(Agreement)
class AgreementAdmin(TranslatedFieldsMixin, admin.ModelAdmin):
    list_display = ["title", "short_name", "kind", "status", "signed", "consent"]
    list_filter = ["status", "kind"]
    # Explicit: the party counts group the query, and Meta.ordering does not apply to a grouped
    # query, so the autocomplete's pages would be unordered.
    ordering = ["title", "pk"]
    search_fields = [
        "title",
        "title_fr",
        "short_name",
        "short_name_fr",
        "slug",
        "parties__name",
        "parties__name_fr",
        "parties__short_name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "signed_on"
    readonly_fields = ["ratification_record", "created_at", "updated_at"]
    inlines = [PartyInline, RelationInline]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_fr"),
                    ("short_name", "short_name_fr"),
                    "slug",
                    "kind",
                    ("summary", "summary_fr"),
                ]
            },
        ),
        (
            "Lifecycle",
            {
                "fields": [
                    "status",
                    ("concluded_on", "concluded_precision"),
                    ("signed_on", "signed_precision"),
                    ("signed_place", "signed_place_fr"),
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
                    ("adopted_by", "adopted_by_fr"),
                    "applies_from",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_party_counts()

    @admin.display(description=gettext_lazy("signed"), ordering="signed_on")
    def signed(self, obj):
        return obj.signed_display or None

    def _parties_link(self, obj, count, **filters):
        """A count that opens the parties it counts: “10 not bound” lists the ten."""
        query = urlencode({"agreement__id__exact": obj.pk, **filters})
        url = reverse("admin:agreements_party_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, query, count)

    @admin.display(description=gettext_lazy("parties"), ordering="-not_bound_count")
    def consent(self, obj):
        """“18 of 30 bound · 12 not”, each number opening the parties it counts."""
        if not obj.needs_ratification:
            return gettext("not ratified")
        if not obj.party_count:
            return None
        return format_html(
            gettext("{} of {} bound · {} not"),
            self._parties_link(obj, obj.bound_count, bound="yes"),
            self._parties_link(obj, obj.party_count),
            self._parties_link(obj, obj.not_bound_count, bound="no"),
        )

    @admin.display(description=gettext_lazy("ratification record"))
    def ratification_record(self, obj):
        if obj.pk is not None and not obj.needs_ratification:
            return gettext("Not ratified: the parties are who it covers.")
        if obj.pk is None or not obj.party_count:
            return gettext("No parties yet.")
        return format_html(
            gettext("{} of {} parties bound; {} not bound."),
            obj.bound_count,
            obj.party_count,
            obj.not_bound_count,
        )


class NeedsConfirmation(Exception):
    """A save would change a party's status: roll it back and ask the editor first."""

    def __init__(self, changes):
        super().__init__(changes)
        self.changes = changes
        self.key = "|".join(change.key for change in changes)


class StatusAlertForm(forms.ModelForm):
    """The editor's decision on the alert a status change sends, asked only when one would."""

    alert_decision = forms.ChoiceField(
        label=gettext_lazy("If this changes the party's status"),
        required=False,
        choices=[
            ("send", gettext_lazy("Send the alert to followers")),
            ("silent", gettext_lazy("Silent correction: send nothing (e.g. fixing a past action)")),
        ],
        widget=forms.RadioSelect,
    )
    alert_note = forms.CharField(
        label=gettext_lazy("Editor's note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy(
            "Optional, plain text, at most 500 characters: shown at the top of the alert."
        ),
    )
    alert_change = forms.CharField(required=False, widget=forms.HiddenInput)

    preview = None  # the NeedsConfirmation of the save just rolled back, to show and confirm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.preview is not None and self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("alert_change")] = self.preview.key

    def clean(self):
        cleaned = super().clean()
        if self.preview is not None:
            self.add_error(None, self.preview_message())
            self.add_error(
                "alert_decision",
                gettext(
                    "Nothing is saved yet. Choose to send the alert (with an optional note) or a "
                    "silent correction, then save again."
                ),
            )
        return cleaned

    def preview_message(self):
        """What the save would change and whom it would alert, shown at the top of the form."""
        lines = []
        for change in self.preview.changes:
            count = statuschange.audience(change.party)
            lines.append(
                ngettext(
                    "%(headline)s: status %(old)s → %(new)s. This will alert %(count)s follower.",
                    "%(headline)s: status %(old)s → %(new)s. This will alert %(count)s followers.",
                    count,
                )
                % {
                    "headline": change.headline,
                    "old": change.old_label,
                    "new": change.new_label,
                    "count": intcomma(count),
                }
            )
        return " ".join(lines)


class StatusAlertAdminMixin:
    """Saves that change a party's derived status stop for the editor's decision first.

    The save runs in the admin's transaction; if a party's status comes out different and
    the editor has not confirmed that very change, the whole save is rolled back and the
    form shown again with everything typed still in it, the change and its audience. Once
    confirmed, `party_status_changed` goes out in the same transaction as the save.
    """

    form = StatusAlertForm
    alert_fieldset = (
        "Status alert",
        {
            "fields": ["alert_decision", "alert_note", "alert_change"],
            "description": "Only used when the save changes the party's derived status.",
        },
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        preview = getattr(request, "_status_preview", None)
        if preview is None:
            return form
        return type(form.__name__, (form,), {"preview": preview})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except NeedsConfirmation as preview:  # the admin's transaction has rolled back
            request._status_preview = preview
            return super().changeform_view(request, object_id, form_url, extra_context)

    def statuses_before(self, party_ids):
        """Lock each party and note its status before the save touches its actions."""
        return {
            pk: statuschange.party_with_actions(pk, lock=True).status
            for pk in sorted({pk for pk in party_ids if pk is not None})
        }

    def settle_status_changes(self, request, form, before):
        changes = [
            change
            for pk, status in before.items()
            if (change := statuschange.StatusChange.since(status, pk)) is not None
        ]
        if not changes:
            return
        confirmed = form.cleaned_data.get("alert_change") == "|".join(c.key for c in changes)
        decision = form.cleaned_data.get("alert_decision")
        if not decision or not confirmed:
            raise NeedsConfirmation(changes)
        if decision == "silent":
            self.message_user(
                request,
                gettext("Silent correction: no alert sent for %(changes)s")
                % {"changes": "; ".join(c.headline for c in changes)},
                messages.INFO,
            )
            return
        for change in changes:
            statuschange.announce(change, form.cleaned_data.get("alert_note", ""), request.user)
        self.message_user(
            request,
            gettext("Alert sent to followers: %(changes)s")
            % {"changes": "; ".join(c.headline for c in changes)},
            messages.SUCCESS,
        )


class PartyActionInline(admin.TabularInline):
    model = PartyAction
    fields = ["kind", "date", "place", "note", "source_url"]
    extra = 1


@admin.register(Party)
class PartyAdmin(
    StatusAlertAdminMixin, TranslatedFieldsMixin, PreloadedAutocompleteMixin, admin.ModelAdmin
):
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
        "actor__name_fr",
        "actor__short_name",
        "agreement__title",
        "agreement__title_fr",
        "agreement__short_name",
        "agreement__short_name_fr",
    ]
    autocomplete_fields = ["agreement", "actor"]
    readonly_fields = ["status"]
    fieldsets = [
        (None, {"fields": ["agreement", "actor", "role", ("note", "note_fr"), "status"]}),
        StatusAlertAdminMixin.alert_fieldset,
    ]
    inlines = [PartyActionInline]

    def save_model(self, request, obj, form, change):
        """A new party starts from no status; an existing one from what its actions say."""
        form.statuses_before = self.statuses_before([obj.pk]) if change else {}
        super().save_model(request, obj, form, change)
        if not change:
            form.statuses_before = {obj.pk: Party.Status.NONE}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.settle_status_changes(request, form, form.statuses_before)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "agreement")
            .prefetch_related("actions")
        )

    @admin.display(description=gettext_lazy("agreement"), ordering="agreement__title")
    def agreement_name(self, obj):
        return obj.agreement.display_name

    @admin.display(description=gettext_lazy("status (from its actions)"))
    def status(self, obj):
        return status_with_date(obj)


@admin.register(PartyAction)
class PartyActionAdmin(StatusAlertAdminMixin, PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "actor", "agreement", "place", "note"]
    list_select_related = ["party__actor", "party__agreement"]
    list_filter = ["kind", ("party__agreement", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "party__actor__name",
        "party__actor__i18n__name_fr",
        "party__agreement__title",
        "party__agreement__short_name",
    ]
    autocomplete_fields = ["party"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["party", "kind", "date", "place", "note", "source_url"]}),
        StatusAlertAdminMixin.alert_fieldset,
    ]

    def save_model(self, request, obj, form, change):
        """Both parties count when an action moves: the one it leaves and the one it joins."""
        previous = form.initial.get("party") if change else None
        form.statuses_before = self.statuses_before([obj.party_id, previous])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.settle_status_changes(request, form, form.statuses_before)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("party__actor", "party__agreement")

    @admin.display(description=gettext_lazy("party"), ordering="party__actor__name")
    def actor(self, obj):
        return obj.party.actor

    @admin.display(description=gettext_lazy("agreement"), ordering="party__agreement__title")
    def agreement(self, obj):
        return obj.party.agreement.display_name


@admin.register(AgreementRelation)
class AgreementRelationAdmin(PreloadedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["source", "kind", "target", "note"]
    list_select_related = ["source", "target"]
    list_filter = ["kind"]
    search_fields = ["source__title", "source__short_name", "target__title", "target__short_name"]
    autocomplete_fields = ["source", "target"]
