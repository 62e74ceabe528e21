"""The desk's own admin pages use the breadcrumbs markup Django's admin CSS styles."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_scheduled_view_breadcrumbs_are_an_ordered_list(editor_client):
    html = editor_client.get(reverse("admin:newsroom_briefing_scheduled")).text
    assert '<div class="breadcrumbs">' not in html
    assert '<ol class="breadcrumbs">' in html
    assert '<li aria-current="page">Scheduled</li>' in html
