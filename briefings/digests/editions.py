"""Running editions and alerts exactly once: claim a delivery row, send, mark it.

Each chunk of subscriber ids is worked by one task holding a PostgreSQL advisory lock, so a
duplicate task (a second beat tick, a redelivered message) waits its turn and finds the work
done. A delivery claimed but never marked is resent with the same Message-ID on resume. A
chunk's (or alert batch's) lease, renewed as its worker commits marks, says when a dead
worker's work may be dispatched again; the lock, not the lease, keeps live workers apart.
"""

import contextlib
import datetime
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from briefings.digests import mime, rendering, selection, signals, transport
from briefings.digests.models import (
    Alert,
    AlertBatch,
    Delivery,
    Edition,
    EditionChunk,
    StatusAlert,
    StatusAlertBatch,
    Subscriber,
)
from briefings.newsroom.models import Briefing

logger = logging.getLogger(__name__)

LOCK_CLASS = 0x6467  # "dg": the advisory-lock namespace of digest chunks
ALERT_LOCK_CLASS = 0x6461  # "da": the namespace of alerts, keyed by briefing
STATUS_LOCK_CLASS = 0x6473  # "ds": the namespace of status alerts, keyed by batch
CLAIM_BATCH = 100
MARK_BATCH = 50  # messages per commit of marks: the most a crash can resend per connection
MARK_INTERVAL = 0.2  # seconds: marks of a slow run are committed at least this often


def start_edition(kind, now=None):
    """Create the edition of the current period with its chunks, once; return it."""
    now = now or timezone.now()
    period = Edition.period_for(kind, now)
    with transaction.atomic():
        length = datetime.timedelta(days=7 if kind == Edition.Kind.WEEKLY else 1)
        edition, created = Edition.objects.get_or_create(
            kind=kind,
            period=period,
            defaults={
                "starts_at": now - length,
                "ends_at": now,
                "last_subscriber_id": Subscriber.objects.aggregate(m=Max("pk"))["m"] or 0,
            },
        )
        if created:
            create_chunks(edition)
    return edition


def create_chunks(edition):
    """Split the edition's subscribers into id ranges of about DIGEST_CHUNK_SIZE each."""
    size = settings.DIGEST_CHUNK_SIZE
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS n
                FROM digests_subscriber
                WHERE state = 'confirmed' AND frequency = %s AND id <= %s
            ) numbered WHERE n %% %s = 1 ORDER BY id
            """,
            [edition.kind, edition.last_subscriber_id, size],
        )
        starts = [row[0] for row in cursor.fetchall()]
    ends = [start - 1 for start in starts[1:]] + [edition.last_subscriber_id] if starts else []
    EditionChunk.objects.bulk_create(
        EditionChunk(edition=edition, first_id=first, last_id=last)
        for first, last in zip(starts, ends, strict=True)
    )
    if not starts:
        Edition.objects.filter(pk=edition.pk).update(completed_at=timezone.now())


@contextlib.contextmanager
def advisory_lock(namespace, key):
    """A session advisory lock; PostgreSQL frees it if the worker dies while holding it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])


class Marks:
    """The outcomes of sent messages, committed together, with the holder's lease renewed.

    A commit per message waits for a disk flush each time; one commit every MARK_BATCH
    messages or MARK_INTERVAL seconds (whichever comes first), with synchronous_commit on,
    keeps throughput and durability both. Nothing more is sent until the marks are committed,
    so a dead worker or a crashed database resends at most the messages sent since the last
    commit on that connection (never more than MARK_BATCH), with the same Message-IDs.
    """

    def __init__(self, rows, lease):
        self.rows = rows  # the Delivery or Alert rows of this run, by subscriber_id
        self.lease = lease  # the chunk or alert batch being worked, as a one-row queryset
        self.sent, self.refused, self.deferred = [], {}, {}
        self.since = None
        self.totals = dict.fromkeys(Delivery.State, 0)  # outcomes of the whole run

    def __len__(self):
        return len(self.sent) + len(self.refused) + len(self.deferred)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        """Commit what was sent when the run ends, also when it fails: fewer resends after."""
        if exc_type is None:
            self.commit()
        else:
            with contextlib.suppress(DatabaseError):  # the database itself may be what failed
                self.commit()

    def add(self, subscriber_id, outcome, error=""):
        """Record one outcome; commit the batch when it is full or old enough."""
        if self.since is None:
            self.since = time.monotonic()
        self.totals[outcome] += 1
        if outcome == Delivery.State.SENT:
            self.sent.append(subscriber_id)
        elif outcome == Delivery.State.FAILED:
            self.refused[subscriber_id] = error[:1000]
        else:
            self.deferred[subscriber_id] = error[:1000]
        if len(self) >= MARK_BATCH or time.monotonic() - self.since >= MARK_INTERVAL:
            self.commit()

    def commit(self):
        now = timezone.now()
        with transaction.atomic():
            if self.sent:
                self.rows.filter(subscriber_id__in=self.sent).update(
                    state=Delivery.State.SENT, sent_at=now, error=""
                )
            for subscriber_id, error in self.deferred.items():
                self.rows.filter(subscriber_id=subscriber_id).update(error=error)
            for subscriber_id, error in self.refused.items():
                self.rows.filter(subscriber_id=subscriber_id).update(
                    state=Delivery.State.FAILED, error=error
                )
                Subscriber.objects.get(pk=subscriber_id).record_hard_bounce(error)
            self.lease.renew(now)
        self.sent, self.refused, self.deferred = [], {}, {}
        self.since = None


def matching(subscriber, follows, candidates, edition):
    """The candidates a subscriber gets in this edition: new since their last digest, matching
    their follows."""
    floor = edition.ends_at - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
    since = max(subscriber["last_digest_at"] or edition.starts_at, floor)
    language = subscriber.get("language", settings.LANGUAGE_CODE)
    return [
        c
        for c in candidates
        if c.published_at > since and follows.match(c) and c.version(language) is not None
    ]


def digest_for(subscriber, follows, candidates, edition):
    """What a subscriber gets in this edition, as briefings in their language where a
    translation is public, the original otherwise."""
    language = subscriber.get("language", settings.LANGUAGE_CODE)
    matched = matching(subscriber, follows, candidates, edition)
    return tuple(c.version(language) for c in matched)


def send_chunk(chunk_id):
    """Send a chunk's digests; return the number of temporary failures (0 means done)."""
    chunk = EditionChunk.objects.select_related("edition").get(pk=chunk_id)
    if chunk.done_at:
        return 0
    with advisory_lock(LOCK_CLASS, chunk.pk) as acquired:
        if not acquired:
            logger.info("Chunk %s is being sent by another worker", chunk.pk)
            return 0
        chunk.refresh_from_db(fields=["done_at"])
        if chunk.done_at:
            return 0
        EditionChunk.objects.filter(pk=chunk.pk).renew()
        started = time.monotonic()
        run = ChunkRun(chunk)
        temporary = run.run()
        if not temporary:
            finish_chunk(chunk)
        log_progress(chunk, run.marks.totals, time.monotonic() - started)
        return temporary


def log_progress(chunk, totals, seconds):
    """The edition's progress as numbers (JSON fields in production logs), after each chunk."""
    edition = Edition.objects.with_counts().get(pk=chunk.edition_id)
    chunks = edition.chunks.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False))
    )
    progress = {
        "edition": edition.pk,
        "chunk": chunk.pk,
        "chunk_sent": totals[Delivery.State.SENT],
        "chunk_failed": totals[Delivery.State.FAILED],
        "chunk_deferred": totals[Delivery.State.CLAIMED],
        "chunk_seconds": round(seconds, 3),
        "chunks_done": chunks["done"],
        "chunks_total": chunks["total"],
        "edition_sent": edition.sent_count,
        "edition_failed": edition.failed_count,
        "edition_pending": edition.pending_count,
    }
    logger.info(
        "Digest %(edition)s: chunk %(chunk)s sent %(chunk_sent)s, failed %(chunk_failed)s, "
        "deferred %(chunk_deferred)s in %(chunk_seconds)s s; %(chunks_done)s of "
        "%(chunks_total)s chunks done, %(edition_sent)s sent in all",
        progress,
        extra=progress,
    )


def finish_chunk(chunk):
    edition = chunk.edition
    sent = Delivery.objects.filter(
        edition=edition,
        state=Delivery.State.SENT,
        subscriber_id__gte=chunk.first_id,
        subscriber_id__lte=chunk.last_id,
    ).values("subscriber_id")
    Subscriber.objects.filter(pk__in=sent).exclude(last_digest_at__gte=edition.ends_at).update(
        last_digest_at=edition.ends_at
    )
    now = timezone.now()
    EditionChunk.objects.filter(pk=chunk.pk).update(done_at=now)
    if not edition.chunks.filter(done_at__isnull=True).exists():
        completed = Edition.objects.filter(pk=edition.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if completed:
            transaction.on_commit(lambda: signals.edition_sent.send(Edition, edition=edition))


class ChunkRun:
    """One pass over a chunk's subscribers, rendering each distinct digest once per language."""

    def __init__(self, chunk):
        self.chunk = chunk
        self.edition = chunk.edition
        self.rendered = {}
        self.renderers = {}
        self.temporary = 0
        self.marks = Marks(
            Delivery.objects.filter(edition=chunk.edition),
            EditionChunk.objects.filter(pk=chunk.pk),
        )

    def run(self):
        edition = self.edition
        floor = edition.ends_at - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
        candidates = selection.load_candidates(min(floor, edition.starts_at), edition.ends_at)
        if not candidates:
            return 0
        self.names = selection.load_names(candidates)
        subscribers = list(
            Subscriber.objects.receiving()
            .filter(
                frequency=edition.kind,
                pk__range=(self.chunk.first_id, self.chunk.last_id),
                pk__lte=edition.last_subscriber_id,
            )
            .order_by("pk")
            .values("id", "email", "follow_all", "last_digest_at", "language")
        )
        done = dict(
            Delivery.objects.filter(
                edition=edition,
                subscriber_id__gte=self.chunk.first_id,
                subscriber_id__lte=self.chunk.last_id,
            ).values_list("subscriber_id", "state")
        )
        self.date = mime.now_header()
        with transport.Postman() as postman, self.marks:
            for start in range(0, len(subscribers), CLAIM_BATCH):
                batch = [
                    s
                    for s in subscribers[start : start + CLAIM_BATCH]
                    if done.get(s["id"]) not in (Delivery.State.SENT, Delivery.State.FAILED)
                ]
                self.send_batch(postman, batch, candidates, done)
        return self.temporary

    def send_batch(self, postman, batch, candidates, done):
        follows = selection.load_follows(batch)
        work = []
        for subscriber in batch:
            matched = matching(subscriber, follows[subscriber["id"]], candidates, self.edition)
            if matched:
                with translation.override(subscriber["language"]):
                    why = selection.reason(follows[subscriber["id"]], matched, self.names)
                versions = tuple(c.version(subscriber["language"]) for c in matched)
                work.append(({**subscriber, "reason": why}, versions))
        claims = [
            Delivery(
                edition=self.edition,
                subscriber_id=s["id"],
                message_id=mime.message_id("digest", self.edition.pk, s["id"]),
                briefing_count=len(briefings),
            )
            for s, briefings in work
            if s["id"] not in done
        ]
        with transaction.atomic():
            Delivery.objects.bulk_create(claims, ignore_conflicts=True)
            EditionChunk.objects.filter(pk=self.chunk.pk).renew()
        for subscriber, briefings in work:
            self.send_one(postman, subscriber, briefings)

    def renderer(self, language):
        if language not in self.renderers:
            self.renderers[language] = rendering.DigestRenderer(
                self.edition.kind, self.edition, language
            )
        return self.renderers[language]

    def send_one(self, postman, subscriber, briefings):
        language = subscriber["language"]
        key = (language, *(b.pk for b in briefings))
        rendered = self.rendered.get(key)
        if rendered is None:
            rendered = self.rendered[key] = self.renderer(language).render(briefings)
        msgid = mime.message_id("digest", self.edition.pk, subscriber["id"])
        preferences, unsubscribe = rendering.personal_links(subscriber["id"], language)
        data = rendered.build(
            subscriber["email"], msgid, preferences, unsubscribe, self.date, subscriber["reason"]
        )
        self.temporary += deliver(postman, subscriber, data, self.marks)


def deliver(postman, subscriber, data, marks):
    """Send one message and record how it went in `marks`, for its claimed Delivery or Alert.

    Returns 1 for a temporary failure (the claim stays, to be retried), else 0; a permanent
    failure suppresses the address.
    """
    try:
        postman.send(subscriber["email"], data)
    except transport.TemporaryFailure as exc:
        marks.add(subscriber["id"], Delivery.State.CLAIMED, str(exc))
        return 1
    except transport.PermanentFailure as exc:
        marks.add(subscriber["id"], Delivery.State.FAILED, str(exc))
        return 0
    marks.add(subscriber["id"], Delivery.State.SENT)
    return 0


def alert_recipients(agreement_ids):
    """Confirmed subscribers with instant alerts who follow one of these agreements."""
    if not agreement_ids:
        return Subscriber.objects.none()
    followers = Subscriber.agreements.through.objects.filter(agreement_id__in=agreement_ids).values(
        "subscriber_id"
    )
    return (
        Subscriber.objects.receiving()
        .filter(instant_alerts=True)
        .filter(Q(follow_all=True) | Q(pk__in=followers))
        .order_by("pk")
    )


def send_alerts(briefing_id):
    """Alert every interested subscriber of one public briefing, once each; return temporaries.

    Works the briefing's AlertBatch (opened here for a public briefing that has none) and
    closes it once no recipient is left to retry, or if the briefing is no longer public.
    A briefing not public yet gets no batch, so a stray call cannot close its alerts early.
    """
    batches = AlertBatch.objects.filter(briefing_id=briefing_id)
    if not batches.exists():
        if not Briefing.objects.published().filter(pk=briefing_id).exists():
            return 0
        AlertBatch.objects.bulk_create([AlertBatch(briefing_id=briefing_id)], ignore_conflicts=True)
    with advisory_lock(ALERT_LOCK_CLASS, briefing_id) as acquired:
        if not acquired:
            logger.info("Alerts of briefing %s are being sent by another worker", briefing_id)
            return 0
        if batches.filter(done_at__isnull=False).exists():
            return 0
        batches.renew()
        briefing = Briefing.objects.published().filter(pk=briefing_id).first()
        group = briefing and selection.load_group(briefing)
        # Most publications interest no alert subscriber: then no SMTP connection is opened.
        if group is None or not alert_recipients(group.agreements).exists():
            temporary = 0
        else:
            temporary = alert_subscribers(briefing, group, batches)
        if not temporary:
            batches.update(done_at=timezone.now())
        return temporary


def alert_subscribers(briefing, group, batch):
    """Alert the followers of a briefing's translation group, each in their language.

    Every reader is alerted once per group: the claim of the original's alert stands for its
    translations too (alert_unique_group_subscriber), so a translation published later, or
    worked at the same time, alerts only readers the group has not reached yet.
    """
    group_id = briefing.translation_of_id or briefing.pk
    rendered = {}
    names = selection.load_names([group])
    date = mime.now_header()
    temporary = 0
    last_id = 0
    marks = Marks(Alert.objects.filter(briefing=briefing), batch)
    with transport.Postman() as postman, marks:
        while True:
            recipients = (
                alert_recipients(group.agreements)
                .filter(pk__gt=last_id)
                .exclude(alerts__briefing=briefing, alerts__state__in=["sent", "failed"])
            )
            chunk = list(recipients.values("id", "email", "follow_all", "language")[:CLAIM_BATCH])
            if not chunk:
                break
            last_id = chunk[-1]["id"]
            chunk = [s for s in chunk if group.version(s["language"]) is not None]
            follows = selection.load_follows(chunk)
            with transaction.atomic():
                Alert.objects.bulk_create(
                    [
                        Alert(
                            briefing=briefing,
                            group_id=group_id,
                            subscriber_id=s["id"],
                            message_id=mime.message_id("alert", briefing.pk, s["id"]),
                        )
                        for s in chunk
                    ],
                    ignore_conflicts=True,
                )
                batch.renew()
            claimed = set(
                Alert.objects.filter(
                    briefing=briefing,
                    subscriber_id__in=[s["id"] for s in chunk],
                    state=Delivery.State.CLAIMED,
                ).values_list("subscriber_id", flat=True)
            )
            for s in chunk:
                if s["id"] not in claimed:  # alerted to this group by another of its versions
                    continue
                language = s["language"]
                if language not in rendered:
                    rendered[language] = rendering.render_alert(group.version(language), language)
                preferences, unsubscribe = rendering.personal_links(s["id"], language)
                msgid = mime.message_id("alert", briefing.pk, s["id"])
                with translation.override(language):
                    why = selection.reason(follows[s["id"]], [group], names)
                data = rendered[language].build(
                    s["email"], msgid, preferences, unsubscribe, date, why
                )
                temporary += deliver(postman, s, data, marks)
    return temporary


def status_alert_recipients(agreement_id, actor_id):
    """Confirmed subscribers with instant alerts who follow the agreement or the party's actor
    (or everything), as for a briefing's alerts."""
    followers = Subscriber.agreements.through.objects.filter(agreement_id=agreement_id)
    actor_followers = Subscriber.actors.through.objects.filter(actor_id=actor_id)
    return (
        Subscriber.objects.receiving()
        .filter(instant_alerts=True)
        .filter(
            Q(follow_all=True)
            | Q(pk__in=followers.values("subscriber_id"))
            | Q(pk__in=actor_followers.values("subscriber_id"))
        )
        .order_by("pk")
    )


def send_status_alerts(batch_id):
    """Alert every follower of one recorded status change, once each; return temporaries.

    The same claim, send and mark as a briefing's alerts, under a lock of its own namespace;
    the batch closes once no recipient is left to retry.
    """
    batches = StatusAlertBatch.objects.filter(pk=batch_id)
    with advisory_lock(STATUS_LOCK_CLASS, batch_id) as acquired:
        if not acquired:
            logger.info("Status alerts %s are being sent by another worker", batch_id)
            return 0
        batch = batches.select_related("agreement", "actor").first()
        if batch is None or batch.done_at:
            return 0
        batches.renew()
        recipients = status_alert_recipients(batch.agreement_id, batch.actor_id)
        temporary = status_alert_subscribers(batch, recipients) if recipients.exists() else 0
        if not temporary:
            batches.update(done_at=timezone.now())
        return temporary


def status_alert_subscribers(batch, recipients):
    rendered = {}
    change = selection.Candidate(None, actors={batch.actor_id}, agreements={batch.agreement_id})
    names = {
        "tags": {},
        "actors": {batch.actor_id: batch.actor.short_name_i18n or batch.actor.name_i18n},
        "agreements": {batch.agreement_id: batch.agreement.display_name},
    }
    date = mime.now_header()
    temporary = 0
    last_id = 0
    lease = StatusAlertBatch.objects.filter(pk=batch.pk)
    marks = Marks(StatusAlert.objects.filter(batch=batch), lease)
    with transport.Postman() as postman, marks:
        while True:
            pending = recipients.filter(pk__gt=last_id).exclude(
                status_alerts__batch=batch, status_alerts__state__in=["sent", "failed"]
            )
            chunk = list(pending.values("id", "email", "follow_all", "language")[:CLAIM_BATCH])
            if not chunk:
                break
            last_id = chunk[-1]["id"]
            follows = selection.load_follows(chunk)
            with transaction.atomic():
                StatusAlert.objects.bulk_create(
                    [
                        StatusAlert(
                            batch=batch,
                            subscriber_id=s["id"],
                            message_id=mime.message_id("status", batch.pk, s["id"]),
                        )
                        for s in chunk
                    ],
                    ignore_conflicts=True,
                )
                lease.renew()
            for s in chunk:
                language = s["language"]
                if language not in rendered:
                    rendered[language] = rendering.render_status_alert(batch, language)
                preferences, unsubscribe = rendering.personal_links(s["id"], language)
                msgid = mime.message_id("status", batch.pk, s["id"])
                with translation.override(language):
                    why = selection.reason(follows[s["id"]], [change], names)
                data = rendered[language].build(
                    s["email"], msgid, preferences, unsubscribe, date, why
                )
                temporary += deliver(postman, s, data, marks)
    return temporary


def dispatch_stranded_status_alerts(now=None):
    """Ids of recent status-alert batches whose lease ran out, leased anew for dispatch."""
    now = now or timezone.now()
    batches = StatusAlertBatch.objects.filter(
        created_at__gte=now - datetime.timedelta(days=2)
    ).take_stranded(now)
    return [b.pk for b in batches]


def dispatch_stranded(now=None):
    """Chunks of recent unfinished editions and alert batches whose lease ran out, leased anew
    for dispatch: (chunk ids, briefing ids)."""
    now = now or timezone.now()
    chunks = EditionChunk.objects.filter(
        edition__completed_at__isnull=True,
        edition__created_at__gte=now - datetime.timedelta(days=2),
    ).take_stranded(now)
    batches = AlertBatch.objects.filter(
        created_at__gte=now - datetime.timedelta(days=2)
    ).take_stranded(now)
    return [c.pk for c in chunks], [b.briefing_id for b in batches]


def next_digest(subscriber, now=None):
    """The briefings a subscriber would get if their next edition ran now, for the admin preview."""
    return preview_digest(subscriber, now)[0]


def preview_digest(subscriber, now=None):
    """(briefings, why they would come) if the subscriber's next edition ran now, in their
    language."""
    now = now or timezone.now()
    length = datetime.timedelta(days=7 if subscriber.frequency == Edition.Kind.WEEKLY else 1)
    edition = Edition(kind=subscriber.frequency, starts_at=now - length, ends_at=now)
    floor = now - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
    candidates = selection.load_candidates(min(floor, edition.starts_at), now)
    row = {"id": subscriber.pk, "follow_all": subscriber.follow_all}
    follows = selection.load_follows([row])[subscriber.pk]
    row = {"last_digest_at": subscriber.last_digest_at, "language": subscriber.language}
    matched = matching(row, follows, candidates, edition)
    if not matched:
        return (), ""
    with subscriber.in_language():
        reason = selection.reason(follows, matched, selection.load_names(matched))
    return tuple(c.version(subscriber.language) for c in matched), reason
