"""The digest benchmark runs end to end at a tiny size: dataset, sink, worker, figures."""

import re

import pytest

from tests.benchmarks.support import run_at_tiny_size

# `bench` comes from the path (tests/conftest.py); the script also runs a Celery worker.
pytestmark = pytest.mark.worker


def test_the_digest_benchmark_runs_at_tiny_size():
    out = run_at_tiny_size("bench_digest.py", timeout=240)
    sent = int(re.search(r"^messages sent (\d+) .*deliveries sent (\d+), unsent 0$", out, re.M)[1])
    assert sent > 200  # most of the 300 subscribers follow something the 50 briefings cover
    assert re.search(r"^messages/s \d+", out, re.M), out
    assert re.search(r"^peak worker memory \d+ MB", out, re.M), out
    assert re.search(r"^duplicates 0$", out, re.M), out
    assert re.search(r"^total time [\d.]+s", out, re.M), out
