"""One daily digest edition to every subscriber, as in production, against targets.

    python tests/benchmarks/bench_digest.py [--size tiny|full] [--strict]

Builds a database of its own (briefings_bench_digest or briefings_bench_digest_tiny, dropped
and rebuilt on every run): confirmed subscribers with varied follows, written with COPY, and 50
briefings published in the last day. A minimal SMTP sink runs in a separate process and counts
what it receives; a Celery worker subprocess (prefork, 2 processes, DEBUG off) sends the edition
from the real Redis broker on a queue of its own. Prints messages/s, total time, peak worker
memory (RSS of the worker processes, sampled, with samples along the run to show it stays flat)
and the duplicate count, plus where the time goes per message. Exits non-zero on any duplicate
or lost message; a missed target is printed as MISS (with --strict, it fails the run too).
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.support import ensure_database, free_port  # noqa: E402

SIZES = {"full": 100_000, "tiny": 300}
BRIEFINGS = 50
TAGS, ACTORS, AGREEMENTS = 15, 20, 10
# Issues 12 and 19 hold the digest to 500 messages/s at full size (it was 609 before them).
TARGETS = {"messages_per_s": 500, "peak_rss_mb": 150}
CONCURRENCY = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--strict", action="store_true", help="fail when a target is missed")
    parser.add_argument("--subscribers", type=int, help="override the size's subscriber count")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads"])
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "SUMMARY"), help=argparse.SUPPRESS)
    return parser.parse_args()


# The sink: just enough SMTP to accept mail fast, counting recipients and Message-IDs.


def run_sink(port, summary_path):
    recipients = Counter()
    message_ids = Counter()
    stats = {"messages": 0, "bytes": 0}

    async def session(reader, writer):
        writer.write(b"220 bench-sink ESMTP\r\n")
        rcpts = []
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(
                    b"250-bench-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 33554432\r\n"
                )
            elif verb == b"MAIL" or verb == b"RSET":
                rcpts = []
                writer.write(b"250 OK\r\n")
            elif verb == b"RCPT":
                rcpts.append(line.split(b"<", 1)[1].split(b">", 1)[0].decode())
                writer.write(b"250 OK\r\n")
            elif verb == b"DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                data = await reader.readuntil(b"\r\n.\r\n")
                start = data.find(b"\r\nMessage-ID: ")
                message_ids[data[start + 14 : data.find(b"\r\n", start + 2)]] += 1
                recipients.update(rcpts)
                stats["messages"] += 1
                stats["bytes"] += len(data)
                writer.write(b"250 Queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(session, "127.0.0.1", int(port), limit=1 << 24)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        async with server:
            await stop.wait()
        summary = {
            **stats,
            "recipients": len(recipients),
            "duplicate_recipients": sum(n - 1 for n in recipients.values()),
            "duplicate_message_ids": sum(n - 1 for n in message_ids.values()),
        }
        Path(summary_path).write_text(json.dumps(summary))

    asyncio.run(main())


# The dataset.


def configure(size):
    name = "briefings_bench_digest" if size == "full" else "briefings_bench_digest_tiny"
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}"
    )
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"bench-digest-{secrets.token_hex(4)}"
    os.environ["CACHE_KEY_PREFIX"] = f"bench-digest-{os.getpid()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_hex(24))
    os.environ["SITE_URL"] = "https://desk.example"
    os.environ["DIGEST_CHUNK_SIZE"] = "1000"


def recreate_database():
    ensure_database(os.environ["DATABASE_URL"], fresh=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True
    )


def build(subscribers):
    """50 fresh briefings on varied follows, and subscribers with varied tastes, by COPY."""
    import django

    django.setup()
    from django.db import connection
    from taggit.models import Tag

    from briefings.actors.models import Actor
    from briefings.agreements.models import Agreement
    from briefings.newsroom.models import Briefing, TaggedBriefing

    rng = random.Random(20250623)
    now = datetime.now(UTC)
    tags = Tag.objects.bulk_create(Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(TAGS))
    actors = Actor.objects.bulk_create(
        Actor(name=f"Actor {n}", slug=f"actor-{n}", kind="state") for n in range(ACTORS)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(title=f"Agreement {n}", slug=f"agreement-{n}", kind="treaty", status="signed")
        for n in range(AGREEMENTS)
    )
    briefings = Briefing.objects.bulk_create(
        Briefing(
            headline=f"Briefing {n}: ministers weigh the next step on procurement",
            slug=f"briefing-{n}",
            dek="What changed, who decided and what happens next, in a paragraph.",
            status="published",
            publish_at=now - timedelta(minutes=rng.randint(5, 23 * 60)),
            first_published_at=now - timedelta(hours=1),
        )
        for n in range(BRIEFINGS)
    )
    TaggedBriefing.objects.bulk_create(
        TaggedBriefing(content_object=b, tag=t) for b in briefings for t in rng.sample(tags, 2)
    )
    Briefing.actors.through.objects.bulk_create(
        Briefing.actors.through(briefing=b, actor=a)
        for b in briefings
        for a in rng.sample(actors, 2)
    )
    Briefing.agreements.through.objects.bulk_create(
        Briefing.agreements.through(briefing=b, agreement=rng.choice(agreements))
        for b in briefings
        if rng.random() < 0.7
    )

    follows = {"tags": [], "actors": [], "agreements": []}
    with connection.cursor() as cursor:
        columns = (
            "email, state, follow_all, frequency, instant_alerts, paused, created_at, "
            "confirmed_at, hard_bounces, last_bounce, link_generation, soft_bounces, language"
        )
        with cursor.cursor.copy(f"COPY digests_subscriber ({columns}) FROM STDIN") as copy:
            for n in range(subscribers):
                follow_all = rng.random() < 0.25
                row = [f"reader{n}@bench.example", "confirmed", follow_all, "daily", False]
                language = "fr" if n % 3 == 0 else "en"  # a third read the desk in French
                copy.write_row([*row, False, now, now, 0, "", 1, 0, language])
        cursor.execute("SELECT id FROM digests_subscriber WHERE NOT follow_all ORDER BY id")
        for (subscriber_id,) in cursor.fetchall():
            chosen_tags = rng.sample(tags, rng.randint(0, 2))
            chosen_actors = rng.sample(actors, rng.randint(0, 2))
            follows["tags"] += [(subscriber_id, tag.pk) for tag in chosen_tags]
            follows["actors"] += [(subscriber_id, actor.pk) for actor in chosen_actors]
            if rng.random() < 0.5 or not (chosen_tags or chosen_actors):
                follows["agreements"].append((subscriber_id, rng.choice(agreements).pk))
        for name, column in (
            ("tags", "tag_id"),
            ("actors", "actor_id"),
            ("agreements", "agreement_id"),
        ):
            statement = f"COPY digests_subscriber_{name} (subscriber_id, {column}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in follows[name]:
                    copy.write_row(row)
        cursor.execute("ANALYZE")


# Measuring.


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def worker_tree(pid):
    pids = [pid]
    for tid in Path(f"/proc/{pid}/task").iterdir():
        children = (tid / "children").read_text().split()
        pids += [int(child) for child in children]
    return pids


def where_the_time_goes():
    """Per-message cost of each way to make a digest, in this process: the optimisation's case."""
    from django.core.mail import EmailMultiAlternatives

    from briefings.digests import mime, rendering
    from briefings.newsroom.models import Briefing

    briefings = list(Briefing.objects.prefetch_related("agreements")[:8])
    n = 200

    def per_message(step):
        started = time.perf_counter()
        for i in range(n):
            step(i)
        return (time.perf_counter() - started) / n

    costs = {
        "template render per digest": per_message(
            lambda i: rendering.render_digest("daily", briefings)
        )
    }
    renderer = rendering.DigestRenderer("daily")
    rendered = renderer.render(briefings)
    costs["joined from fragments"] = per_message(lambda i: renderer.render(briefings))
    subject = f"{briefings[0].headline} — and {len(briefings) - 1} more briefings"

    def naive(i):
        message = EmailMultiAlternatives(
            subject, rendered.text, "desk@briefings.example", [f"r{i}@bench.example"]
        )
        message.attach_alternative(rendered.html, "text/html")
        message.extra_headers = {"List-Unsubscribe": "<https://desk.example/u>"}
        message.message().as_bytes()

    costs["EmailMultiAlternatives"] = per_message(naive)
    date = mime.now_header()
    costs["personalised build"] = per_message(
        lambda i: rendered.build(
            f"r{i}@bench.example", f"<d.1.{i}@x>", *rendering.personal_links(i + 1), date
        )
    )
    return costs


def main():
    args = parse_args()
    if args.sink:
        run_sink(*args.sink)
        return 0
    configure(args.size)
    started = time.monotonic()
    recreate_database()
    build(args.subscribers or SIZES[args.size])
    print(f"built {args.size} dataset in {time.monotonic() - started:.1f}s")

    from briefings.digests import tasks
    from briefings.digests.models import Delivery, Edition, Subscriber
    from config.celery import app

    port = free_port()
    summary_path = Path(f"/tmp/bench-digest-sink-{os.getpid()}.json")
    summary_path.unlink(missing_ok=True)
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port), str(summary_path)], cwd=ROOT
    )
    worker_env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    queue = os.environ["CELERY_TASK_DEFAULT_QUEUE"]
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--pool",
            args.pool,
            "--concurrency",
            str(args.concurrency),
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=worker_env,
    )
    failures = []
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5, destination=None):
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start")
        subscribers = Subscriber.objects.count()
        peak, peak_total, samples, polls = 0, 0, [], 0
        started = time.monotonic()
        tasks.start_edition.apply_async(args=["daily"], queue=queue)
        timeout = 60 + subscribers / 50
        while True:
            tree = worker_tree(worker.pid)
            sizes = [rss_kb(pid) for pid in tree]
            per_process = max(sizes)
            peak, peak_total = max(peak, per_process), max(peak_total, sum(sizes))
            edition = Edition.objects.filter(completed_at__isnull=False).first()
            if edition:
                break
            if time.monotonic() - started > timeout:
                raise SystemExit("the edition did not complete in time")
            polls += 1
            if polls % 10 == 0:
                done = Delivery.objects.filter(state="sent").count()
                samples.append((round(time.monotonic() - started, 1), done, per_process // 1024))
            time.sleep(0.2)  # the sampling period of the memory probe
        elapsed = (edition.completed_at - edition.created_at).total_seconds()
        wall = time.monotonic() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
    summary = json.loads(summary_path.read_text())
    summary_path.unlink()
    sent = Delivery.objects.filter(state="sent").count()
    unsent = Delivery.objects.exclude(state="sent").count()
    rate = summary["messages"] / elapsed if elapsed else 0
    size_kib = summary["bytes"] / max(1, summary["messages"]) / 1024
    peak_mb, total_mb = peak / 1024, peak_total / 1024
    rate_mark = "OK" if rate >= TARGETS["messages_per_s"] else "MISS"
    memory_mark = "OK" if peak_mb <= TARGETS["peak_rss_mb"] else "MISS"
    along = samples[:: max(1, len(samples) // 8)]
    print(
        f"subscribers {subscribers}, briefings {BRIEFINGS}, worker {args.pool} × {args.concurrency}"
    )
    print(
        f"messages sent {summary['messages']} ({size_kib:.1f} KiB avg), "
        f"deliveries sent {sent}, unsent {unsent}"
    )
    print(f"total time {elapsed:.1f}s (edition created → completed; {wall:.1f}s wall)")
    print(f"messages/s {rate:.0f}  [{rate_mark} ≥ {TARGETS['messages_per_s']}]")
    print(
        f"peak worker memory {peak_mb:.0f} MB RSS per process, {total_mb:.0f} MB all worker "
        f"processes  [{memory_mark} ≤ {TARGETS['peak_rss_mb']} per process]"
    )
    print(
        "memory along the run (s, delivered, MB per process): "
        + ", ".join(f"{t}/{d}/{m}" for t, d, m in along)
    )
    duplicates = summary["duplicate_recipients"] + summary["duplicate_message_ids"]
    print(f"duplicates {duplicates}")
    costs = where_the_time_goes()
    print(
        "per message: "
        + ", ".join(f"{name} {seconds * 1e6:.0f} µs" for name, seconds in costs.items())
    )
    if duplicates:
        failures.append("duplicates")
    if summary["messages"] != sent or summary["recipients"] != sent or unsent:
        failures.append("lost or unconfirmed messages")
    if args.strict and (rate < TARGETS["messages_per_s"] or peak_mb > TARGETS["peak_rss_mb"]):
        failures.append("targets missed")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
