"""The dossier dump: built through the real worker on commit, debounced, served at one address."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from briefings.site import dossier, tasks
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    DraftFactory,
    EventFactory,
    PartyActionFactory,
    PartyFactory,
)
from tests.support import wait_until


def members(content):
    """{member name without its dated folder: text} of a bundle."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n.partition("/")[2]: archive.read(n).decode("utf-8") for n in archive.namelist()}


def newest():
    name, _ = dossier.latest()
    with dossier.storage().open(name, "rb") as handle:
        return members(handle.read())


def ceta_record():
    ceta = AgreementFactory(title="Comprehensive Economic and Trade Agreement", short_name="CETA")
    latvia = PartyFactory(agreement=ceta, actor=ActorFactory(name="Latvia", iso_alpha2="LV"))
    PartyActionFactory(party=latvia, kind="signature", date=datetime.date(2016, 10, 30))
    PartyActionFactory(party=latvia, kind="ratification", date=datetime.date(2017, 3, 9))
    EventFactory(title="CETA signing").agreements.add(ceta)
    return ceta, latvia


def test_edits_rebuild_the_dump_once_through_the_worker(celery_worker, settings):
    settings.DOSSIER_DUMP_DEBOUNCE = 3600
    settings.DOSSIER_DUMP_KEEP = 10
    ceta, latvia = ceta_record()  # a dozen commits
    assert dossier.regenerate_if_due() is None and dossier.names() == []  # not due yet
    settings.DOSSIER_DUMP_DEBOUNCE = 0
    tasks.sweep_dossier_dump.delay()  # what beat sends every 10 s
    wait_until(dossier.names, message="the first dump")
    wait_until(lambda: cache.get(dossier.CHANGED_KEY) is None)
    assert dossier.regenerate_if_due() is None  # one rebuild for all of them
    assert len(dossier.names()) == 1
    files = newest()
    tables = json.loads(files["dossier.json"])["tables"]
    assert [p["derived_status"] for p in tables["parties"]] == ["bound"]
    assert [a["date"] for a in tables["party_actions"]] == ["2016-10-30", "2017-03-09"]
    assert tables["event_agreements"][0]["agreement_id"] == ceta.pk
    assert "ODC-By" in files["README.txt"]
    assert "parties (1 row): id, agreement_id" in files["README.txt"]
    rows = list(csv.DictReader(io.StringIO(files["csv/actors.csv"])))
    assert rows[0]["name"] == "Latvia" and rows[0]["iso_alpha2"] == "LV"
    assert rows[0]["url"].endswith(latvia.actor.get_absolute_url())

    actor = latvia.actor
    for n in range(10):  # many edits: one more bundle, with the last
        actor.name = f"Latvia {n}"
        actor.save()
    tasks.sweep_dossier_dump.delay()
    tasks.sweep_dossier_dump.delay()  # two sweeps at once: one claims the change
    wait_until(lambda: len(dossier.names()) == 2, message="the rebuild")
    wait_until(lambda: cache.get(dossier.CHANGED_KEY) is None)
    assert "Latvia 9" in newest()["csv/actors.csv"]
    assert dossier.regenerate() is None  # the hourly run: nothing changed, nothing written
    assert len(dossier.names()) == 2


@pytest.mark.django_db
def test_a_rolled_back_edit_marks_nothing_and_a_failed_build_keeps_the_mark(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DOSSIER_DUMP_DEBOUNCE = 0
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture, pytest.raises(RuntimeError), transaction.atomic():
        ActorFactory()
        raise RuntimeError
    assert cache.get(dossier.CHANGED_KEY) is None
    with django_capture_on_commit_callbacks(execute=True):
        ActorFactory()
    since = cache.get(dossier.CHANGED_KEY)
    assert since is not None
    monkeypatch.setattr(dossier, "build", lambda now=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        dossier.regenerate_if_due()
    assert cache.get(dossier.CHANGED_KEY) == since


@pytest.mark.django_db
def test_a_rebuild_of_unchanged_data_writes_nothing_and_old_bundles_go(settings):
    settings.DOSSIER_DUMP_KEEP = 2
    ceta_record()
    first = dossier.regenerate()
    assert first and dossier.regenerate() is None and dossier.names() == [first]
    moments = [datetime.datetime(2030, 1, d, tzinfo=datetime.UTC) for d in (1, 2, 3)]
    for n, moment in enumerate(moments):
        ActorFactory(name=f"Newcomer {n}")
        dossier.regenerate(now=moment)
    assert len(dossier.names()) == 2
    assert dossier.names()[-1].startswith("dossier-20300103T000000Z-")


@pytest.mark.django_db
def test_the_stable_address_serves_the_newest_with_last_modified(
    client, django_assert_max_num_queries
):
    ceta_record()
    DraftFactory(headline="DRAFT-CANARY")
    url = reverse("dossier_dump")
    assert url == "/data/dossier.zip"
    first = client.get(url)  # none yet: the first request builds it
    assert first.status_code == 200
    name, generated_at = dossier.latest()
    with django_assert_max_num_queries(0):
        response = client.get(url)
    body = b"".join(response.streaming_content)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Last-Modified"] == http_date(generated_at.timestamp())
    assert "DRAFT-CANARY" not in "".join(members(body).values())
    assert set(members(body)) >= {"README.txt", "dossier.json", "csv/party_actions.csv"}
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
    assert url in client.get(reverse("agreements:index")).content.decode()


@pytest.mark.django_db
def test_two_bundles_in_one_second_keep_their_order(settings):
    """Names sort by their second, then by hash: the later bundle must still sort last."""
    settings.DOSSIER_DUMP_KEEP = 10
    now = timezone.now()
    actor = ActorFactory(name="Latvia")
    for n in range(6):  # each hash sorts before or after the last: some would lose
        actor.name = f"Latvia {n}"
        actor.save()
        assert dossier.regenerate(now)
        assert f"Latvia {n}" in newest()["csv/actors.csv"]
