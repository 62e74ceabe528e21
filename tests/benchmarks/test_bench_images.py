"""The image benchmark at tiny size, as part of the suite."""

import re

from tests.benchmarks.support import run_at_tiny_size


def test_bench_images_tiny_makes_six_renditions():
    out = run_at_tiny_size("bench_images.py", timeout=120)
    six = re.search(r"six renditions \(([^)]*)\): median ([\d.]+) s, worst ([\d.]+) s", out)
    assert six, out
    assert len(six[1].split(", ")) == 6
    assert float(six[3]) < 2.0, out
    assert re.search(r"every rendition the library makes \(\d+\): [\d.]+ s", out), out
