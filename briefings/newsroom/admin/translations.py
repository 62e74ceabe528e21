"""The briefing admin's translations: the change form's panel, "Translate into…", "Mark as up
to date", and the list's language column and filter.

A translation is a briefing of its own, so it is written, moved and published like any other;
this only makes and follows the link between the versions of one briefing.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from briefings.newsroom.models.briefing import language_name

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class TranslationFilter(admin.SimpleListFilter):
    title = "translation"
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("original", "Originals"),
            ("translated", "Originals with translations"),
            ("translation", "Translations"),
            ("stale", "Translations behind their original"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "original":
            return queryset.filter(translation_of__isnull=True)
        if self.value() == "translated":
            return queryset.filter(
                translation_of__isnull=True, translations__isnull=False
            ).distinct()
        if self.value() == "translation":
            return queryset.filter(translation_of__isnull=False)
        if self.value() == "stale":
            return queryset.filter(translation_of__isnull=False, behind=True)
        return queryset


class TranslationsMixin:
    """BriefingAdmin's translation views; needs `get_queryset` and the permission checks."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/translate/<str:language>/",
                self.admin_site.admin_view(self.translate_view),
                name="{}_{}_translate".format(*info),
            ),
            path(
                "<path:object_id>/mark-up-to-date/",
                self.admin_site.admin_view(self.mark_up_to_date_view),
                name="{}_{}_mark_up_to_date".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        """The "translation of" autocomplete offers originals only."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "translation_of":
            queryset = queryset.filter(translation_of__isnull=True)
        return queryset, duplicates

    @admin.display(description="language", ordering="language")
    def language_state(self, obj):
        """The language, and for a translation whether it keeps up with its original."""
        code = obj.language.upper()
        if obj.translation_of_id is None:
            return code
        if obj.behind:
            return format_html(
                '{} <span class="translation-stale">(translation, behind)</span>', code
            )
        return format_html("{} (translation)", code)

    def translations_panel(self, request, briefing):
        """Every version of the briefing, with its state and, for a translation, whether the
        original changed since it was last brought up to date; and the languages to add."""
        group = list(
            briefing.translation_group()
            .with_translation_state()
            .select_related("translation_of")
            .only("headline", "slug", "language", "status", "version", "source_version",
                  "publish_at", "expires_at", "translation_of__version")
            .order_by(F("translation_of").asc(nulls_first=True), "language")
        )  # fmt: skip
        original = next((b for b in group if b.translation_of_id is None), None)
        visible = {briefing.pk}
        if len(group) > 1:
            visible |= set(
                self.get_queryset(request)
                .filter(pk__in=[b.pk for b in group])
                .values_list("pk", flat=True)
            )
        rows = []
        for version in group:
            stale = version.behind
            public = version.is_public()
            rows.append(
                {
                    "briefing": version,
                    "current": version.pk == briefing.pk,
                    "original": version.translation_of_id is None,
                    "language": language_name(version.language),
                    "state": "Published" if public else version.get_status_display(),
                    "public_url": version.get_absolute_url() if public else None,
                    "change_url": reverse("admin:newsroom_briefing_change", args=[version.pk])
                    if version.pk in visible
                    else None,
                    "stale": stale,
                    "from_version": version.source_version,
                    "to_version": original.version if original and stale else None,
                    "can_mark": stale and version.can_edit(request.user),
                    "mark_url": reverse(
                        "admin:newsroom_briefing_mark_up_to_date", args=[version.pk]
                    ),
                }
            )
        translate = []
        if self.has_add_permission(request):
            taken = {version.language for version in group}
            translate = [
                (
                    f"Translate into {language_name(code)}",
                    reverse("admin:newsroom_briefing_translate", args=[briefing.pk, code]),
                )
                for code, _ in settings.LANGUAGES
                if code not in taken
            ]
        return {"rows": rows if len(rows) > 1 else [], "translate": translate}

    @method_decorator(require_POST)
    def translate_view(self, request, object_id, language):
        """A draft translation, prefilled from the original, opened for its translator."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        briefing = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
        if language not in LANGUAGE_NAMES:
            messages.error(request, "The desk does not publish in that language.")
            return HttpResponseRedirect(change_url)
        try:
            translation = briefing.translate(language, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(change_url)
        messages.success(
            request,
            f"A draft translation into {language_name(language)} was made from the original: "
            "translate its headline, summary, body and key figures, then send it through the "
            "workflow like any briefing.",
        )
        return HttpResponseRedirect(
            reverse("admin:newsroom_briefing_change", args=[translation.pk])
        )

    @method_decorator(require_POST)
    def mark_up_to_date_view(self, request, object_id):
        translation = get_object_or_404(
            self.get_queryset(request), pk=object_id, translation_of__isnull=False
        )
        if not translation.can_edit(request.user):
            raise PermissionDenied
        version = translation.mark_up_to_date()
        messages.success(
            request,
            f"“{translation}” is marked as up to date with version {version} of its original.",
        )
        back = request.POST.get("back")
        if back and back.isdigit():
            return HttpResponseRedirect(reverse("admin:newsroom_briefing_change", args=[back]))
        return HttpResponseRedirect(
            reverse("admin:newsroom_briefing_change", args=[translation.pk])
        )
