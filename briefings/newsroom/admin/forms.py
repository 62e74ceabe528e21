"""The briefing admin's forms: content with the version it started from, and workflow moves."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from briefings.clock import desk_zone
from briefings.newsroom.models import EditConflict
from briefings.newsroom.workflow import Status


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
        label=gettext_lazy("Substantive update"),
        help_text=gettext_lazy("Show readers an “Updated” time. Leave unticked for typo fixes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if "tags" in self.fields:
            self.fields["tags"].widget.attrs.update(
                {
                    "class": "vTextField topic-input",
                    "autocomplete": "off",
                    "data-suggest-url": reverse("admin:newsroom_briefing_topic_suggestions"),
                }
            )
            self.fields["tags"].help_text = gettext(
                "Separate topics with commas. Suggestions come from the topics readers already see."
            )
        if self.instance.pk and "base_version" in self.fields:
            self.fields["base_version"].initial = self.instance.version

    def clean_tags(self):
        """Every topic gets a page, whose address is made from its name's letters and digits."""
        tags = self.cleaned_data.get("tags") or []
        unaddressable = [name for name in tags if not slugify(name, allow_unicode=True)]
        if unaddressable:
            names = ", ".join(f"“{name}”" for name in unaddressable)
            raise forms.ValidationError(
                gettext(
                    "A topic needs a letter or a digit to give it a web address: %(names)s. "
                    "Name it in words (“euro” rather than “€”)."
                )
                % {"names": names},
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
                    gettext(
                        "%(conflict)s Your text is kept below and nothing was saved: compare it "
                        "with their changes, then save again to replace them."
                    )
                    % {"conflict": conflict},
                    code="edit_conflict",
                ) from None
        return cleaned
