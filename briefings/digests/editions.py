"""Running editions and alerts exactly once: claim a delivery row, send, mark it.

Each chunk of subscriber ids is worked by one task holding a PostgreSQL advisory lock, so a
duplicate task (a second beat tick, a redelivered message) waits its turn and finds the work
done. A delivery claimed but never marked is resent with the same Message-ID on resume.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from briefings.digests import mime, rendering, selection, transport
from briefings.digests.models import Alert, Delivery, Edition, EditionChunk, Subscriber
from briefings.newsroom.models import Briefing

logger = logging.getLogger(__name__)

LOCK_CLASS = 0x6467  # "dg": the advisory-lock namespace of digest chunks
ALERT_LOCK_CLASS = 0x6461  # "da": the namespace of alerts, keyed by briefing
CLAIM_BATCH = 100
REDISPATCH_AFTER = datetime.timedelta(minutes=10)


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
    ends = [start - 1 for start in starts[1:]] + [edition.last_subscriber_id]
    EditionChunk.objects.bulk_create(
        EditionChunk(edition=edition, first_id=first, last_id=last)
        for first, last in zip(starts, ends, strict=True)
    )
    if not starts:
        Edition.objects.filter(pk=edition.pk).update(completed_at=timezone.now())


def chunks_to_dispatch(edition, now=None):
    """Unfinished chunks never dispatched, or dispatched long enough ago to have been lost."""
    now = now or timezone.now()
    chunks = list(
        edition.chunks.filter(done_at__isnull=True).exclude(
            dispatched_at__gt=now - REDISPATCH_AFTER
        )
    )
    EditionChunk.objects.filter(pk__in=[c.pk for c in chunks]).update(dispatched_at=now)
    return chunks


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


@contextlib.contextmanager
def asynchronous_commit():
    """Delivery marks commit without waiting for the disk: a flush per message halves throughput.

    A worker killed mid-chunk loses nothing (PostgreSQL has the commit); only a crash of the
    database server itself may forget the last fraction of a second of marks, and those
    messages are then resent with the same Message-ID, which receiving servers fold.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def digest_for(subscriber, follows, candidates, edition):
    """What a subscriber gets in this edition: new since their last digest, matching follows."""
    floor = edition.ends_at - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
    since = max(subscriber["last_digest_at"] or edition.starts_at, floor)
    return tuple(
        c.briefing for c in candidates if c.briefing.publish_at > since and follows.match(c)
    )


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
        with asynchronous_commit():
            temporary = ChunkRun(chunk).run()
        if not temporary:
            finish_chunk(chunk)
        return temporary


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
        Edition.objects.filter(pk=edition.pk, completed_at__isnull=True).update(completed_at=now)


class ChunkRun:
    """One pass over a chunk's subscribers, rendering each distinct digest once."""

    def __init__(self, chunk):
        self.chunk = chunk
        self.edition = chunk.edition
        self.rendered = {}
        self.renderer = rendering.DigestRenderer(chunk.edition.kind)
        self.temporary = 0

    def run(self):
        edition = self.edition
        floor = edition.ends_at - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
        candidates = selection.load_candidates(min(floor, edition.starts_at), edition.ends_at)
        if not candidates:
            return 0
        subscribers = list(
            Subscriber.objects.receiving()
            .filter(
                frequency=edition.kind,
                pk__range=(self.chunk.first_id, self.chunk.last_id),
                pk__lte=edition.last_subscriber_id,
            )
            .order_by("pk")
            .values("id", "email", "follow_all", "last_digest_at")
        )
        done = dict(
            Delivery.objects.filter(
                edition=edition,
                subscriber_id__gte=self.chunk.first_id,
                subscriber_id__lte=self.chunk.last_id,
            ).values_list("subscriber_id", "state")
        )
        self.date = mime.now_header()
        with transport.Postman() as postman:
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
            briefings = digest_for(subscriber, follows[subscriber["id"]], candidates, self.edition)
            if briefings:
                work.append((subscriber, briefings))
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
        Delivery.objects.bulk_create(claims, ignore_conflicts=True)
        for subscriber, briefings in work:
            self.send_one(postman, subscriber, briefings)

    def send_one(self, postman, subscriber, briefings):
        key = tuple(b.pk for b in briefings)
        rendered = self.rendered.get(key)
        if rendered is None:
            rendered = self.rendered[key] = self.renderer.render(briefings)
        msgid = mime.message_id("digest", self.edition.pk, subscriber["id"])
        preferences, unsubscribe = rendering.personal_links(subscriber["id"])
        data = rendered.build(subscriber["email"], msgid, preferences, unsubscribe, self.date)
        deliveries = Delivery.objects.filter(edition=self.edition, subscriber_id=subscriber["id"])
        self.temporary += deliver(postman, subscriber, data, deliveries)


def deliver(postman, subscriber, data, claims):
    """Send one message and record how it went on its claimed Delivery or Alert rows.

    Returns 1 for a temporary failure (the claim stays, to be retried), else 0; a permanent
    failure suppresses the address.
    """
    try:
        postman.send(subscriber["email"], data)
    except transport.TemporaryFailure as exc:
        claims.update(error=str(exc)[:1000])
        return 1
    except transport.PermanentFailure as exc:
        claims.update(state=Delivery.State.FAILED, error=str(exc)[:1000])
        Subscriber.objects.get(pk=subscriber["id"]).record_hard_bounce(str(exc))
        return 0
    claims.update(state=Delivery.State.SENT, sent_at=timezone.now(), error="")
    return 0


def alert_recipients(briefing):
    """Confirmed subscribers with instant alerts who follow one of the briefing's agreements."""
    agreement_ids = [a.pk for a in briefing.agreements.all()]
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
    """Alert every interested subscriber of one public briefing, once each; return temporaries."""
    briefing = Briefing.objects.published().filter(pk=briefing_id).first()
    # Most publications interest no alert subscriber: then no SMTP connection is opened.
    if briefing is None or not alert_recipients(briefing).exists():
        return 0
    with advisory_lock(ALERT_LOCK_CLASS, briefing.pk) as acquired:
        return alert_subscribers(briefing) if acquired else 0


def alert_subscribers(briefing):
    rendered = rendering.render_alert(briefing)
    date = mime.now_header()
    temporary = 0
    last_id = 0
    with transport.Postman() as postman:
        while True:
            batch = list(
                alert_recipients(briefing)
                .filter(pk__gt=last_id)
                .exclude(alerts__briefing=briefing, alerts__state__in=["sent", "failed"])
                .values("id", "email")[:CLAIM_BATCH]
            )
            if not batch:
                break
            last_id = batch[-1]["id"]
            Alert.objects.bulk_create(
                [
                    Alert(
                        briefing=briefing,
                        subscriber_id=s["id"],
                        message_id=mime.message_id("alert", briefing.pk, s["id"]),
                    )
                    for s in batch
                ],
                ignore_conflicts=True,
            )
            for s in batch:
                alerts = Alert.objects.filter(briefing=briefing, subscriber_id=s["id"])
                preferences, unsubscribe = rendering.personal_links(s["id"])
                msgid = mime.message_id("alert", briefing.pk, s["id"])
                data = rendered.build(s["email"], msgid, preferences, unsubscribe, date)
                temporary += deliver(postman, s, data, alerts)
    return temporary


def next_digest(subscriber, now=None):
    """The briefings a subscriber would get if their next edition ran now, for the admin preview."""
    now = now or timezone.now()
    length = datetime.timedelta(days=7 if subscriber.frequency == Edition.Kind.WEEKLY else 1)
    edition = Edition(kind=subscriber.frequency, starts_at=now - length, ends_at=now)
    floor = now - datetime.timedelta(days=settings.DIGEST_MAX_LOOKBACK_DAYS)
    candidates = selection.load_candidates(min(floor, edition.starts_at), now)
    row = {"id": subscriber.pk, "follow_all": subscriber.follow_all}
    follows = selection.load_follows([row])[subscriber.pk]
    return digest_for({"last_digest_at": subscriber.last_digest_at}, follows, candidates, edition)
