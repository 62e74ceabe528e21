"""The scheduling benchmark at tiny size, as part of the suite: real workers, beat, Redis."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_schedule_tiny_publishes_each_once_within_a_second():
    run = subprocess.run(
        [sys.executable, "tests/benchmarks/bench_schedule.py", "--size", "tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "published 20/20" in run.stdout
    assert "duplicates: 0" in run.stdout
    p99 = re.search(r"signal \(side effects done\): p50 \d+ ms, p99 (\d+) ms", run.stdout)
    assert p99 and int(p99.group(1)) <= 1000, run.stdout
