"""The change form's layout: content first, links and publication in their own sections.

A new briefing shows no empty read-only rows (no state, times or creator yet); an existing one
hides the times it does not have. Topics are typed with suggestions from the public ones.
"""

from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy

from briefings.newsroom.models import Briefing, Transition

# Read-only rows shown only when they hold something.
OPTIONAL_ROWS = {"publication", "expiry", "first_published", "created_by"}
SUGGESTIONS = 10


# The fieldset new briefings leave out and others trim.
WORKFLOW = gettext_lazy("Workflow")


class FormLayoutMixin:
    """BriefingAdmin's fieldsets by concern, and the topic suggestions endpoint."""

    fieldsets = [
        (None, {"fields": ["headline", "dek", "body", "article_type"]}),
        (
            gettext_lazy("Links"),
            {
                "fields": ["tags", "actors", "agreements", "events"],
                "description": gettext_lazy(
                    "Topics, and the actors, agreements and events the briefing "
                    "is about: each gets a link on the page and in the dossiers."
                ),
            },
        ),
        (
            gettext_lazy("Images"),
            {
                "fields": ["lead_image", "image_chooser"],
                "description": gettext_lazy(
                    "Place a library image in the body with "
                    "<code>![alt text](image:ID)</code> (leave the alt text empty to use the "
                    "library's); the image library shows each image's line to paste."
                ),
            },
        ),
        (
            gettext_lazy("Address"),
            {"fields": ["slug"], "classes": ["collapse"]},
        ),
        (
            WORKFLOW,
            {"fields": ["state", "publication", "expiry", "first_published", "created_by"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [(name, options) for name, options in fieldsets if name != WORKFLOW]
        empty = {
            "publication": obj.publish_at is None,
            "expiry": obj.expires_at is None,
            "first_published": obj.first_published_at is None,
            "created_by": obj.created_by_id is None,
        }
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if not empty.get(f, False)],
                },
            )
            if name == WORKFLOW
            else (name, options)
            for name, options in fieldsets
        ]

    def get_inlines(self, request, obj):
        """A new briefing has no workflow history to show."""
        inlines = super().get_inlines(request, obj)
        if obj is None:
            return [inline for inline in inlines if inline.model is not Transition]
        return inlines

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "topic-suggestions/",
                self.admin_site.admin_view(self.topic_suggestions_view),
                name="{}_{}_topic_suggestions".format(*info),
            ),
            *super().get_urls(),
        ]

    def topic_suggestions_view(self, request):
        """Public topics whose names contain the typed words, accents ignored (`?q=quebec`)."""
        if not self.has_view_or_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"results": []}, status=403)
        typed = request.GET.get("q", "").strip()
        if not typed or len(typed) > 100:
            return JsonResponse({"results": []})
        names = (
            Briefing.objects.published()
            .carried_tags()
            .filter(name__unaccented__icontains=typed)
            .order_by("name")
            .values_list("name", flat=True)[:SUGGESTIONS]
        )
        return JsonResponse({"results": list(names)})
