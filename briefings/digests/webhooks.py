"""The email provider's tracking webhooks: /email/webhooks/<provider>/tracking/.

Only a provider whose signing secret is configured answers; anymail's view checks the
signature (400 when it is missing or wrong) and sends its `tracking` signal, which
`receivers.provider_feedback` turns into our records (see feedback.py).
"""

import json

from anymail.webhooks.mailersend import MailerSendTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# Providers whose webhooks carry a signature anymail verifies, the setting holding the key,
# and the JSON objects a payload must hold before anymail reads it.
WEBHOOKS = {
    "mailgun": (MailgunTrackingWebhookView, "MAILGUN_WEBHOOK_SIGNING_KEY", ["signature"]),
    "mailersend": (MailerSendTrackingWebhookView, "MAILERSEND_SIGNING_SECRET", []),
}


def well_formed(request, objects):
    """A JSON body must be an object, with `objects` as objects: anymail's parsers assume so
    and would answer 500 to a list or a string where they expect a mapping."""
    if request.content_type != "application/json":
        return True
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        return False
    return isinstance(payload, dict) and all(isinstance(payload.get(k), dict) for k in objects)


@csrf_exempt
def tracking(request, provider):
    view, secret, objects = WEBHOOKS.get(provider, (None, None, None))
    if view is None or not settings.ANYMAIL.get(secret):
        raise Http404("No such webhook.")
    if request.method == "POST" and not well_formed(request, objects):
        return HttpResponseBadRequest("Malformed webhook payload.")
    return view.as_view()(request)


app_name = "email"
urlpatterns = [path("webhooks/<slug:provider>/tracking/", tracking, name="tracking")]
