"""The briefing admin's workflow: the change form's panel, the scheduled list, bulk actions.

Every move goes through `Briefing.transition()`, and each refusal is reported.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from briefings.clock import desk_zone
from briefings.newsroom.admin.clocks import OTTAWA, UTC, clock, desk_and_utc, desk_city
from briefings.newsroom.admin.forms import TransitionForm
from briefings.newsroom.models import EditConflict
from briefings.newsroom.workflow import MOVES, Status
from briefings.staff import reauth

# Moves that cannot be taken back ask for the password or a second factor again.
REAUTH_MOVES = {Status.PUBLISHED, Status.WITHDRAWN}


class WorkflowMixin:
    """BriefingAdmin's moves; needs `get_queryset` and `has_view_permission` of a ModelAdmin."""

    actions = ["submit_for_review", "publish_now", "cancel_schedule"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "scheduled/",
                self.admin_site.admin_view(self.scheduled_view),
                name="{}_{}_scheduled".format(*info),
            ),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_publish_permission(self, request):
        return request.user.has_perm("newsroom.publish_briefing")

    def workflow_panel(self, request, briefing, form=None):
        """The change form's buttons: the moves this user may make now, in MOVES' order."""
        moves = briefing.allowed_moves(request.user)
        buttons = [
            (to, move.label)
            for (frm, to), move in MOVES.items()
            if frm == briefing.status and to in moves
        ]
        wants_time = bool(moves & {Status.SCHEDULED, Status.PUBLISHED})
        in_form = self.has_change_permission(request, briefing)
        form_id = f"{self.opts.model_name}_form"
        form = form or TransitionForm(
            initial={
                "version": briefing.version,
                "publish_at": briefing.publish_at,
                "expires_at": briefing.expires_at,
            }
        )
        if in_form:
            for field in form.fields.values():
                field.widget.attrs["form"] = form_id
        return {
            "buttons": buttons,
            # Whoever may edit moves through the change form itself, which saves first; a
            # read-only form (a writer's briefing in review) posts to transition_view.
            "in_form": in_form,
            "form_id": form_id,
            "wants_time": wants_time,
            "form": form,
            "url": reverse("admin:newsroom_briefing_transition", args=[briefing.pk]),
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    @method_decorator(require_POST)
    def transition_view(self, request, object_id):
        if request.POST.get("to") in REAUTH_MOVES and (confirm := reauth.gate(request)):
            return confirm
        briefing = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        try:
            briefing.transition(
                data["to"],
                by=request.user,
                note=data["note"],
                publish_at=data["publish_at"],
                expires_at=data["expires_at"],
                expected_version=data["version"],
            )
        except PermissionDenied:
            messages.error(request, gettext("You may not make this move."))
        except EditConflict as conflict:
            messages.error(
                request,
                gettext("%(conflict)s Nothing was changed; review and try again.")
                % {"conflict": conflict},
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message(briefing))
        return HttpResponseRedirect(change_url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Publish-now and withdraw from the change form ask for re-authentication before the
        form is saved: the whole form is kept and posted again once the user has confirmed."""
        if (
            request.method == "POST"
            and request.POST.get("_move") in REAUTH_MOVES
            and (confirm := reauth.gate(request))
        ):
            return confirm
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """A move button on the change form: the form is saved (valid and current), then moved.

        An invalid or stale form never gets here: the admin shows it again with its errors
        and nothing is moved (see render_change_form). A refused move keeps the save.
        """
        if "_move" not in request.POST:
            return super().response_change(request, obj)
        return self.move_after_save(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        """ "Save and submit for review" on a new briefing: saved, then moved, as on a change."""
        if "_move" not in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self.move_after_save(request, obj)

    def new_workflow_panel(self, request):
        """The add form's one move: a writer need not save a new briefing before submitting."""
        form = TransitionForm()
        form_id = f"{self.opts.model_name}_form"
        for field in form.fields.values():
            field.widget.attrs["form"] = form_id
        return {
            "buttons": [(Status.REVIEW, gettext("Save and submit for review"))],
            "new": True,
            "in_form": True,
            "form_id": form_id,
            "wants_time": False,
            "form": form,
            "desk_zone": settings.DESK_TIME_ZONE,
        }

    def move_after_save(self, request, obj):
        change_url = reverse("admin:newsroom_briefing_change", args=[obj.pk])
        form = TransitionForm(
            {
                "to": request.POST["_move"],
                "version": obj.version,
                **{k: request.POST.get(k, "") for k in ("publish_at", "expires_at", "note")},
            }
        )
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(
                    request,
                    gettext("Saved, but not moved: %(field)s: %(errors)s")
                    % {"field": field, "errors": " ".join(errors)},
                )
            return HttpResponseRedirect(change_url)
        data = form.cleaned_data
        try:
            obj.transition(
                data["to"],
                by=request.user,
                note=data["note"],
                publish_at=data["publish_at"],
                expires_at=data["expires_at"],
                expected_version=data["version"],
            )
        except PermissionDenied:
            messages.error(request, gettext("Saved, but not moved. You may not make this move."))
        except (EditConflict, ValidationError) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, gettext("Saved, but not moved: %(text)s") % {"text": text})
        else:
            messages.success(request, format_html(gettext("Saved. {}"), self.success_message(obj)))
        return HttpResponseRedirect(change_url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and "_move" in request.POST:
            messages.error(
                request,
                gettext(
                    "The move was not made: the form could not be saved. "
                    "Your text is kept below; correct it and press the button again."
                ),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def success_message(self, briefing):
        if briefing.status == Status.SCHEDULED:
            return format_html(
                gettext("“{}” is scheduled for {}."), briefing, desk_and_utc(briefing.publish_at)
            )
        return gettext("“%(briefing)s” is now %(status)s.") % {
            "briefing": briefing,
            "status": briefing.get_status_display().lower(),
        }

    def scheduled_view(self, request):
        """What goes out next, earliest first, on the desk's clock, Ottawa's and UTC."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        upcoming = (
            self.get_queryset(request).filter(status=Status.SCHEDULED).order_by("publish_at", "pk")
        )
        zones = [(desk_city(), desk_zone()), ("Ottawa", OTTAWA), ("UTC", UTC)]
        rows = [
            {
                "briefing": briefing,
                "url": reverse("admin:newsroom_briefing_change", args=[briefing.pk]),
                "times": [clock(briefing.publish_at, zone) for _, zone in zones],
                "due": briefing.is_public(),
                "expiry": desk_and_utc(briefing.expires_at),
            }
            for briefing in upcoming
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Scheduled briefings"),
            "opts": self.opts,
            "zones": [name for name, _ in zones],
            "rows": rows,
        }
        return TemplateResponse(request, "admin/newsroom/briefing/scheduled.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "scheduled_url": reverse("admin:newsroom_briefing_scheduled"),
        }
        return super().changelist_view(request, extra_context)

    def apply_move(self, request, queryset, to_status, **kwargs):
        moved = 0
        for briefing in queryset:
            try:
                briefing.transition(to_status, by=request.user, **kwargs)
            except PermissionDenied:
                messages.error(
                    request,
                    gettext("“%(briefing)s”: you may not make this move.") % {"briefing": briefing},
                )
            except ValidationError as error:
                messages.error(
                    request,
                    gettext("“%(briefing)s”: %(errors)s")
                    % {"briefing": briefing, "errors": " ".join(error.messages)},
                )
            else:
                moved += 1
        if moved:
            messages.success(
                request,
                ngettext(
                    "%(count)s briefing moved to %(status)s.",
                    "%(count)s briefings moved to %(status)s.",
                    moved,
                )
                % {"count": moved, "status": Status(to_status).label},
            )

    @admin.action(
        description=gettext_lazy("Submit selected briefings for review"), permissions=["change"]
    )
    def submit_for_review(self, request, queryset):
        self.apply_move(request, queryset, Status.REVIEW)

    @admin.action(
        description=gettext_lazy("Publish selected briefings now"), permissions=["publish"]
    )
    def publish_now(self, request, queryset):
        if confirm := reauth.gate(request):
            return confirm
        self.apply_move(request, queryset, Status.PUBLISHED)

    @admin.action(
        description=gettext_lazy("Cancel the schedule of selected briefings"),
        permissions=["publish"],
    )
    def cancel_schedule(self, request, queryset):
        self.apply_move(request, queryset.filter(status=Status.SCHEDULED), Status.DRAFT)
