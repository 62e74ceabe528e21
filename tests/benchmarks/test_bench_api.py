"""The API benchmark runs end to end at a tiny size: dataset, gunicorn, wrk, figures."""

import re

from tests.benchmarks.support import run_at_tiny_size

URLS = ["floor", "agreements", "as_of", "parties"]


def test_the_api_benchmark_runs_at_tiny_size():
    out = run_at_tiny_size("bench_api.py", timeout=120)
    assert re.search(r"^built tiny dataset in [\d.]+s: 30 actors, 12 agreements", out, re.M), out
    for mode in ("uncached", "cold", "cached"):
        for name in URLS:
            row = re.search(
                rf"^{name}\s+{mode}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M
            )
            assert row, f"no figures for {name} ({mode}):\n{out}"
            rps, p50, p99, ratio = map(float, row.groups())
            assert rps > 0 and 0 < p50 <= p99 and ratio > 0
