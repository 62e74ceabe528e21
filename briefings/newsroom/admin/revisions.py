"""No lost work on the desk: revisions, who else is editing, preview links, guarded deletion.

Revisions are read, compared and restored here; deletion keeps a record and spares
published work, which is withdrawn instead.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from briefings.newsroom.admin.clocks import desk_and_utc
from briefings.newsroom.models import EditConflict, PreviewLink, Revision


class NoLostWorkMixin:
    """BriefingAdmin's revisions, presence, preview links and deletion rules."""

    PRESENCE_SECONDS = 45

    def get_fieldsets(self, request, obj=None):
        """Add the version the form started from, and for published work the update flag."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        extra = ["base_version"]
        if obj.first_published_at is not None:
            extra.append("substantive_update")
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], *extra]}), *rest]

    def has_delete_permission(self, request, obj=None):
        """Published work is withdrawn, not deleted; only a superuser may, and it is recorded."""
        if obj is not None and obj.first_published_at is not None:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        obj.delete(by=request.user)

    def delete_queryset(self, request, queryset):
        for briefing in queryset:
            briefing.delete(by=request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            ("<path:object_id>/revisions/", self.revision_history_view, "revisions"),
            ("<path:object_id>/revisions/compare/", self.revision_compare_view, "compare"),
            ("<path:object_id>/revisions/<int:number>/", self.revision_view, "revision"),
            (
                "<path:object_id>/revisions/<int:number>/restore/",
                self.revision_restore_view,
                "restore",
            ),
            ("<path:object_id>/presence/", self.presence_view, "presence"),
            ("<path:object_id>/preview-links/", self.preview_links_view, "preview_links"),
        ]
        return [
            *(
                path(route, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name))
                for route, view, name in views
            ),
            *super().get_urls(),
        ]

    def editable_briefing(self, request, object_id, change=False):
        briefing = get_object_or_404(self.get_queryset(request), pk=object_id)
        allowed = (
            self.has_change_permission(request, briefing)
            if change
            else self.has_view_or_change_permission(request, briefing)
        )
        if not allowed:
            raise PermissionDenied
        return briefing

    def no_lost_work_panel(self, request, briefing):
        return {
            "present": self.others_present(request, briefing),
            "presence_url": reverse("admin:newsroom_briefing_presence", args=[briefing.pk]),
            "revisions_url": reverse("admin:newsroom_briefing_revisions", args=[briefing.pk]),
            "preview_url": reverse("newsroom:desk_preview", args=[briefing.pk]),
            "preview_links_url": reverse(
                "admin:newsroom_briefing_preview_links", args=[briefing.pk]
            ),
            "preview_links": [
                link
                for link in briefing.preview_links.select_related("created_by")
                if link.is_valid()
            ],
            "revision_count": briefing.revisions.count(),
            "public": briefing.is_public(),
            "can_share": request.user.has_perm("newsroom.add_previewlink")
            and PreviewLink.previewable(briefing),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def others_present(self, request, briefing, ping=False):
        """Who else has this briefing open, from pings kept a few seconds in the cache."""
        key, now = f"presence:briefing:{briefing.pk}", timezone.now().timestamp()
        seen = {pk: entry for pk, entry in (cache.get(key) or {}).items() if entry[1] > now}
        if ping:
            user = request.user
            seen[user.pk] = (
                user.get_full_name() or user.get_username(),
                now + self.PRESENCE_SECONDS,
            )
            cache.set(key, seen, self.PRESENCE_SECONDS + 15)
        return sorted(name for pk, (name, _) in seen.items() if pk != request.user.pk)

    @method_decorator(require_POST)
    def presence_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        return JsonResponse({"others": self.others_present(request, briefing, ping=True)})

    def revision_context(self, request, briefing, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": briefing,
            "change_url": reverse("admin:newsroom_briefing_change", args=[briefing.pk]),
            "history_url": reverse("admin:newsroom_briefing_revisions", args=[briefing.pk]),
            "can_restore": self.has_change_permission(request, briefing),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def revision_history_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        revisions = briefing.revisions.select_related("created_by").only(
            "number", "created_at", "created_by", "note", "published", "scheduled", "briefing"
        )
        page = Paginator(revisions, 50).get_page(request.GET.get("page"))
        context = {
            **self.revision_context(
                request, briefing, gettext("History of “%(briefing)s”") % {"briefing": briefing}
            ),
            "page": page,
            "latest_number": briefing.revisions.values_list("number", flat=True).first(),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_history.html", context)

    def revision_view(self, request, object_id, number):
        briefing = self.editable_briefing(request, object_id)
        revision = get_object_or_404(briefing.revisions.select_related("created_by"), number=number)
        context = {
            **self.revision_context(
                request,
                briefing,
                gettext("Revision %(number)s of “%(briefing)s”")
                % {"number": number, "briefing": briefing},
            ),
            "revision": revision,
            "fields": Revision.readable(revision.data),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_detail.html", context)

    def revision_compare_view(self, request, object_id):
        briefing = self.editable_briefing(request, object_id)
        try:
            numbers = sorted({int(request.GET["a"]), int(request.GET["b"])})
        except (KeyError, ValueError):
            messages.error(request, gettext("Choose two revisions to compare."))
            return HttpResponseRedirect(
                reverse("admin:newsroom_briefing_revisions", args=[briefing.pk])
            )
        found = {r.number: r for r in briefing.revisions.filter(number__in=numbers)}
        if len(found) != len(numbers):
            raise Http404("No such revision.")
        old, new = found[numbers[0]], found[numbers[-1]]
        context = {
            **self.revision_context(
                request,
                briefing,
                gettext("Revisions %(old)s and %(new)s of “%(briefing)s”")
                % {"old": old.number, "new": new.number, "briefing": briefing},
            ),
            "old": old,
            "new": new,
            "old_label": gettext("Revision %(number)s") % {"number": old.number},
            "new_label": gettext("Revision %(number)s") % {"number": new.number},
            "fields": old.compare(new),
        }
        return TemplateResponse(request, "admin/newsroom/briefing/revision_compare.html", context)

    @method_decorator(require_POST)
    def revision_restore_view(self, request, object_id, number):
        briefing = self.editable_briefing(request, object_id, change=True)
        revision = get_object_or_404(briefing.revisions, number=number)
        try:
            restored = revision.restore(by=request.user)
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(
                request,
                gettext(
                    "Revision %(number)s restored as revision %(restored)s; "
                    "the revisions in between are kept in the history."
                )
                % {"number": number, "restored": restored.number},
            )
        return HttpResponseRedirect(reverse("admin:newsroom_briefing_change", args=[briefing.pk]))

    @method_decorator(require_POST)
    def preview_links_view(self, request, object_id):
        """Create a login-free preview link, or revoke one."""
        briefing = self.editable_briefing(request, object_id, change=True)
        if not request.user.has_perms(["newsroom.add_previewlink", "newsroom.change_previewlink"]):
            raise PermissionDenied
        if revoke := request.POST.get("revoke"):
            link = get_object_or_404(briefing.preview_links, pk=revoke)
            link.revoke()
            messages.success(request, gettext("The preview link is revoked: it no longer opens."))
        elif not PreviewLink.previewable(briefing):
            messages.error(request, PreviewLink.NOT_PREVIEWABLE)
        else:
            link = PreviewLink.objects.create(briefing=briefing, created_by=request.user)
            messages.success(
                request,
                format_html(
                    gettext('Preview link, valid until {}: <a href="{}">{}</a>'),
                    desk_and_utc(link.expires_at),
                    request.build_absolute_uri(link.get_absolute_url()),
                    request.build_absolute_uri(link.get_absolute_url()),
                ),
            )
        return HttpResponseRedirect(reverse("admin:newsroom_briefing_change", args=[briefing.pk]))
