"""The site benchmark runs end to end at a tiny size: dataset, gunicorn, wrk, figures."""

import re

from tests.benchmarks.support import run_at_tiny_size

PAGES = ["floor", "home", "briefing", "agreement", "actor", "search", "search_fr", "feed"]


def test_the_site_benchmark_runs_at_tiny_size():
    out = run_at_tiny_size("bench_site.py", timeout=180)
    for mode in ("uncached", "cold", "cached"):
        for page in PAGES:
            row = re.search(
                rf"^{page}\s+{mode}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M
            )
            assert row, f"no figures for {page} ({mode}):\n{out}"
            rps, p50, p99, ratio = map(float, row.groups())
            assert rps > 0 and 0 < p50 <= p99 and ratio >= 0
    assert re.search(r"^article\s+uncached\s+[\d.]+ .*reference", out, re.M), out
    assert re.search(r"^search p95 .*: [\d.]+ ms", out, re.M), out
    hits = re.search(
        r"^after one correction: (\d+) of (\d+) warm pages .* fresh at once", out, re.M
    )
    assert hits and 0 < int(hits[1]) <= int(hits[2]), out
    assert re.search(r"^built tiny dataset in [\d.]+s", out, re.M), out
    for page in ["article", *PAGES]:
        row = re.search(rf"^{page}\s+" + r"\s+".join([r"([\d.]+)"] * 6) + "$", out, re.M)
        assert row, f"no breakdown for {page}:\n{out}"
        total, sql, queries, orm, templates, other = map(float, row.groups())
        assert total > 0 and (queries > 0) == (page != "floor")
        assert abs(sql + orm + templates + other - total) <= 0.25  # the parts, each rounded
