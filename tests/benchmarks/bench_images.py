"""Renditions for one upload: the six the library makes for a lead image, timed.

    python tests/benchmarks/bench_images.py [--size tiny|full] [--runs N] [--strict]

Full size: a 24-megapixel photograph-like JPEG (6000 x 4000, gradient plus noise, which
encoders find as hard as a photo). Each run does what an upload costs: the upload check and
clean (header, pixel limit, verify, EXIF orientation, re-encode without metadata), then the
worker's job for the six renditions of BENCH_KEYS (wide 16:9 at 480, 960 and 1440 px, WebP
and JPEG) from one decode of the stored original, grouped by ratio as
Image.make_renditions does, written through the storage API to a temporary MEDIA_ROOT.
Database rows are left out (six small INSERTs). Prints the median and worst run against the
target (six renditions under 2 s on this machine) and, for reference, every rendition the
library makes (AVIF too where Pillow has it). Tiny size: a small image, one run.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = {"full": (6000, 4000), "tiny": (800, 533)}
TARGET_SECONDS = 2.0


def photo(size):
    from PIL import Image

    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40).convert("RGB")
    picture = Image.blend(gradient, noise, 0.35)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def run_once(data, keys):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from briefings.images import processing
    from briefings.images.models import parse_key

    started = time.perf_counter()
    cleaned = processing.clean_upload(SimpleUploadedFile("photo.jpg", data))
    default_storage.save(
        f"images/originals/bench.{cleaned.extension}", ContentFile(cleaned.content)
    )
    checked = time.perf_counter()
    original = processing.load(io.BytesIO(cleaned.content))
    by_ratio = {}
    for key in keys:
        ratio, width, fmt = parse_key(key)
        by_ratio.setdefault(ratio, []).append((key, width, fmt))
    for ratio, wanted in by_ratio.items():
        sizes = [(width, fmt) for _, width, fmt in wanted]
        encoded = processing.render_set(original, ratio=ratio.value, sizes=sizes)
        for key, width, fmt in wanted:
            content = encoded[(width, fmt)][0]
            default_storage.save(f"images/renditions/bench-{key}", ContentFile(content))
    done = time.perf_counter()
    return checked - started, done - checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--strict", action="store_true", help="fail when the target is missed")
    args = parser.parse_args()
    runs = args.runs or (5 if args.size == "full" else 1)
    with tempfile.TemporaryDirectory() as media:
        os.environ["MEDIA_ROOT"] = media
        import django

        django.setup()
        from briefings.images.models import BENCH_KEYS, rendition_keys

        size = SIZES[args.size]
        data = photo(size)
        print(f"upload: {size[0]} x {size[1]} JPEG, {len(data) / 1e6:.1f} MB; {runs} runs")
        checks, sixes = [], []
        for _ in range(runs):
            check, six = run_once(data, BENCH_KEYS)
            checks.append(check)
            sixes.append(six)
        _, every = run_once(data, rendition_keys())
    median, worst = statistics.median(sixes), max(sixes)
    verdict = "OK" if worst < TARGET_SECONDS else "MISS"
    print(f"upload check and clean: median {statistics.median(checks):.2f} s")
    print(
        f"six renditions ({', '.join(BENCH_KEYS)}): median {median:.2f} s, worst {worst:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s): {verdict}"
    )
    print(f"every rendition the library makes ({len(rendition_keys())}): {every:.2f} s")
    if args.strict and verdict == "MISS":
        sys.exit(1)


if __name__ == "__main__":
    main()
