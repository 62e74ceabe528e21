import secrets

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from briefings.digests import editions, mime, rendering, transport
from briefings.digests.models import (
    Alert,
    Delivery,
    Edition,
    FeedbackEvent,
    StatusAlertBatch,
    Subscriber,
)
from briefings.staff import reauth


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "state",
        "frequency",
        "follows",
        "instant_alerts",
        "paused",
        "last_digest_at",
        "hard_bounces",
        "created_at",
    ]
    list_filter = ["state", "frequency", "instant_alerts", "paused", "follow_all"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["tags", "actors", "agreements"]
    readonly_fields = [
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_digest_at",
        "hard_bounces",
        "soft_bounces",
        "last_bounce",
    ]
    fieldsets = [
        (None, {"fields": ["email", "state", "paused"]}),
        (
            "Follows",
            {
                "fields": [
                    "follow_all",
                    "tags",
                    "actors",
                    "agreements",
                    "frequency",
                    "instant_alerts",
                ]
            },
        ),
        ("History", {"fields": readonly_fields}),
    ]
    change_form_template = "digests/admin/subscriber_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags", "actors", "agreements")

    # Deleting subscribers (one, or "delete selected" confirmed) asks for re-authentication.

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and (confirm := reauth.gate(request)):
            return confirm
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        deleting = request.POST.get("action") == "delete_selected" and "post" in request.POST
        if request.method == "POST" and deleting and (confirm := reauth.gate(request)):
            return confirm
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("follows"))
    def follows(self, obj):
        return obj.follows_summary()

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="digests_subscriber_preview"),
            path("<int:pk>/send-test/", wrap(self.send_test_view), name="digests_subscriber_test"),
            *super().get_urls(),
        ]

    def rendered_next(self, subscriber):
        """The next digest and why it would come, or (None, "") when it would send nothing."""
        briefings, reason = editions.preview_digest(subscriber)
        if not briefings:
            return None, ""
        return rendering.render_digest(subscriber.frequency, briefings), reason

    def preview_view(self, request, pk):
        """The digest this subscriber would receive if their edition ran now, links and all."""
        subscriber = get_object_or_404(Subscriber, pk=pk)
        if not self.has_view_permission(request, subscriber):
            raise PermissionDenied
        rendered, reason = self.rendered_next(subscriber)
        if rendered is None:
            return TemplateResponse(
                request,
                "digests/admin/no_preview.html",
                {**self.admin_site.each_context(request), "subscriber": subscriber},
            )
        links = rendering.personal_links(subscriber.pk)
        return HttpResponse(rendered.personal_html(*links, reason))

    @staticmethod
    def _change_url(subscriber):
        return reverse("admin:digests_subscriber_change", args=[subscriber.pk])

    def send_test_view(self, request, pk):
        return require_POST(self._send_test)(request, pk)

    def _send_test(self, request, pk):
        """Send this subscriber's next digest to the signed-in editor, marked as a test."""
        subscriber = get_object_or_404(Subscriber, pk=pk)
        if not self.has_view_permission(request, subscriber):
            raise PermissionDenied
        if not request.user.email:
            messages.error(
                request, gettext("Your account has no email address to send the test to.")
            )
            return redirect(self._change_url(subscriber))
        rendered, reason = self.rendered_next(subscriber)
        if rendered is None:
            messages.warning(
                request, gettext("Nothing to send: no new briefing matches these follows.")
            )
            return redirect(self._change_url(subscriber))
        rendered.subject = f"[Test] {rendered.subject}"
        preferences, unsubscribe = rendering.personal_links(subscriber.pk)
        msgid = mime.message_id("test", subscriber.pk, secrets.token_hex(6))
        data = rendered.build(
            request.user.email, msgid, preferences, unsubscribe, mime.now_header(), reason
        )
        try:
            with transport.Postman() as postman:
                postman.send(request.user.email, data)
        except (transport.TemporaryFailure, transport.PermanentFailure) as exc:
            messages.error(
                request, gettext("The test digest could not be sent: %(error)s") % {"error": exc}
            )
        else:
            messages.success(
                request, gettext("Test digest sent to %(email)s.") % {"email": request.user.email}
            )
        return redirect(self._change_url(subscriber))


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["subscriber", "state", "briefing_count", "claimed_at", "sent_at", "error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        failed = super().get_queryset(request).exclude(state=Delivery.State.SENT)
        return failed.select_related("subscriber")


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "period",
        "created_at",
        "completed_at",
        "sent",
        "failed",
        "pending",
    ]
    list_filter = ["kind"]
    date_hierarchy = "period"
    readonly_fields = [
        "kind",
        "period",
        "starts_at",
        "ends_at",
        "last_subscriber_id",
        "created_at",
        "completed_at",
    ]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def has_add_permission(self, request):
        return False

    def view_on_site(self, obj):
        """The web version, once the edition is in the public archive; none before."""
        return obj.get_absolute_url() if Edition.objects.archived().filter(pk=obj.pk) else None

    @admin.display(description=gettext_lazy("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=gettext_lazy("failed"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=gettext_lazy("pending"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["briefing", "subscriber", "state", "claimed_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["subscriber__email", "briefing__headline"]
    list_select_related = ["briefing", "subscriber"]
    readonly_fields = [
        "briefing",
        "subscriber",
        "state",
        "message_id",
        "claimed_at",
        "sent_at",
        "error",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(admin.ModelAdmin):
    """What the email provider's webhooks reported: a record, never edited by hand."""

    list_display = ["received_at", "kind", "recipient", "provider", "subscriber", "delivery"]
    list_filter = ["kind", "provider"]
    search_fields = ["recipient", "message_id"]
    list_select_related = ["subscriber", "delivery__edition", "delivery__subscriber"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "provider",
        "event_id",
        "kind",
        "recipient",
        "message_id",
        "description",
        "subscriber",
        "delivery",
        "alert",
        "occurred_at",
        "received_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusAlertBatch)
class StatusAlertBatchAdmin(admin.ModelAdmin):
    """The status alerts the desk sent, read-only: they are recorded from the party pages."""

    list_display = ["headline", "created_at", "created_by", "sent", "failed", "done_at"]
    list_select_related = ["created_by"]
    search_fields = ["headline", "note"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "headline",
        "agreement",
        "actor",
        "old_status",
        "new_status",
        "note",
        "created_by",
        "created_at",
        "dispatched_at",
        "lease_expires_at",
        "done_at",
    ]

    def get_queryset(self, request):
        counts = {
            state: Count("alerts", filter=Q(alerts__state=state))
            for state in (Delivery.State.SENT, Delivery.State.FAILED)
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description=gettext_lazy("sent"), ordering="sent")
    def sent(self, obj):
        return obj.sent

    @admin.display(description=gettext_lazy("failed"), ordering="failed")
    def failed(self, obj):
        return obj.failed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
