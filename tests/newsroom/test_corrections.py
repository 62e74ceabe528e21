import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models import Briefing, BriefingDeletion, Correction
from tests.factories import BriefingFactory, CorrectionFactory, DraftFactory, UserFactory, editor
from tests.newsroom.test_concurrency import form_data

pytestmark = pytest.mark.django_db


def change_url(briefing):
    return reverse("admin:newsroom_briefing_change", args=[briefing.pk])


def test_an_editor_adds_a_correction_in_the_admin(client):
    briefing = BriefingFactory(headline="SAFE fund opens to Canada", slug="safe-fund")
    user = editor()
    client.force_login(user)
    form = client.get(change_url(briefing))
    data = form_data(
        form,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave €100 billion; it is €150 billion.",
            "corrections-0-briefing": str(briefing.pk),
        },
    )
    assert client.post(change_url(briefing), data).status_code == 302
    correction = briefing.corrections.get()
    assert correction.created_by == user
    client.logout()

    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "it is €150 billion" in page
    feed = client.get("/en/feeds/rss/").content.decode()
    assert "it is €150 billion" in feed
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    article = json.loads(jsonld.group(1))
    articles = article if isinstance(article, list) else article.get("@graph", [article])
    news = next(a for a in articles if a.get("@type") == "NewsArticle")
    corrections = news["correction"]
    corrections = corrections if isinstance(corrections, list) else [corrections]
    assert "it is €150 billion" in json.dumps(corrections, ensure_ascii=False)


def test_corrections_are_refused_before_publication(client):
    draft = DraftFactory()
    client.force_login(editor())
    data = form_data(
        client.get(change_url(draft)),
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "Nothing to correct yet.",
        },
    )
    client.post(change_url(draft), data)
    assert not draft.corrections.exists()


def test_correction_text_is_escaped_on_the_page(client):
    briefing = BriefingFactory()
    CorrectionFactory(briefing=briefing, text="<script>alert('x')</script> fixed")
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("substantive", [True, False])
def test_only_a_substantive_update_sets_the_visible_updated_time(client, substantive):
    briefing = BriefingFactory(body="Ten member states have not ratified CETA.")
    client.force_login(editor())
    changes = {"body": "Ten EU member states, among them France, have not ratified CETA."}
    if substantive:
        changes["substantive_update"] = "on"
    before = timezone.now()
    assert (
        client.post(
            change_url(briefing), form_data(client.get(change_url(briefing)), **changes)
        ).status_code
        == 302
    )
    briefing.refresh_from_db()
    assert briefing.body.startswith("Ten EU member states")
    if substantive:
        assert briefing.public_updated_at >= before
        assert "Updated" in client.get(briefing.get_absolute_url()).content.decode()
    else:
        assert briefing.public_updated_at is None


def test_a_withdrawn_briefing_answers_410_with_its_note(client):
    briefing = BriefingFactory(slug="pact-misreported")
    briefing.transition(
        Briefing.Status.WITHDRAWN,
        by=editor(),
        note="Withdrawn: the <i>draft</i> was not final.",
    )
    response = client.get("/en/briefings/pact-misreported/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "Withdrawn: the &lt;i&gt;draft&lt;/i&gt; was not final." in page


def test_editors_cannot_delete_published_briefings(client):
    briefing = BriefingFactory()
    client.force_login(editor())
    url = reverse("admin:newsroom_briefing_delete", args=[briefing.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Briefing.objects.filter(pk=briefing.pk).exists()


def test_a_superuser_deletion_is_recorded(client):
    briefing = BriefingFactory(headline="Duplicate of the pact briefing")
    boss = UserFactory(is_superuser=True)
    client.force_login(boss)
    url = reverse("admin:newsroom_briefing_delete", args=[briefing.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    record = BriefingDeletion.objects.get(briefing_pk=briefing.pk)
    assert (record.deleted_by, record.headline) == (boss, "Duplicate of the pact briefing")
    assert not Briefing.objects.filter(pk=briefing.pk).exists()
    assert Correction.objects.count() == 0


def test_deletion_records_are_for_superusers_and_read_only(client):
    briefing = BriefingFactory(headline="Recorded on deletion")
    boss = UserFactory(is_superuser=True)
    briefing.delete(by=boss)
    record = BriefingDeletion.objects.get()
    client.force_login(editor())
    assert client.get(reverse("admin:newsroom_briefingdeletion_changelist")).status_code == 403
    client.force_login(boss)
    listing = client.get(reverse("admin:newsroom_briefingdeletion_changelist"))
    assert "Recorded on deletion" in listing.content.decode()
    url = reverse("admin:newsroom_briefingdeletion_change", args=[record.pk])
    assert client.post(url, {"headline": "Rewritten"}).status_code == 403
