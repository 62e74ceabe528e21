"""The change form's autosave: unsaved text kept on the server, offered back on return.

The endpoint is an admin view (staff only, CSRF-checked) that stores the caller's own text
only: an autosave is looked up by the user who sent it, so nobody reads another's. A real
save discards it; an autosave that arrives after the user's own later save is ignored.
"""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from briefings.newsroom.admin.clocks import desk_time
from briefings.newsroom.models import Autosave, Briefing


class AutosaveMixin:
    """BriefingAdmin's autosave endpoint, restore prompt and discard on save."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(self.autosave_view)
        return [
            path("autosave/", view, name="{}_{}_autosave_new".format(*info)),
            path("<path:object_id>/autosave/", view, name="{}_{}_autosave".format(*info)),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    @method_decorator(permission_required("newsroom.change_briefing", raise_exception=True))
    def autosave_view(self, request, object_id=None):
        briefing = None
        if object_id is not None:
            briefing = self.editable_briefing(request, object_id, change=True)
        elif not self.has_add_permission(request):
            raise PermissionDenied
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > Autosave.MAX_BYTES:
            return too_large()
        mine = Autosave.objects.of(request.user, briefing)
        if request.POST.get("discard"):
            mine.delete()
            return JsonResponse({"discarded": True})
        values = Autosave.clean_data(request.POST)
        if sum(len(value) for value in values.values()) > Autosave.MAX_BYTES:
            return too_large()
        base = request.POST.get("base_version", "")
        base_version = int(base) if base.isdigit() and len(base) < 10 else None
        if briefing is not None and base_version is not None:
            own_later_save = briefing.revisions.filter(
                version__gt=base_version, created_by=request.user
            )
            if own_later_save.exists():
                return JsonResponse({"superseded": True})
        autosave = Autosave.keep(request.user, briefing, values, base_version)
        return JsonResponse(
            {"saved_at": autosave.saved_at.isoformat(), "label": desk_time(autosave.saved_at)}
        )

    def autosave_panel(self, request, briefing=None):
        """What the form needs to autosave and to offer a kept autosave back."""
        url = (
            reverse("admin:newsroom_briefing_autosave", args=[briefing.pk])
            if briefing is not None
            else reverse("admin:newsroom_briefing_autosave_new")
        )
        kept = Autosave.objects.of(request.user, briefing).first()
        panel = {"url": url, "fields": list(Autosave.FIELDS), "kept": None}
        if kept is not None:
            panel["kept"] = {
                "data": kept.data,
                "base_version": kept.base_version,
                "label": desk_time(kept.saved_at),
                "labels": choice_labels(kept.data),
                "stale": briefing is not None
                and kept.base_version is not None
                and kept.base_version != briefing.version,
            }
        return panel

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Autosave.objects.of(request.user, form.instance if change else None).delete()


def choice_labels(data):
    """How the form names a kept choice its select may not hold: the translation_of
    autocomplete is drawn with only the briefing chosen when the page was saved."""
    original = data.get("translation_of", "")
    if not (original.isdigit() and len(original) < 10):
        return {}
    found = Briefing.objects.filter(pk=int(original)).only("headline").first()
    return {"translation_of": str(found)} if found else {}


def too_large():
    return JsonResponse(
        {
            "error": gettext("Too much text to keep (over %(size)s KB).")
            % {"size": Autosave.MAX_BYTES // 1024}
        },
        status=413,
    )
