"""The writing surface's two endpoints: the live preview and paste cleanup.

Both are staff-only POSTs behind the admin's login and CSRF checks, and both work before the
briefing's first save (they take text, not a briefing). The preview runs the public page's
own renderer, sanitiser included, so the writer sees exactly what readers will get.
"""

import json
import re

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from briefings.newsroom import paste
from briefings.newsroom.richtext import render_markdown

MAX_BODY = 200_000  # characters: far above any briefing, small enough to render at once
MAX_PASTE = 1_000_000  # word processors' HTML is bulky: a 5,000-word document is ~600 KB
# Word's manual line breaks and page breaks arrive as vertical tabs and form feeds.
LINE_BREAKS = re.compile(r"[\x0b\x0c\u2028\u2029]")
OTHER_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")


def text_field(request, name, limit):
    """A string field of the POST (form-encoded or JSON), or an error message."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return None, gettext("The request is not valid JSON.")
        value = data.get(name, "") if isinstance(data, dict) else None
    else:
        value = request.POST.get(name, "")
    if not isinstance(value, str):
        return None, gettext("“%(name)s” must be text.") % {"name": name}
    if len(value) > limit:
        return None, gettext(
            "“%(name)s” is too long (%(length)s characters; at most %(limit)s)."
        ) % {"name": name, "length": intcomma(len(value)), "limit": intcomma(limit)}
    if "\x00" in value:
        return None, gettext("“%(name)s” contains a NUL character.") % {"name": name}
    return OTHER_CONTROLS.sub("", LINE_BREAKS.sub("\n", value)), None


class WritingSurfaceMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            ("writing/preview/", self.markdown_preview_view, "markdown_preview"),
            ("writing/paste/", self.paste_view, "paste"),
        ]
        return [
            *(
                path(
                    route,
                    self.admin_site.admin_view(require_POST(view)),
                    name="{}_{}_{}".format(*info, name),
                )
                for route, view, name in views
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        """The add and change forms get the surface's endpoints (editor.js reads them)."""
        info = self.opts.app_label, self.opts.model_name
        context["writing_surface"] = {
            "preview": reverse("admin:{}_{}_markdown_preview".format(*info)),
            "paste": reverse("admin:{}_{}_paste".format(*info)),
        }
        return super().render_change_form(request, context, *args, **kwargs)

    def writer_may_write(self, request):
        return self.has_add_permission(request) or self.has_change_permission(request)

    def markdown_preview_view(self, request):
        if not self.writer_may_write(request):
            return JsonResponse({"error": gettext("You may not write briefings.")}, status=403)
        body, error = text_field(request, "body", MAX_BODY)
        if error:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse({"html": str(render_markdown(body))})

    def paste_view(self, request):
        if not self.writer_may_write(request):
            return JsonResponse({"error": gettext("You may not write briefings.")}, status=403)
        html, error = text_field(request, "html", MAX_PASTE)
        text, error = (None, error) if error else text_field(request, "text", MAX_PASTE)
        if error:
            return JsonResponse({"error": error}, status=400)
        markdown, offers = paste.convert(html=html, text=text)
        return JsonResponse({"markdown": markdown, "headings": offers})
