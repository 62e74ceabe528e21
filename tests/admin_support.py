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
