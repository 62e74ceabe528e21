"""The digest benchmark runs end to end at a tiny size: dataset, sink, worker, figures."""

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("bench_digest.py")


def test_the_digest_benchmark_runs_at_tiny_size():
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--size", "tiny"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    sent = int(re.search(r"^messages sent (\d+) .*deliveries sent (\d+), unsent 0$", out, re.M)[1])
    assert sent > 200  # most of the 300 subscribers follow something the 50 briefings cover
    assert re.search(r"^messages/s \d+", out, re.M), out
    assert re.search(r"^peak worker memory \d+ MB", out, re.M), out
    assert re.search(r"^duplicates 0$", out, re.M), out
    assert re.search(r"^total time [\d.]+s", out, re.M), out
