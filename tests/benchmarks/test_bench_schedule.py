"""The scheduling benchmark at tiny size, as part of the suite: real workers, beat, Redis."""

import re

import pytest

from tests.benchmarks.support import run_at_tiny_size

# `bench` comes from the path (tests/conftest.py); the script also runs workers and beat.
pytestmark = pytest.mark.worker


def test_bench_schedule_tiny_publishes_each_once_within_a_second():
    out = run_at_tiny_size("bench_schedule.py", timeout=240)
    assert "published 20/20" in out
    assert "duplicates: 0" in out
    p99 = re.search(r"signal \(side effects done\): p50 \d+ ms, p99 (\d+) ms", out)
    assert p99 and int(p99.group(1)) <= 1000, out
