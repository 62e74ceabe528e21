"""Build the ratification map's shapes, once, offline: `make map`.

Reads Natural Earth 1:50m country boundaries (public domain) as TopoJSON from the npm package
`world-atlas` 2.0.2 (`countries-50m.json`), projects two panels (Canada and Europe, each a
Lambert azimuthal equal-area projection centred on it), clips them to their frames, simplifies
to what a 1,000-px map shows, and writes `shapes.json` beside this file: SVG path data keyed by
ISO 3166-1 alpha-3 code. Pages only read that file; nothing is projected per request.

    python -m briefings.site.maps.build path/to/countries-50m.json
"""

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).with_name("shapes.json")
WIDTH = 1000
GAP = 16
TOLERANCE = 0.45  # px: Douglas–Peucker
MIN_RING_AREA = 1.5  # px²: smaller islands are dropped, a country keeps its largest ring
MARKER_AREA = 40  # px²: countries smaller than this also get a dot, to be seen and hovered

# ISO 3166-1 numeric → alpha-3, for the countries the panels show (Kosovo has no numeric code).
ALPHA3 = {
    "008": "ALB", "020": "AND", "040": "AUT", "056": "BEL", "100": "BGR", "070": "BIH",
    "112": "BLR", "756": "CHE", "196": "CYP", "203": "CZE", "276": "DEU", "208": "DNK",
    "724": "ESP", "233": "EST", "246": "FIN", "250": "FRA", "826": "GBR", "300": "GRC",
    "191": "HRV", "348": "HUN", "372": "IRL", "352": "ISL", "380": "ITA", "438": "LIE",
    "440": "LTU", "442": "LUX", "428": "LVA", "492": "MCO", "498": "MDA", "807": "MKD",
    "470": "MLT", "499": "MNE", "528": "NLD", "578": "NOR", "616": "POL", "620": "PRT",
    "642": "ROU", "643": "RUS", "674": "SMR", "688": "SRB", "703": "SVK", "705": "SVN",
    "752": "SWE", "792": "TUR", "804": "UKR", "336": "VAT", "268": "GEO", "051": "ARM",
    "031": "AZE", "398": "KAZ", "504": "MAR", "012": "DZA", "788": "TUN", "434": "LBY",
    "818": "EGY", "376": "ISR", "422": "LBN", "760": "SYR", "400": "JOR", "368": "IRQ",
    "364": "IRN", "682": "SAU", "275": "PSE", "304": "GRL", "234": "FRO", "124": "CAN",
    "840": "USA", "484": "MEX", "666": "SPM", "744": "SJM",
}  # fmt: skip
BY_NAME = {"Kosovo": "XKX"}

# name, centre (lon, lat), the lon/lat points the frame must hold, frame width in px.
PANELS = [
    ("Canada", (-96.0, 62.0), [(-141, 60), (-125, 48), (-52.6, 47), (-64, 43), (-95, 83)], 330),
    (
        "Europe",
        (13.0, 52.0),
        [(-10.5, 36), (-10.5, 60), (14.5, 35.2), (24, 34.6), (34.8, 34.4), (31.5, 71.3), (-24, 66)],
        0,
    ),
]


def decode_arcs(topology):
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry, arcs):
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def laea(centre):
    lon0, lat0 = map(math.radians, centre)

    def project(lon, lat):
        lon, lat = math.radians(lon), math.radians(lat)
        cos_c = math.sin(lat0) * math.sin(lat) + math.cos(lat0) * math.cos(lat) * math.cos(
            lon - lon0
        )
        k = math.sqrt(2 / max(1 + cos_c, 1e-9))
        x = k * math.cos(lat) * math.sin(lon - lon0)
        y = k * (
            math.cos(lat0) * math.sin(lat) - math.sin(lat0) * math.cos(lat) * math.cos(lon - lon0)
        )
        return x, -y, cos_c

    return project


def clip(points, x0, y0, x1, y1):
    """Sutherland–Hodgman against the frame: a ring cut to what the panel shows."""

    def at_x(edge):
        return lambda a, b: (edge, a[1] + (b[1] - a[1]) * (edge - a[0]) / (b[0] - a[0]))

    def at_y(edge):
        return lambda a, b: (a[0] + (b[0] - a[0]) * (edge - a[1]) / (b[1] - a[1]), edge)

    edges = [
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ]
    for inside, cross in edges:
        if not points:
            break
        out, previous = [], points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
        points = out
    return points


def simplify(points, tolerance):
    """Douglas–Peucker; a closed ring is cut in two at its farthest point from the start."""
    if len(points) < 4:
        return points
    if points[0] == points[-1]:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        if 0 < far < len(points) - 1:
            head = simplify(points[: far + 1], tolerance)
            return head + simplify(points[far:], tolerance)[1:]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1e-12
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(points):
    return (
        abs(
            sum(
                a[0] * b[1] - b[0] * a[1]
                for a, b in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def number(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def path(points):
    """Relative SVG path data, to a tenth of a pixel."""
    head, *rest = [(round(x, 1), round(y, 1)) for x, y in points]
    d = [f"M{number(head[0])} {number(head[1])}"]
    last = head
    for x, y in rest:
        if (x, y) != last:
            d.append(f"l{number(x - last[0])} {number(y - last[1])}")
            last = (x, y)
    return "".join(d) + "z"


def build(source):
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    countries = topology["objects"]["countries"]["geometries"]
    shapes, frames, left = [], [], 0.0
    # Europe takes what Canada leaves of the width.
    for name, centre, anchors, width in PANELS:
        project = laea(centre)
        xs, ys, _ = zip(*(project(*a) for a in anchors), strict=True)
        pad = 0.02 * (max(xs) - min(xs))
        bx0, bx1, by0, by1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
        width = width or WIDTH - left
        k = width / (bx1 - bx0)
        height = (by1 - by0) * k
        frames.append(
            {"name": name, "x": round(left, 1), "y": 0, "w": round(width, 1), "h": round(height, 1)}
        )
        for country in countries:
            code = ALPHA3.get(country.get("id", ""), BY_NAME.get(country["properties"]["name"], ""))
            rings = []
            for polygon in polygons(country, arcs):
                for r in polygon:
                    projected = []
                    for lon, lat in r:
                        x, y, cos_c = project(lon, lat)
                        if cos_c < 0:  # the far side of the globe: not in this panel
                            projected = []
                            break
                        projected.append((left + (x - bx0) * k, (y - by0) * k))
                    cut = clip(projected, left, 0, left + width, height)
                    simple = simplify(cut, TOLERANCE)
                    cut = simple if len(simple) >= 4 else cut  # a tiny island keeps its shape
                    if len(cut) >= 3:
                        rings.append(cut)
            if not rings:
                continue
            total = sum(area(r) for r in rings)
            biggest = max(rings, key=area)
            rings = [r for r in rings if area(r) >= MIN_RING_AREA or r is biggest]
            cx = sum(x for x, _ in biggest) / len(biggest)
            cy = sum(y for _, y in biggest) / len(biggest)
            shapes.append(
                {
                    "id": code,
                    "name": country["properties"]["name"],
                    "panel": name,
                    "d": "".join(path(r) for r in rings),
                    "marker": [round(cx, 1), round(cy, 1)] if total < MARKER_AREA else None,
                }
            )
        left += width + GAP
    height = max(f["h"] for f in frames)
    OUT.write_text(
        json.dumps(
            {
                "source": "Natural Earth 1:50m admin 0 countries (public domain), via the npm "
                "package world-atlas 2.0.2 (countries-50m.json); projected and simplified by "
                "briefings/site/maps/build.py",
                "width": WIDTH,
                "height": round(height, 1),
                "frames": frames,
                "shapes": shapes,
            },
            separators=(",", ":"),
        )
    )
    return OUT


if __name__ == "__main__":
    out = build(sys.argv[1])
    print(f"{out}: {out.stat().st_size / 1024:.0f} KB")
