"""The API's agreements endpoint under load, against the floor, uncached and cached.

    python tests/benchmarks/bench_api.py [--size tiny|full] [--duration S] [--skip-build]

Builds 500 agreements with 15,000 party actions (full size: 15 parties each, a signature and
a ratification or provisional application apiece, every agreement with a relation) in a
database of its own (BENCH_DATABASE_URL, default briefings_bench_api or briefings_bench_api_tiny)
with COPY, serves it with gunicorn as in production (bench_site.py's server, rate limit off),
drives it with wrk and prints requests/s and p50/p99 per URL, uncached (every request a new
query string, so the answer cache never answers) and cached, beside the minimal Django view on
the same server (the floor). Ratios are to the floor, so they hold on any machine.
Targets: uncached ≥ 0.2× the floor, p99 ≤ 100 ms.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks import bench_site  # noqa: E402

SIZES = {
    "full": {"agreements": 500, "parties": 15, "actors": 1_000, "duration": 10},
    "tiny": {"agreements": 12, "parties": 3, "actors": 30, "duration": 1},
}
TARGETS = {"uncached": 0.2, "cached": 0.7, "p99_ms": 100}
URLS = {
    "agreements": "/api/v1/agreements",
    "as_of": "/api/v1/agreements?as_of=2019-01-01",
    "parties": None,  # one agreement's parties, filled in once the data exists
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--duration", type=float, help="seconds of load per URL and mode")
    parser.add_argument("--skip-build", action="store_true", help="reuse the built database")
    parser.add_argument("--strict", action="store_true", help="fail when a target is missed")
    return parser.parse_args()


def configure(size):
    name = "briefings_bench_api" if size == "full" else "briefings_bench_api_tiny"
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "BENCH_API_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}"
    )
    bench_site.configure(size)


def build(size):
    """Actors, agreements, parties and their actions, written with COPY."""
    from django.db import connection, transaction

    from briefings.actors.models import Actor
    from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction

    spec = SIZES[size]
    rng = random.Random(20190101)
    now = datetime.now(UTC)
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        copy = bench_site.Copier(cursor.connection.cursor(), now)
        counts["actors"] = copy(
            Actor,
            (
                {
                    "id": i,
                    "name": f"State {i}",
                    "slug": f"state-{i}",
                    "kind": "state",
                    "wikidata_qid": f"Q{900000 + i}",
                }
                for i in range(1, spec["actors"] + 1)
            ),
        )
        counts["agreements"] = copy(
            Agreement,
            (
                {
                    "id": i,
                    "title": f"Agreement {i}",
                    "short_name": f"A{i}",
                    "slug": f"agreement-{i}",
                    "kind": "treaty",
                    "status": "signed",
                    "summary": "A treaty the desk follows, with its parties' record.",
                    "signed_on": date(2016, 1, 1) + timedelta(days=i),
                    "signed_precision": "day",
                    "concluded_precision": "day",
                    "adopted_precision": "day",
                }
                for i in range(1, spec["agreements"] + 1)
            ),
        )
        counts["relations"] = copy(
            AgreementRelation,
            (
                {
                    "id": i,
                    "source_id": i,
                    "target_id": i % spec["agreements"] + 1,
                    "kind": "related",
                }
                for i in range(1, spec["agreements"] + 1)
            ),
        )
        parties, actions = [], []
        for agreement in range(1, spec["agreements"] + 1):
            signed = date(2016, 1, 1) + timedelta(days=agreement)
            for actor in rng.sample(range(1, spec["actors"] + 1), spec["parties"]):
                party = len(parties) + 1
                parties.append({"id": party, "agreement_id": agreement, "actor_id": actor})
                actions.append((party, "signature", signed))
                later = signed + timedelta(days=rng.randrange(30, 2500))
                kind = "ratification" if rng.random() < 0.7 else "provisional_application"
                actions.append((party, kind, later))
        counts["parties"] = copy(Party, iter(parties))
        counts["actions"] = copy(
            PartyAction,
            (
                {"id": i, "party_id": p, "kind": k, "date": d, "date_precision": "day"}
                for i, (p, k, d) in enumerate(actions, 1)
            ),
        )
        for model in (Actor, Agreement, AgreementRelation, Party, PartyAction):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return counts


def report(results):
    ok = True
    header = f"{'url':<11} {'mode':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× floor':>8}"
    lines = [header, "-" * len(header) + "  targets"]
    for mode, rows in results.items():
        floor = rows["floor"]["rps"]
        for name, r in rows.items():
            ratio = r["rps"] / floor
            verdicts = []
            if name != "floor":
                target = TARGETS[mode]
                p99_ok = r["p99"] / 1000 <= TARGETS["p99_ms"]
                verdicts += [
                    f"{'PASS' if ratio >= target else 'MISS'} ≥{target}×",
                    f"{'PASS' if p99_ok else 'MISS'} p99≤{TARGETS['p99_ms']}ms",
                ]
                ok = ok and ratio >= target and p99_ok
            lines.append(
                f"{name:<11} {mode:<9} {r['rps']:>8.1f} {r['p50'] / 1000:>8.1f} "
                f"{r['p99'] / 1000:>8.1f} {ratio:>8.3f}  {' '.join(verdicts)}"
            )
    print("\n".join(lines))
    return ok


def main():
    args = parse_args()
    configure(args.size)
    import django

    django.setup()
    started = time.monotonic()
    if not args.skip_build:
        bench_site.prepare_database(fresh=False)
        counts = build(args.size)
        print(
            f"built {args.size} dataset in {time.monotonic() - started:.1f}s: "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
    duration = args.duration or SIZES[args.size]["duration"]
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env=bench_site.server_env(0), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    urls = dict(URLS, parties="/api/v1/agreements/agreement-1/parties?as_of=2019-01-01")
    results = {}
    server = bench_site.Server()
    server.env["API_RATE_LIMIT"] = "0"  # wrk is one client: the limit would answer 429
    try:
        with server:
            status, body = bench_site.fetch(server.base, urls["agreements"])
            if status != 200 or '"items"' not in body:
                raise SystemExit(f"the agreements endpoint answered {status}")
            print("urls: " + ", ".join(f"{k} {v}" for k, v in urls.items()))
            print(
                f"gunicorn: {bench_site.WORKERS} sync workers; wrk: {bench_site.CONNECTIONS} "
                f"connections, {duration}s; a page is 20 agreements with their parties and actions"
            )
            results["uncached"] = bench_site.measure(server, urls, duration, "uncached", {})
            results["cached"] = bench_site.measure(server, urls, duration, "cached", {})
    finally:
        bench_site.forget_cached_pages()
    ok = report(results)
    print(f"total {time.monotonic() - started:.1f}s")
    if args.strict and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
