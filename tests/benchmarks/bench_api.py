"""The API's agreements endpoint under load, against the floor: uncached, cold and cached.

    python tests/benchmarks/bench_api.py [--size tiny|full] [--duration S] [--skip-build]

Builds 500 agreements with 15,000 party actions (full size: 15 parties each, a signature and
a ratification or provisional application apiece, every agreement with a relation) in a
database of its own (BENCH_DATABASE_URL, default briefings_bench_api or briefings_bench_api_tiny)
with COPY, serves it with gunicorn as in production (bench_site.py's server, rate limit off),
drives it with wrk and prints requests/s and p50/p99 per URL, beside the minimal Django view on
the same server (the floor), in three modes:

- `uncached`: every request a new query string, so the answer cache never answers; the
  agreements' fragments (kept under their record versions) are warm, as they are for any
  agreement asked for since it last changed: the answer-cache miss a client meets;
- `cold`: the cache emptied first, then every request a page no request asked for before
  (each a distinct `as_of` date and page of agreements, or agreement and date for parties), so
  every agreement is laid out afresh: the worst case, for reference;
- `cached`: the same URL again and again.

Ratios are to the floor, so they hold on any machine. Targets: uncached ≥ 0.2× the floor,
cached ≥ 0.7×, p99 ≤ 100 ms; cold has none (the issue's target is the answer-cache miss).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
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
TARGETS = {"uncached": 0.2, "cold": None, "cached": 0.7, "p99_ms": 100}
COLD_PATHS = 20_000  # more than any run asks for: no cold request meets a warm fragment
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


def cold_paths(name):
    """Pages of `name`'s kind no request asked for before, shuffled: each page of agreements
    (or, for parties, each agreement) as of distinct dates among the record's (2016–2025); the
    agreements and as_of runs take alternate days, so neither warms the other's fragments."""
    from briefings.agreements.models import Agreement
    from briefings.site.api.pagination import DEFAULT_LIMIT, _encode

    ids = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
    if name == "parties":
        pages = [(f"/api/v1/agreements/agreement-{pk}/parties", "") for pk in ids]
        days = range(0, 3650)
    else:
        lasts = ids[DEFAULT_LIMIT - 1 : -1 : DEFAULT_LIMIT]  # each page's last, but the last's
        pages = [
            ("/api/v1/agreements", c) for c in ["", *(f"&cursor={_encode([pk])}" for pk in lasts)]
        ]
        days = range(0 if name == "agreements" else 1, 3650, 2)
    dates = [(date(2016, 1, 1) + timedelta(days=d)).isoformat() for d in days]
    paths = [f"{path}?as_of={day}{rest}" for day in dates for path, rest in pages]
    random.Random(7).shuffle(paths)
    return paths[:COLD_PATHS]


def measure_cold(server, urls, duration):
    """wrk on each URL's cold pages, after emptying the cache (answers and fragments)."""
    bench_site.forget_cached_pages()
    rows = {"floor": bench_site.wrk(server.base, "/_bench/floor/", duration, vary=False)}
    for name in urls:
        paths = cold_paths(name)
        listing = Path(tempfile.mkstemp(prefix=f"bench-api-{name}-", suffix=".txt")[1])
        listing.write_text("\n".join(paths) + "\n")
        try:
            rows[name] = bench_site.wrk(
                server.base, paths[0], duration, vary=False, paths=str(listing)
            )
        finally:
            listing.unlink()
        if rows[name]["requests"] > len(paths) // 2:  # each thread walks its half
            raise SystemExit(f"{name}: more cold requests than cold pages; raise COLD_PATHS")
    return rows


def report(results):
    ok = True
    header = f"{'url':<11} {'mode':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× floor':>8}"
    lines = [header, "-" * len(header) + "  targets"]
    for mode, rows in results.items():
        floor = rows["floor"]["rps"]
        for name, r in rows.items():
            ratio = r["rps"] / floor
            verdicts = []
            target = TARGETS[mode]
            if name != "floor" and target is None:
                verdicts.append("reference: every agreement laid out afresh")
            elif name != "floor":
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
            results["cold"] = measure_cold(server, urls, duration)
            results["cached"] = bench_site.measure(server, urls, duration, "cached", {})
    finally:
        bench_site.forget_cached_pages()
    ok = report(results)
    print(f"total {time.monotonic() - started:.1f}s")
    if args.strict and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
