"""Bylines in the desk: revisions keep their order, the admin edits them, writers own theirs."""

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.factories import ContributorFactory, DraftFactory, add_byline, editor, writer

pytestmark = pytest.mark.django_db


def test_revisions_keep_the_byline_in_order_and_restore_it():
    first, second = ContributorFactory(name="Zoe First"), ContributorFactory(name="Adam Second")
    briefing = add_byline(DraftFactory(), first, second)
    old = briefing.save_revision(note="two names")
    briefing.byline_rows.all().delete()
    add_byline(briefing, second)
    new = briefing.save_revision(note="one name")
    byline = next(f for f in old.compare(new) if f["label"] == "Byline")
    assert byline["changed"]
    assert old.data["contributors"] == [[first.pk, "Zoe First"], [second.pk, "Adam Second"]]
    old.restore(by=editor())
    assert Briefing.objects.get(pk=briefing.pk).byline() == [first, second]


def test_admin_save_snapshots_the_byline_just_saved(client):
    boss = editor()
    briefing = DraftFactory(slug="edit-me")
    ana = ContributorFactory(name="Ana Ferreira")
    client.force_login(boss)
    url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
    data = {
        "headline": briefing.headline,
        "slug": briefing.slug,
        "dek": "",
        "body": "Text.",
        "article_type": "news",
        "language": "en",
        "tags": "",
        "base_version": briefing.version,
        "byline_rows-TOTAL_FORMS": 1,
        "byline_rows-INITIAL_FORMS": 0,
        "byline_rows-0-contributor": ana.pk,
        "byline_rows-0-position": "",
    }
    for prefix in ("key_figures", "sources", "transitions", "corrections"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert briefing.byline() == [ana]
    assert briefing.revisions.first().data["contributors"] == [[ana.pk, "Ana Ferreira"]]


def test_a_writer_owns_briefings_their_contributor_signs():
    author = writer()
    mine = add_byline(DraftFactory(), ContributorFactory(user=author))
    theirs = add_byline(DraftFactory(), ContributorFactory())
    assert list(Briefing.objects.visible_to(author)) == [mine]
    assert mine.can_edit(author) and not theirs.can_edit(author)
