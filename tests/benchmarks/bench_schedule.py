"""Many briefings scheduled for the same minute, published by real workers and beat.

    python tests/benchmarks/bench_schedule.py [--size tiny|full] [--strict]

Builds a database of its own (BENCH_DATABASE_URL, else briefings_bench_schedule or
briefings_bench_schedule_tiny on DATABASE_URL's server; dropped and rebuilt on every run) and
uses a Redis database of its own (BENCH_SCHEDULE_REDIS, default redis://127.0.0.1:6379/13)
with a fresh queue. An editor schedules every briefing
through `Briefing.transition()`, spread across one minute (full: 1,000; tiny: 20 across a few
seconds), while worker subprocesses (`celery worker`, prefork, DEBUG off) and `celery beat`
run as in production. The publication side effects are timed where they happen: the
`briefing_published` signal, recorded by the workers in Redis with its wall-clock time, and
the Transition row. Prints the lag after each scheduled time (p50, p99, max; target p99 <= 1 s)
and the duplicate count. Exits non-zero on any duplicate or lost publication; a missed lag
target is printed as MISS (with --strict, it fails the run too).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.support import ensure_database  # noqa: E402

SIZES = {"full": (1000, 60.0), "tiny": (20, 4.0)}  # briefings, spread in seconds
TARGET_P99 = 1.0
REDIS = os.environ.get("BENCH_SCHEDULE_REDIS", "redis://127.0.0.1:6379/13")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--strict", action="store_true", help="fail when the target is missed")
    parser.add_argument("--workers", type=int, default=2, help="worker processes to start")
    parser.add_argument("--concurrency", type=int, default=2, help="pool size per worker")
    return parser.parse_args()


def database_url(name):
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/briefings")
    return base.rsplit("/", 1)[0] + "/" + name


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def main():
    args = parse_args()
    count, spread = SIZES[args.size]
    db_name = "briefings_bench_schedule" + ("_tiny" if args.size == "tiny" else "")
    url = os.environ.get("BENCH_DATABASE_URL") or database_url(db_name)
    db_name = url.rsplit("/", 1)[1]
    queue = f"bench-schedule-{uuid.uuid4().hex[:8]}"
    signal_key = f"{queue}:published"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": REDIS,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + uuid.uuid4().hex,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_LOG_LEVEL": "INFO",  # beat's "Starting..." tells the script it is up
        # No subscribers here; a mailer that accepts everything keeps alert tasks from
        # retrying against an absent SMTP server and crowding the workers.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "TEST_QUEUE": queue,
        "TEST_SIGNAL_KEY": signal_key,
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "TEST_QUEUE")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    print(f"Rebuilding {db_name} ...", flush=True)
    ensure_database(url, fresh=True)
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from briefings.newsroom.models import Briefing, Transition
    from tests.newsroom import worker_app  # noqa: F401  (routes this process's tasks to `queue`)

    call_command("migrate", verbosity=0)
    client = redis.Redis.from_url(REDIS)
    boss = get_user_model().objects.create_user("bench-editor", is_staff=True)
    boss.groups.add(Group.objects.get(name="editor"))
    Briefing.objects.bulk_create(
        Briefing(
            headline=f"Bench briefing {i}",
            slug=f"bench-{i}",
            dek="A line for the bench.",
            body="One paragraph.\n\nAnother.",
            status=Briefing.Status.REVIEW,
        )
        for i in range(count)
    )

    tmp = Path(tempfile.mkdtemp(prefix="bench-schedule-"))
    processes = []

    def start(name, *celery_args):
        log = tmp / f"{name}.log"
        processes.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "tests.newsroom.worker_app"),
                    *celery_args,
                    *("--loglevel", "INFO", "--logfile", str(log)),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        return log

    try:
        logs = [
            start(
                f"worker{n}",
                "worker",
                "--queues",
                queue,
                "--hostname",
                f"w{n}@{queue}",
                "--concurrency",
                str(args.concurrency),
                "--without-gossip",
                "--without-mingle",
            )
            for n in range(args.workers)
        ]
        beat_log = start("beat", "beat", "--schedule", str(tmp / "beat-schedule"))
        for log in logs:
            wait_for(lambda log=log: log.exists() and "ready." in log.read_text(), 60, log.name)
        wait_for(lambda: beat_log.exists() and "Starting" in beat_log.read_text(), 60, "beat")

        # Leave time to schedule everything before the first publication time.
        briefings = list(Briefing.objects.order_by("pk"))
        first = timezone.now() + timedelta(seconds=max(3.0, count * 0.15))
        step = spread / count
        began = time.monotonic()
        for i, briefing in enumerate(briefings):
            when = first + timedelta(seconds=i * step)
            briefing.transition(Briefing.Status.SCHEDULED, by=boss, publish_at=when)
        scheduling = time.monotonic() - began
        if timezone.now() > first:
            print("warning: scheduling overran the first publication time", flush=True)

        last = first + timedelta(seconds=spread)
        deadline = (last - timezone.now()).total_seconds() + 60
        try:
            wait_for(lambda: client.llen(signal_key) >= count, deadline, "every publication")
        except SystemExit:
            published = Briefing.objects.filter(status=Briefing.Status.PUBLISHED).count()
            print(f"signals {client.llen(signal_key)}, published {published}, logs in {tmp}")
            raise
        time.sleep(3)  # let any duplicate that would follow show up; the sweep runs every 2 s

        publish_at = dict(Briefing.objects.values_list("pk", "publish_at"))
        signals = [item.decode().split() for item in client.lrange(signal_key, 0, -1)]
        signal_lags = [float(t) - publish_at[int(pk)].timestamp() for pk, t in signals]
        records = Transition.objects.filter(to_status=Briefing.Status.PUBLISHED)
        record_lags = [(r.at - publish_at[r.briefing_id]).total_seconds() for r in records]
        published = Briefing.objects.filter(status=Briefing.Status.PUBLISHED).count()
        duplicates = (len(signals) - len({pk for pk, _ in signals})) + (
            len(record_lags) - len({r.briefing_id for r in records})
        )
        by_sweep = records.filter(note__startswith="Published by sweep").count()
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        client.delete(queue, signal_key)

    p99 = percentile(signal_lags, 0.99)
    verdict = "OK" if p99 <= TARGET_P99 else "MISS"
    print(
        f"briefings: {count} scheduled across {spread:.0f} s (scheduling took {scheduling:.1f} s)"
    )
    print(
        f"workers: {args.workers} x prefork {args.concurrency}, beat sweep every 2 s; "
        f"published {published}/{count}, {by_sweep} of them by the sweep"
    )
    for label, lags in (
        ("signal (side effects done)", signal_lags),
        ("transition row", record_lags),
    ):
        print(
            f"lag after scheduled time, {label}: p50 {percentile(lags, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(lags, 0.99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms"
        )
    print(f"target p99 <= {TARGET_P99:.1f} s: {verdict}")
    print(f"duplicates: {duplicates}")
    if duplicates or published != count or len(signals) < count:
        raise SystemExit("FAIL: duplicate or lost publications")
    if args.strict and verdict == "MISS":
        raise SystemExit("FAIL: lag target missed")


if __name__ == "__main__":
    main()
