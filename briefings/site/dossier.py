"""The full dossier as open data: a dated ZIP of JSON and CSV, with a README and licence note.

Actors, memberships, offices, agreements and their relations, parties (with the status their
actions give them), party actions, events and their participants: the reference records every
public page shows, and nothing else (no briefings, so no draft can slip in). Bundles are written
through Django's storage API (the `dossier` storage) under dated names carrying a hash of their
data, so a rebuild that finds nothing changed writes nothing; the last DOSSIER_DUMP_KEEP stay.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
import re
import zipfile

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import timezone

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation

logger = logging.getLogger(__name__)

NAME = re.compile(r"^dossier-(\d{8}T\d{6}Z)-([0-9a-f]{12})\.zip$")
CHANGED_KEY = "site:dossier-changed-since"
# record_version is the API's cache key, a counter with no meaning outside it.
SKIPPED_FIELDS = {"created_at", "record_version"}


def table(queryset, extra=None):
    """Rows of a model's concrete columns (foreign keys as ids), plus computed columns."""
    model = queryset.model
    columns = [f.attname for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]
    rows = []
    for obj in queryset.order_by("pk"):
        row = {column: plain(getattr(obj, column)) for column in columns}
        for name, compute in (extra or {}).items():
            row[name] = compute(obj)
        rows.append(row)
    return rows


def plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def page(obj):
    return f"{settings.SITE_URL}{obj.get_absolute_url()}"


def tables():
    """Every table of the bundle, in a stable order of rows and columns."""
    return {
        "actors": table(Actor.objects.all(), {"url": page}),
        "memberships": table(Membership.objects.all()),
        "offices": table(Office.objects.all()),
        "office_terms": table(OfficeTerm.objects.all()),
        "agreements": table(Agreement.objects.all(), {"url": page}),
        "agreement_relations": table(AgreementRelation.objects.all()),
        "parties": table(
            Party.objects.prefetch_related("actions"), {"derived_status": lambda p: p.status}
        ),
        "party_actions": table(PartyAction.objects.all()),
        "events": table(Event.objects.all(), {"url": page}),
        "event_agreements": table(Event.agreements.through.objects.all()),
        "participations": table(Participation.objects.all()),
    }


def to_csv(rows):
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def build(now=None):
    """(file name, ZIP bytes) of the dossier as it is now; the name carries the data's hash."""
    now = (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
    data = tables()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    name = f"dossier-{stamp}-{digest}.zip"
    bundle = {
        "name": "Briefing Desk dossier",
        "generated_at": now.isoformat(),
        "source": settings.SITE_URL,
        "licence": settings.DOSSIER_DUMP_LICENCE,
        "tables": data,
    }
    readme = render_to_string(
        "site/dossier/README.txt",
        {"generated_at": now, "data": data, "licence": settings.DOSSIER_DUMP_LICENCE},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        folder = name.removesuffix(".zip")

        def write(member, text):
            info = zipfile.ZipInfo(f"{folder}/{member}", date_time=now.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))

        write("README.txt", readme)
        write("dossier.json", json.dumps(bundle, ensure_ascii=False, indent=1))
        for key, rows in data.items():
            write(f"csv/{key}.csv", to_csv(rows))
    return name, buffer.getvalue()


def storage():
    return storages["dossier"]


def names():
    """The bundles in storage, oldest first (their names sort by time)."""
    _, files = storage().listdir("")
    return sorted(name for name in files if NAME.match(name))


def latest():
    """(name, generation time) of the newest bundle, or None before the first."""
    existing = names()
    if not existing:
        return None
    stamp = NAME.match(existing[-1]).group(1)
    when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    return existing[-1], when


def regenerate(now=None):
    """Write a new bundle if the data changed since the newest one; return its name or None.

    Idempotent: run twice, or by two workers at once, over the same data, it writes once
    (a bundle whose hash equals the newest's is not written); older bundles beyond
    DOSSIER_DUMP_KEEP are removed.
    """
    now = (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
    newest = latest()
    if newest and newest[1] >= now:
        # Names sort by their second: a second bundle within it must not sort before the
        # first (by its hash), so it takes the next second.
        now = newest[1] + datetime.timedelta(seconds=1)
    name, content = build(now)
    existing = names()
    if existing and existing[-1].endswith(name[-17:]):
        return None
    target = storage()
    target.save(name, ContentFile(content))
    for old in names()[: -settings.DOSSIER_DUMP_KEEP]:
        target.delete(old)
    logger.info("Dossier dump written: %s (%d bytes)", name, len(content))
    return name


def mark_changed():
    """Note that the records changed; the first change since the last rebuild sets the time."""
    cache.add(CHANGED_KEY, timezone.now().timestamp(), timeout=None)


def regenerate_if_due(now=None):
    """Rebuild once the first unbuilt change is DOSSIER_DUMP_DEBOUNCE seconds old.

    Many edits in a minute give one rebuild, a minute after the first. Deleting the mark is
    the claim: of two sweeps at once only the one whose delete removed it builds. It goes
    before the build, so an edit committed while it runs marks again and gets a rebuild of
    its own; a build that fails puts the mark back for the next sweep.
    """
    since = cache.get(CHANGED_KEY)
    now = now or timezone.now()
    if since is None or now.timestamp() - since < settings.DOSSIER_DUMP_DEBOUNCE:
        return None
    if not cache.delete(CHANGED_KEY):
        return None
    try:
        return regenerate(now)
    except Exception:
        cache.add(CHANGED_KEY, since, timeout=None)
        raise
