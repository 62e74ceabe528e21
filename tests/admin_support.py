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
