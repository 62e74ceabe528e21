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
