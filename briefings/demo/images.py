"""The demo's lead image, drawn here with Pillow rather than shipped as a binary: an abstract
North Atlantic, Canada to the west and Europe to the east, a dashed arc between them. The desk's
own work, offered under CC BY 4.0."""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 2400, 1350
SEA_TOP, SEA_BOTTOM = (16, 36, 58), (34, 66, 92)
LAND = (222, 214, 196)
ACCENT = (178, 48, 48)


def blob(draw, centre, radius, seed, points=48, roughness=0.28):
    """A coast-like closed shape: a circle whose radius wanders, reproducibly."""
    rng = random.Random(seed)
    wobble = [rng.uniform(-roughness, roughness) for _ in range(6)]
    shape = []
    for i in range(points):
        angle = 2 * math.pi * i / points
        r = radius * (1 + sum(w * math.sin((k + 2) * angle + k) for k, w in enumerate(wobble)) / 3)
        r *= 1 + rng.uniform(-0.05, 0.05)
        shape.append((centre[0] + r * math.cos(angle) * 1.35, centre[1] + r * math.sin(angle)))
    draw.polygon(shape, fill=LAND)


def pact_image():
    """JPEG bytes of the illustration."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(SEA_TOP, SEA_BOTTOM, strict=True)),
        )
    for x in range(0, WIDTH, 150):  # a graticule
        draw.line([(x, 0), (x + 120, HEIGHT)], fill=(52, 82, 108), width=2)
    for y in range(0, HEIGHT, 150):
        draw.line([(0, y), (WIDTH, y - 60)], fill=(52, 82, 108), width=2)
    land = Image.new("RGB", (WIDTH, HEIGHT))
    land_draw = ImageDraw.Draw(land)
    blob(land_draw, (520, 520), 330, seed=1)  # Canada
    blob(land_draw, (380, 980), 140, seed=2)
    blob(land_draw, (1880, 700), 300, seed=3)  # Europe
    blob(land_draw, (1620, 460), 110, seed=4)
    blob(land_draw, (2150, 380), 150, seed=5)
    mask = land.convert("L").point(lambda v: 255 if v else 0).filter(ImageFilter.GaussianBlur(2))
    image.paste(Image.new("RGB", image.size, LAND), mask=mask)
    # The partnership: a dashed great-circle-like arc from Ottawa to Brussels.
    start, end, lift = (700, 640), (1760, 660), 360
    previous = None
    for i in range(61):
        t = i / 60
        point = (
            start[0] + (end[0] - start[0]) * t,
            start[1] + (end[1] - start[1]) * t - lift * 4 * t * (1 - t),
        )
        if previous and i % 2:
            draw.line([previous, point], fill=ACCENT, width=12)
        previous = point
    for x, y in (start, end):
        draw.ellipse(
            [x - 26, y - 26, x + 26, y + 26], fill=ACCENT, outline=(255, 255, 255), width=6
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()
