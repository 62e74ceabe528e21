"""Autosave: each user's unsaved text kept server-side, offered back, never a save itself."""

import pytest
from django.test import Client
from django.urls import reverse

from briefings.newsroom.models import Autosave, Briefing
from tests.factories import BriefingFactory, DraftFactory, UserFactory, editor, writer
from tests.newsroom.test_admin_briefing import change_url, form_data, own_draft

pytestmark = pytest.mark.django_db


def autosave_url(briefing=None):
    if briefing is None:
        return reverse("admin:newsroom_briefing_autosave_new")
    return reverse("admin:newsroom_briefing_autosave", args=[briefing.pk])


def test_an_autosave_keeps_text_and_bumps_no_version(client):
    author = writer()
    briefing = own_draft(author, dek="Saved dek")
    client.force_login(author)
    response = client.post(
        autosave_url(briefing), {"dek": "Typed dek", "body": "Typed body", "base_version": 1}
    )
    assert response.status_code == 200
    assert response.json()["label"]
    briefing.refresh_from_db()
    assert (briefing.version, briefing.dek) == (1, "Saved dek")
    kept = Autosave.objects.get(user=author, briefing=briefing)
    assert kept.data == {"dek": "Typed dek", "body": "Typed body"}
    assert kept.base_version == 1


def test_the_change_form_offers_the_autosave_back_with_the_desk_time(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    client.post(autosave_url(briefing), {"body": "<script>alert(1)</script>", "base_version": 1})
    html = client.get(change_url(briefing)).text
    assert "Restore unsaved changes from" in html
    assert "<script>alert(1)</script>" not in html  # json_script escapes it
    assert "\\u003Cscript\\u003Ealert(1)" in html


def test_nobody_sees_another_users_autosave(client):
    boss = editor()
    briefing = DraftFactory()
    Autosave.keep(boss, briefing, {"body": "The editor's own notes"}, 1)
    other = editor(username="other-editor")
    client.force_login(other)
    html = client.get(change_url(briefing)).text
    assert "The editor's own notes" not in html
    assert "Restore unsaved changes" not in html
    client.post(autosave_url(briefing), {"discard": "1"})
    assert Autosave.objects.filter(user=boss).exists()


def test_a_writer_cannot_autosave_someone_elses_briefing(client):
    author = writer()
    client.force_login(author)
    response = client.post(autosave_url(DraftFactory()), {"body": "x"})
    assert response.status_code == 404
    assert not Autosave.objects.exists()


def test_staff_only_and_post_only(client):
    briefing = DraftFactory()
    client.force_login(UserFactory(is_staff=False))
    assert client.post(autosave_url(briefing), {"body": "x"}).status_code == 302  # to login
    client.force_login(editor())
    assert client.get(autosave_url(briefing)).status_code == 405
    assert not Autosave.objects.exists()


def test_the_endpoint_checks_csrf():
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor())
    response = csrf_client.post(autosave_url(DraftFactory()), {"body": "x"})
    assert response.status_code == 403
    assert not Autosave.objects.exists()


def test_nul_bytes_are_dropped_and_huge_text_refused(client):
    author = writer()
    client.force_login(author)
    response = client.post(autosave_url(), {"headline": "Pact\x00 text", "body": "ok"})
    assert response.status_code == 200
    assert Autosave.objects.get(user=author, briefing=None).data["headline"] == "Pact text"
    huge = "x" * (Autosave.MAX_BYTES + 1)
    response = client.post(autosave_url(), {"body": huge})
    assert response.status_code in (400, 413)
    assert Autosave.objects.get(user=author, briefing=None).data["body"] == "ok"


def test_a_bad_base_version_is_ignored_not_a_500(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    for bad in ("abc", "-1", "9" * 40):
        response = client.post(autosave_url(briefing), {"body": "x", "base_version": bad})
        assert response.status_code == 200


def test_a_real_save_discards_the_autosave(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    client.post(autosave_url(briefing), {"body": "Typed", "base_version": 1})
    response = client.post(change_url(briefing), form_data(briefing, body="Typed"))
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_an_autosave_arriving_after_my_own_save_is_ignored(client):
    author = writer()
    briefing = own_draft(author)
    client.force_login(author)
    client.post(change_url(briefing), form_data(briefing, body="Saved"))
    response = client.post(autosave_url(briefing), {"body": "Older", "base_version": 1})
    assert response.json() == {"superseded": True}
    assert not Autosave.objects.exists()


def test_a_new_briefing_autosave_is_offered_on_the_add_form_and_dropped_on_save(client):
    author = writer()
    client.force_login(author)
    client.post(autosave_url(), {"headline": "Unsaved new one", "body": "Body"})
    add = reverse("admin:newsroom_briefing_add")
    assert "Restore unsaved changes from" in client.get(add).text
    data = form_data(Briefing(headline="Unsaved new one", slug="unsaved-new-one", body="Body"))
    del data["base_version"]
    assert client.post(add, data).status_code == 302
    assert not Autosave.objects.exists()


def test_an_autosave_of_text_someone_saved_over_warns_before_restoring(client):
    author = writer()
    briefing = own_draft(author)
    Autosave.keep(author, briefing, {"body": "Mine"}, 1)
    Briefing.objects.filter(pk=briefing.pk).update(version=2)
    client.force_login(author)
    assert "Someone has saved this briefing since" in client.get(change_url(briefing)).text


def test_the_kept_original_of_a_translation_is_named_and_a_tampered_one_ignored(client):
    original = BriefingFactory(headline="Canada and the EU sign a defence pact")
    author = editor()
    client.force_login(author)
    for value, labels in [
        (str(original.pk), {"translation_of": original.headline}),
        ("1 OR 1=1", {}),
        ("99999999999999", {}),
        (str(original.pk + 1000), {}),
    ]:
        response = client.post(
            autosave_url(), {"headline": "Le pacte", "language": "fr", "translation_of": value}
        )
        assert response.status_code == 200
        kept = Autosave.objects.get(user=author, briefing=None)
        assert kept.data == {"headline": "Le pacte", "language": "fr", "translation_of": value}
        response = client.get(reverse("admin:newsroom_briefing_add"))
        assert response.context["autosave"]["kept"]["labels"] == labels
