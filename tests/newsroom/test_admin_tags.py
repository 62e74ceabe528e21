import pytest
from django.urls import reverse
from taggit.models import Tag

from tests.factories import BriefingFactory, editor

pytestmark = pytest.mark.django_db


def test_tag_changelist_counts_briefings_in_constant_queries(client, django_assert_max_num_queries):
    client.force_login(editor())
    BriefingFactory(tags=["defence", "NATO"])
    BriefingFactory(tags=["defence"])
    url = reverse("admin:taggit_tag_changelist")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    counts = {t.name: t.briefing_count for t in response.context["cl"].result_list}
    assert counts == {"defence": 2, "NATO": 1}
    for n in range(30):
        BriefingFactory(tags=[f"topic {n}"])
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_tag_change_page_has_no_generic_inline(client):
    client.force_login(editor())
    tag = Tag.objects.create(name="Ukraine", slug="ukraine")
    response = client.get(reverse("admin:taggit_tag_change", args=[tag.pk]))
    assert response.status_code == 200
    assert not response.context["inline_admin_formsets"]
