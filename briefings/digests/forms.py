from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.digests.models import Subscriber
from briefings.newsroom.models import Briefing, TaggedBriefing
from briefings.params import SLUG, TAG_SLUG, is_slug


class SlugChoices(forms.ModelMultipleChoiceField):
    """Follows named by slug, so a follow button's link and the form speak the same language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, label, pattern=SLUG, **kwargs):
        self.pattern = pattern
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            label=label,
            error_messages={
                "invalid_choice": _("We don't know “%(value)s”: choose from the list."),
                "invalid_pk_value": _("We don't know “%(pk)s”: choose from the list."),
            },
            **kwargs,
        )

    def label_from_instance(self, obj):
        """The name in the reader's language: an actor's or agreement's French where given."""
        return getattr(obj, "name_i18n", None) or getattr(obj, "display_name", None) or str(obj)

    def clean(self, value):
        # A value that cannot be a slug (NUL, control characters, a page of text) is an
        # unknown choice like any other, refused before the lookup: PostgreSQL refuses NUL.
        for item in value if isinstance(value, (list, tuple)) else []:
            if not is_slug(str(item), self.pattern):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:40].encode("unicode_escape").decode("ascii")},
                )
        return super().clean(value)


# How many topics, actors and agreements the forms list at most, besides the reader's own.
SHOWN = 40


def most_linked():
    """For each followable list, the pks most linked from the latest published briefings."""
    recent = Briefing.objects.in_the_news()
    links = {
        "tags": (TaggedBriefing, "content_object_id", "tag_id"),
        "actors": (Briefing.actors.through, "briefing_id", "actor_id"),
        "agreements": (Briefing.agreements.through, "briefing_id", "agreement_id"),
    }
    return {
        name: list(
            model.objects.filter(**{f"{briefing}__any": recent})
            .values(target)
            .annotate(links=Count("pk"))
            .order_by("-links", target)
            .values_list(target, flat=True)[:SHOWN]
        )
        for name, (model, briefing, target) in links.items()
    }


def active_language():
    """The language of the page the form is on, as one of the desk's languages."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


class FollowsForm(forms.Form):
    follow = forms.ChoiceField(
        choices=[("all", _("Everything the desk publishes")), ("chosen", _("Only what I choose"))],
        widget=forms.RadioSelect,
        initial="all",
        label=_("What to follow"),
    )
    tags = SlugChoices(Tag.objects.none(), _("Topics"), pattern=TAG_SLUG)
    actors = SlugChoices(Actor.objects.order_by("name"), _("Actors"))
    agreements = SlugChoices(Agreement.objects.order_by("title"), _("Agreements"))
    frequency = forms.ChoiceField(
        choices=Subscriber.Frequency.choices,
        widget=forms.RadioSelect,
        initial=Subscriber.Frequency.DAILY,
        label=_("How often"),
    )
    instant_alerts = forms.BooleanField(
        required=False,
        label=_("Also alert me at once when a briefing on an agreement I follow is published"),
    )
    # Each language named in itself, as readers look for their own.
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,  # a form from before the choice existed: the page's language
        label=_("Language of the emails"),
        help_text=_(
            "Briefings come in this language where the desk has translated them, "
            "in their original language otherwise."
        ),
        error_messages={
            "invalid_choice": _("We don't send email in that language: choose one from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = active_language()
        # Only topics readers can see: a tag carried by drafts alone must not show here.
        public = Briefing.objects.published().carried_tags()
        self.fields["tags"].queryset = public.order_by("name")
        for name, covered in most_linked().items():
            self.offer(name, covered)

    def clean_language(self):
        return self.cleaned_data["language"] or active_language()

    def offer(self, name, covered):
        """Show what is in the news and what the reader chose; accept anything that exists.

        A desk with thousands of tags or actors would otherwise send every visitor a page of
        megabytes (20,000 topics: 1.7 MB, rendered in two seconds).
        """
        field = self.fields[name]
        chosen = self.chosen_slugs(name)
        shown = list(field.queryset.filter(Q(pk__in=covered) | Q(slug__in=chosen)))
        if len(shown) < SHOWN:  # a young desk: fill up with the rest, alphabetically
            others = field.queryset.exclude(pk__in=[o.pk for o in shown])
            shown += others[: SHOWN - len(shown)]
        else:
            field.help_text = _(
                "The most in the news lately. To follow another, use “Follow by email” on its page."
            )
        shown.sort(key=lambda o: field.label_from_instance(o).casefold())
        field.widget.choices = [(o.slug, field.label_from_instance(o)) for o in shown]

    def chosen_slugs(self, name):
        if self.is_bound:
            widget = self.fields[name].widget
            chosen = widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        else:
            chosen = [getattr(item, "slug", item) for item in self.initial.get(name) or []]
        # What cannot be a slug matches nothing (the field's clean() names it as an error).
        pattern = self.fields[name].pattern
        return [slug for slug in chosen or [] if is_slug(str(slug), pattern)][:SHOWN]

    def clean(self):
        data = super().clean()
        chosen = any(data.get(name) for name in ("tags", "actors", "agreements"))
        if data.get("follow") == "chosen" and not chosen and not self.errors:
            raise ValidationError(
                _("Choose at least one topic, actor or agreement — or follow everything.")
            )
        return data

    def choices(self):
        """The follows as plain data, fit for a signed confirmation link."""
        data = self.cleaned_data
        return {
            "follow_all": data["follow"] == "all",
            "frequency": data["frequency"],
            "instant_alerts": data["instant_alerts"],
            "language": data["language"],
            "tags": sorted(t.pk for t in data["tags"]),
            "actors": sorted(a.pk for a in data["actors"]),
            "agreements": sorted(a.pk for a in data["agreements"]),
        }

    @classmethod
    def initial_for(cls, subscriber):
        return {
            "follow": "all" if subscriber.follow_all else "chosen",
            "tags": list(subscriber.tags.all()),
            "actors": list(subscriber.actors.all()),
            "agreements": list(subscriber.agreements.all()),
            "frequency": subscriber.frequency,
            "instant_alerts": subscriber.instant_alerts,
            "language": subscriber.language,
        }


class OneLineEmailField(forms.EmailField):
    """Refuses line breaks before stripping, so a header-injection attempt gets named as such.

    Quoted local parts (`"victim@example.org"@example.org`) are refused too: RFC 5321 allows
    them, but they hide a second address inside the first, for readers, filters and logs alike.
    """

    def to_python(self, value):
        if isinstance(value, str) and any(char in value for char in "\r\n\x00"):
            raise ValidationError(_("Enter one email address, on a single line."), code="one_line")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if '"' in value or "\\" in value:
            raise ValidationError(
                _("Please enter the address without quotation marks or backslashes."),
                code="quoted_local_part",
            )


class SubscribeForm(FollowsForm):
    email = OneLineEmailField(
        max_length=254,
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("That does not look like an email address.")},
    )
    field_order = ["email"]

    def clean_email(self):
        local, _, domain = self.cleaned_data["email"].rpartition("@")
        try:
            domain = domain.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise ValidationError(_("That email domain cannot be used.")) from exc
        if not local.isascii():
            raise ValidationError(
                _("Please use an address with plain (ASCII) letters before the @.")
            )
        return f"{local}@{domain}"


class PreferencesForm(FollowsForm):
    paused = forms.BooleanField(required=False, label=_("Pause all emails for now"))

    @classmethod
    def initial_for(cls, subscriber):
        return {**super().initial_for(subscriber), "paused": subscriber.paused}
