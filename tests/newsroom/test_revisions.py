import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from briefings.newsroom.models import Briefing, Revision, Transition
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    DraftFactory,
    EventFactory,
    KeyFigureFactory,
    SourceFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def full_draft():
    briefing = DraftFactory(headline="Canada and the EU sign a defence pact", tags=["defence"])
    briefing.actors.add(ActorFactory(name="Canada"))
    briefing.agreements.add(AgreementFactory(title="EU–Canada Security and Defence Partnership"))
    briefing.events.add(EventFactory(title="EU–Canada summit"))
    KeyFigureFactory(briefing=briefing, label="SAFE fund", value="€150 billion")
    SourceFactory(briefing=briefing, title="Joint statement")
    return briefing


def test_snapshot_keeps_the_full_content():
    data = full_draft().snapshot()
    assert data["headline"] == "Canada and the EU sign a defence pact"
    assert data["tags"] == ["defence"]
    assert [name for _, name in data["actors"]] == ["Canada"]
    assert [name for _, name in data["agreements"]] == [
        "EU–Canada Security and Defence Partnership"
    ]
    assert [name for _, name in data["events"]] == ["EU–Canada summit"]
    assert data["key_figures"][0]["value"] == "€150 billion"
    assert data["sources"][0]["title"] == "Joint statement"
    assert data["article_type"] == Briefing.ArticleType.NEWS


def test_revisions_are_numbered_and_record_who():
    briefing, user = full_draft(), editor()
    first = briefing.save_revision(user)
    briefing.headline = "A second headline"
    briefing.save()
    second = briefing.save_revision(user)
    assert (first.number, second.number) == (1, 2)
    assert second.created_by == user
    assert second.data["headline"] == "A second headline"
    assert list(briefing.revisions.values_list("number", flat=True)) == [2, 1]


def test_restore_puts_content_back_as_a_new_revision():
    briefing, user = full_draft(), editor()
    original = briefing.save_revision(user)
    briefing.headline = "A wrong fact-check"
    briefing.body = "Replaced body."
    briefing.save()
    briefing.tags.set(["mistake"])
    briefing.actors.clear()
    briefing.key_figures.all().delete()
    briefing.sources.all().delete()
    briefing.save_revision(user)
    version = Briefing.objects.get(pk=briefing.pk).version

    restored = original.restore(by=user)

    briefing = Briefing.objects.get(pk=briefing.pk)
    assert restored.number == 3
    assert restored.note == "Restored revision 1"
    assert briefing.headline == "Canada and the EU sign a defence pact"
    assert briefing.version == version + 1
    assert restored.data == {**original.data}
    assert Revision.objects.filter(briefing=briefing).count() == 3  # nothing lost
    assert briefing.revisions.get(number=2).data["headline"] == "A wrong fact-check"


def test_restore_refuses_a_stale_version():
    from briefings.newsroom.models import EditConflict

    briefing = full_draft()
    revision = briefing.save_revision()
    with pytest.raises(EditConflict):
        revision.restore(expected_version=briefing.version - 1 if briefing.version > 1 else 99)


def test_publication_pins_the_current_revision():
    briefing = full_draft()
    briefing.save_revision()
    latest = briefing.save_revision()
    Transition.objects.create(briefing=briefing, from_status="draft", to_status="scheduled")
    Transition.objects.create(briefing=briefing, from_status="scheduled", to_status="published")
    latest.refresh_from_db()
    assert latest.scheduled and latest.published
    assert briefing.revisions.count() == 2


def test_publication_without_any_revision_records_one():
    briefing = full_draft()
    Transition.objects.create(briefing=briefing, from_status="review", to_status="published")
    pinned = briefing.revisions.get()
    assert pinned.published and not pinned.scheduled
    assert pinned.data["headline"] == briefing.headline


def age(revision, days):
    Revision.objects.filter(pk=revision.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_prune_keeps_published_scheduled_latest_and_young(capsys):
    briefing = full_draft()
    old = [briefing.save_revision() for _ in range(3)]
    scheduled = briefing.save_revision()
    Transition.objects.create(briefing=briefing, from_status="draft", to_status="scheduled")
    briefing.headline = "Edited after scheduling"
    briefing.save()
    published = briefing.save_revision()
    Transition.objects.create(briefing=briefing, from_status="scheduled", to_status="published")
    young = briefing.save_revision(data={**briefing.snapshot(), "headline": "y"})
    latest = briefing.save_revision(data={**briefing.snapshot(), "headline": "z"})
    for revision in [*old, scheduled, published, latest]:
        age(revision, 40)
    other = full_draft()
    only = other.save_revision()
    age(only, 400)

    call_command("prune_revisions", "--older-than-days", "30", "--dry-run")
    assert "Would delete 3 revisions." in capsys.readouterr().out
    assert Revision.objects.count() == 8

    call_command("prune_revisions", "--older-than-days", "30")
    assert "Deleted 3 revisions" in capsys.readouterr().out
    kept = set(Revision.objects.values_list("pk", flat=True))
    assert kept == {scheduled.pk, published.pk, young.pk, latest.pk, only.pk}


def test_prune_refuses_a_negative_age():
    with pytest.raises(CommandError, match="zero or more"):
        call_command("prune_revisions", "--older-than-days", "-1")


def test_deleting_a_published_briefing_is_refused_and_superuser_deletion_recorded():
    from django.core.exceptions import PermissionDenied

    from briefings.newsroom.models import BriefingDeletion
    from tests.factories import BriefingFactory, UserFactory

    briefing = BriefingFactory(headline="Pact signed")
    with pytest.raises(PermissionDenied):
        briefing.delete(by=editor())
    with pytest.raises(PermissionDenied):
        briefing.delete()
    assert Briefing.objects.filter(pk=briefing.pk).exists()

    boss = UserFactory(is_superuser=True)
    pk = briefing.pk
    briefing.delete(by=boss)
    record = BriefingDeletion.objects.get(briefing_pk=pk)
    assert (record.deleted_by, record.headline, record.status) == (boss, "Pact signed", "published")
    assert record.data["body"] == briefing.body
    assert not Briefing.objects.filter(pk=pk).exists()


def history_url(briefing):
    from django.urls import reverse

    return reverse("admin:newsroom_briefing_revisions", args=[briefing.pk])


def many_revisions(briefing, count, user):
    for n in range(count):
        briefing.body = f"Paragraph {n}."
        briefing.save()
        briefing.save_revision(user, note=f"Save {n}")


@pytest.mark.parametrize("count", [3, 60])
def test_history_page_runs_constant_queries(client, django_assert_max_num_queries, count):
    briefing, user = full_draft(), editor()
    many_revisions(briefing, count, user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(history_url(briefing))
    assert response.status_code == 200
    assert f"Save {count - 1}" in response.content.decode()


def test_compare_shows_both_sides_escaped(client, django_assert_max_num_queries):
    briefing, user = full_draft(), editor()
    briefing.save_revision(user)
    briefing.body = "<script>alert('diff')</script>\n\nThe pact covers space security."
    briefing.headline = "Pact <img src=x onerror=alert(1)>"
    briefing.save()
    briefing.save_revision(user)
    many_revisions(briefing, 30, user)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(history_url(briefing) + "compare/?a=1&b=2")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert('diff')" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;diff&#x27;)&lt;/script&gt;" in page
    assert "Pact &lt;img src=x onerror=alert(1)&gt;" in page
    assert "Canada and the EU sign a defence pact" in page  # the left side
    assert 'class="diff-changed"' in page
    assert client.get(history_url(briefing) + "compare/?a=1&b=999").status_code == 404
    assert client.get(history_url(briefing) + "compare/?a=x").status_code == 302


def test_restore_from_the_admin_keeps_every_revision(client):
    briefing, user = full_draft(), editor()
    briefing.save_revision(user)
    briefing.headline = "A late fact-check got this wrong"
    briefing.save()
    briefing.save_revision(user)
    client.force_login(user)
    restore = history_url(briefing) + "1/restore/"
    assert client.get(restore).status_code == 405
    assert client.post(restore).status_code == 302
    briefing.refresh_from_db()
    assert briefing.headline == "Canada and the EU sign a defence pact"
    page = client.get(history_url(briefing)).content.decode()
    assert "Restored revision 1" in page and "A late fact-check" not in page
    assert list(briefing.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert client.get(history_url(briefing) + "2/").status_code == 200


def test_every_admin_save_keeps_a_revision(client):
    from django.urls import reverse

    from tests.newsroom.test_concurrency import form_data

    user = editor()
    client.force_login(user)
    add = client.get(reverse("admin:newsroom_briefing_add"))
    data = form_data(add, headline="New pact briefing", slug="new-pact", body="First words.")
    data["tags"] = ["defence, canada"]
    assert client.post(reverse("admin:newsroom_briefing_add"), data).status_code == 302
    briefing = Briefing.objects.get(slug="new-pact")
    url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
    assert client.post(url, form_data(client.get(url), body="Second words.")).status_code == 302
    first, second = briefing.revisions.order_by("number")
    assert (first.note, second.note) == ("Created", "Edited")
    assert first.data["tags"] == ["canada", "defence"]
    assert second.data["body"] == "Second words." and second.created_by == user


@pytest.mark.parametrize("count", [2, 80])
def test_change_form_cost_is_flat(client, django_assert_max_num_queries, count):
    from django.urls import reverse

    from briefings.newsroom.models import PreviewLink

    briefing, user = full_draft(), editor()
    many_revisions(briefing, count, user)
    for _ in range(count // 10 + 1):
        PreviewLink.objects.create(briefing=briefing, created_by=user)
    client.force_login(user)
    url = reverse("admin:newsroom_briefing_change", args=[briefing.pk])
    # 25: the translations panel reads the briefing's translation group in one query.
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert f"Revisions ({count})" in response.content.decode()


def test_bulk_deletion_refuses_public_work_and_takes_drafts():
    from django.core.exceptions import PermissionDenied

    from tests.factories import BriefingFactory

    published, draft = BriefingFactory(), DraftFactory()
    with pytest.raises(PermissionDenied):
        Briefing.objects.all().delete()
    assert Briefing.objects.count() == 2
    Briefing.objects.filter(pk=draft.pk).delete()
    assert list(Briefing.objects.all()) == [published]
