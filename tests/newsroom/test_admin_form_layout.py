"""The shorter change form: content first, sections, no empty rows, topic suggestions."""

import pytest
from django.urls import reverse

from tests.factories import BriefingFactory, DraftFactory, editor, writer
from tests.newsroom.test_admin_briefing import change_url, own_draft

pytestmark = pytest.mark.django_db
ADD = reverse("admin:newsroom_briefing_add")
SUGGEST = reverse("admin:newsroom_briefing_topic_suggestions")


def test_a_new_briefing_shows_content_first_and_no_empty_workflow_rows(client):
    client.force_login(writer())
    html = client.get(ADD).text
    assert html.index('id="id_headline"') < html.index('id="id_dek"') < html.index('id="id_body"')
    assert html.index('id="id_article_type"') < html.index('id="id_tags"')
    assert "Links" in html
    assert "field-publication" not in html
    assert "field-first_published" not in html
    assert "field-created_by" not in html


def test_an_existing_draft_hides_only_the_times_it_does_not_have(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    html = client.get(change_url(briefing)).text
    assert "field-state" in html
    assert "field-created_by" in html
    assert "field-publication" not in html
    published = BriefingFactory()
    client.force_login(editor())
    html = client.get(change_url(published)).text
    assert "field-publication" in html and "field-first_published" in html


def test_topic_suggestions_are_public_topics_accents_ignored(client):
    BriefingFactory(tags=["Québec", "Quebec City trade"])
    DraftFactory(tags=["Québec secret draft topic"])
    client.force_login(writer())
    response = client.get(SUGGEST, {"q": "quebec"})
    assert response.json() == {"results": ["Quebec City trade", "Québec"]}
    assert client.get(SUGGEST, {"q": "QUÉ"}).json()["results"] == ["Quebec City trade", "Québec"]


@pytest.mark.parametrize("q", ["", "x" * 101, "%", "'; drop table"])
def test_odd_topic_queries_answer_plainly(client, q):
    client.force_login(writer())
    response = client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_topic_suggestions_refuse_nul_and_outsiders(client):
    client.force_login(writer())
    assert client.get(SUGGEST, {"q": "a\x00"}).status_code == 400
    client.logout()
    assert client.get(SUGGEST, {"q": "qu"}).status_code == 302


@pytest.mark.parametrize("history", [1, 6])
def test_the_add_and_change_forms_run_constant_queries(
    client, django_assert_max_num_queries, history
):
    author = writer()
    briefing = own_draft(author)
    for number in range(history):
        briefing.save_revision(author, note=f"edit {number}")
    client.force_login(author)
    client.post(reverse("admin:newsroom_briefing_autosave", args=[briefing.pk]), {"body": "Kept"})
    for url, budget in ((ADD, 12), (change_url(briefing), 30)):
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_a_new_briefing_shows_no_empty_history_nor_withdrawal_note(client):
    client.force_login(writer())
    html = client.get(ADD).text
    assert 'id="transitions-group"' not in html
    assert "required to withdraw" not in html
    assert "Note for the editor (optional)" in html
