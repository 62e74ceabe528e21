"""Helpers the admin tests of every app share."""

from django.urls import reverse


def admin_url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def admin_pages(obj):
    """The changelist, add, change and delete pages of one object's model."""
    model = type(obj)
    return [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(obj, "change", obj.pk),
        admin_url(obj, "delete", obj.pk),
    ]


def measure(client, url, budget, django_assert_max_num_queries):
    """Queries of a second GET within `budget`; the first warms per-process caches."""
    client.get(url)
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def totp_code(device, steps_ahead=0):
    """The code an authenticator app shows for `device`, computed from its secret.

    A TOTP code is accepted once: a second sign-in within the same 30 s takes the next
    step's code (`steps_ahead=1`), which the device's tolerance of one step accepts.
    """
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def otp_verified(client, user):
    """Log `client` in as `user` with a confirmed TOTP device, its second factor given."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def save_with_status_decision(client, url, data, decision, note=""):
    """Post an admin form whose save changes a party's status: the first post only previews
    (nothing saved, the form back with the change), the second carries the editor's decision
    and the change the preview showed. Returns (preview response, final response)."""
    preview = client.post(url, data)
    assert preview.status_code == 200, preview
    form = preview.context["adminform"].form
    assert "alert_decision" in form.errors, form.errors
    confirmed = {
        **data,
        "alert_decision": decision,
        "alert_note": note,
        "alert_change": form["alert_change"].value(),
    }
    return preview, client.post(url, confirmed)
