"""Draw unknot's line-art pictures (SVG) into ``src/unknot/web/static/svg/``.

    uv run python scripts/draw_pictures.py          # write the files
    uv run python scripts/draw_pictures.py --check  # exit 1 when a committed file differs from what this draws

The pictures: the body map (``back.svg``, one closed ``<polygon>`` per region of ``content/regions.yaml``), and one
picture per technique, position and tool. Titles come from the content (``load_catalog()``), so a renamed region or
technique needs only a re-run; an id with no drawing here is an error. ``tests/web/test_pictures.py`` checks that
the committed files are this script's output.

Browsers read the files under a strict Content-Security-Policy and fpdf2 reads them for the PDF exports, so they
use presentation attributes only (no CSS), no external references, and no markers, gradients, filters, masks or
clip paths. Arrow heads are small filled polygons rather than ``<marker>``s because fpdf2 skips ``<marker>`` (a PDF
would show arrows without heads). The only text is "L", "R" and "30 s"; the "≤" before "30 s" is drawn as two
strokes because fpdf2's built-in sans-serif font has no "≤".

Left and right are the person's, seen from behind: their left is on the left of the picture. Side views face right.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from unknot import load_catalog

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "unknot" / "web" / "static" / "svg"

INK = "#1f2933"  # outlines
ACCENT = "#1b6fb5"  # hands, tools, arrows
PAPER = "#ffffff"  # the fill of whatever is drawn over something else
TINT = "#eef2f6"  # regions, furniture, the mat, the shoulder blades and spine behind a technique
SHADE = "#d9e2ec"  # a little darker: the balls and the roller

Point = tuple[float, float]
Transform = Callable[[Point], Point]
Capsule = tuple[Point, float, Point, float]  # centre and radius at each end


class MissingPicture(Exception):
    """The content names something that has no drawing here, or the other way round."""


# --- numbers, elements, documents -----------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def pts(points: Iterable[Point]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def el(tag: str, body: str | None = None, /, **attrs: object) -> str:
    """One element. In attribute names ``_`` is ``-`` and a trailing ``_`` is dropped (``class_``)."""
    parts = [tag]
    for key, value in attrs.items():
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f"{key.rstrip('_').replace('_', '-')}={quoteattr(text)}")
    return f"<{' '.join(parts)}/>" if body is None else f"<{' '.join(parts)}>{body}</{tag}>"


def ink(width: float = 2.5, fill: str = "none") -> dict[str, object]:
    return {"fill": fill, "stroke": INK, "stroke_width": width, "stroke_linejoin": "round", "stroke_linecap": "round"}


def accent(width: float = 2.5, fill: str = PAPER) -> dict[str, object]:
    return {
        "fill": fill,
        "stroke": ACCENT,
        "stroke_width": width,
        "stroke_linejoin": "round",
        "stroke_linecap": "round",
    }


TINTED: dict[str, object] = {"fill": TINT, "stroke": "none"}


class Picture:
    """An SVG document: the root with ``role="img"``, its title and description, then the drawing."""

    def __init__(self, slug: str, width: int, height: int, title: str, desc: str) -> None:
        self.slug, self.width, self.height, self.title, self.desc = slug, width, height, title, desc
        self.parts: list[str] = []

    def add(self, *elements: str) -> None:
        self.parts.extend(elements)

    def group(self, cls: str, elements: Sequence[str]) -> None:
        inner = "".join(f"\n    {e}" for e in elements)
        self.parts.append(f'<g class="{cls}">{inner}\n  </g>')

    def render(self) -> str:
        root = el(
            "svg",
            "",
            xmlns="http://www.w3.org/2000/svg",
            viewBox=f"0 0 {self.width} {self.height}",
            width=self.width,
            height=self.height,
            role="img",
            aria_labelledby=f"{self.slug}-title",
            aria_describedby=f"{self.slug}-desc",
        ).removesuffix("></svg>")
        lines = [
            f"{root}>",
            f"  {el('title', escape(self.title), id=f'{self.slug}-title')}",
            f"  {el('desc', escape(self.desc), id=f'{self.slug}-desc')}",
            *(f"  {part}" for part in self.parts),
            "</svg>",
            "",
        ]
        return "\n".join(lines)


# --- geometry -------------------------------------------------------------------------------------------------


class Pen:
    """A path of absolute M, L, C and Z commands, so that any point transform applies to it exactly."""

    def __init__(self) -> None:
        self.cmds: list[tuple[str, tuple[Point, ...]]] = []

    def M(self, p: Point) -> Pen:  # SVG's command letters
        self.cmds.append(("M", (p,)))
        return self

    def L(self, *ps: Point) -> Pen:
        self.cmds.extend(("L", (p,)) for p in ps)
        return self

    def C(self, c1: Point, c2: Point, p: Point) -> Pen:
        self.cmds.append(("C", (c1, c2, p)))
        return self

    def Z(self) -> Pen:
        self.cmds.append(("Z", ()))
        return self

    def extend(self, other: Pen) -> Pen:
        self.cmds.extend(other.cmds)
        return self

    def map(self, f: Transform) -> Pen:
        out = Pen()
        out.cmds = [(c, tuple(f(p) for p in ps)) for c, ps in self.cmds]
        return out

    def backwards(self) -> Pen:
        """This open path (an M, then L and C) walked from its end to its start, as a continuation (no M)."""
        points: list[Point] = []
        segments: list[tuple[str, tuple[Point, ...]]] = []
        for cmd, ps in self.cmds:
            if cmd != "M":
                segments.append((cmd, (points[-1], *ps)))
            points.append(ps[-1])
        out = Pen().L(points[-1])
        for cmd, ps in reversed(segments):
            out.cmds.append(("L", (ps[0],)) if cmd == "L" else ("C", (ps[2], ps[1], ps[0])))
        return out

    def d(self) -> str:
        return " ".join(cmd + " ".join(f"{num(x)} {num(y)}" for x, y in ps) for cmd, ps in self.cmds)


def mirror(p: Point) -> Point:
    """Across the picture's midline (x = 200): the person's left side to their right."""
    return (400 - p[0], p[1])


def same(p: Point) -> Point:
    return p


def scaled(s: float, dx: float, dy: float) -> Transform:
    return lambda p: (dx + s * p[0], dy + s * p[1])


def placed(at: Point, angle: float = 0, scale: float = 1, flip: bool = False) -> Transform:
    """A template's coordinates into the picture: flip x, scale, turn ``angle`` degrees clockwise, move to ``at``."""
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def f(p: Point) -> Point:
        x, y = (-p[0] if flip else p[0]) * scale, p[1] * scale
        return (at[0] + x * ca - y * sa, at[1] + x * sa + y * ca)

    return f


def bezier(p0: Point, c1: Point, c2: Point, p3: Point, n: int) -> list[Point]:
    """``n`` points along a cubic curve, after its start."""
    out = []
    for i in range(1, n + 1):
        t = i / n
        u = 1 - t
        w = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
        out.append(tuple(sum(k * q[axis] for k, q in zip(w, (p0, c1, c2, p3), strict=True)) for axis in (0, 1)))
    return out  # type: ignore[return-value]


def flatten(pen: Pen, n: int = 8) -> list[Point]:
    """The points along a path of M, L and C commands, each curve as ``n`` points."""
    points: list[Point] = []
    for cmd, ps in pen.cmds:
        if cmd == "C":
            points.extend(bezier(points[-1], ps[0], ps[1], ps[2], n))
        elif cmd != "Z":
            points.append(ps[0])
    return points


def arc_points(c: Point, r: float, start: float, end: float, n: int) -> list[Point]:
    """``n + 1`` points on a circle from angle ``start`` to ``end`` (degrees clockwise on screen, 0 = right)."""
    angles = (math.radians(start + (end - start) * i / n) for i in range(n + 1))
    return [(c[0] + r * math.cos(a), c[1] + r * math.sin(a)) for a in angles]


def polyline_d(points: Sequence[Point], closed: bool = False) -> str:
    d = f"M{num(points[0][0])} {num(points[0][1])} " + " ".join(f"L{num(x)} {num(y)}" for x, y in points[1:])
    return d + (" Z" if closed else "")


def unit(a: Point, b: Point) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return (dx / length, dy / length)


def tube(centre: Sequence[Point], r: float) -> str:
    """The outline of a round-ended rod of radius ``r`` along a polyline (a cane, a handle)."""
    left: list[Point] = []
    right: list[Point] = []
    for i, p in enumerate(centre):
        ux, uy = unit(centre[max(i - 1, 0)], centre[min(i + 1, len(centre) - 1)])
        left.append((p[0] + uy * r, p[1] - ux * r))
        right.append((p[0] - uy * r, p[1] + ux * r))
    end = math.degrees(math.atan2(*reversed(unit(centre[-2], centre[-1]))))
    start = math.degrees(math.atan2(*reversed(unit(centre[1], centre[0]))))
    cap_end = arc_points(centre[-1], r, end - 90, end + 90, 6)[1:-1]
    cap_start = arc_points(centre[0], r, start - 90, start + 90, 6)[1:-1]
    return polyline_d([*left, *cap_end, *reversed(right), *cap_start], closed=True)


def capsule(a: Point, ra: float, b: Point, rb: float) -> str:
    """A tapered capsule: circles of radius ``ra`` at ``a`` and ``rb`` at ``b`` joined by their outer tangents."""
    d = math.dist(a, b)
    if d < abs(ra - rb) + 0.01:  # one circle holds the other: the bigger circle
        c, r = (a, ra) if ra >= rb else (b, rb)
        left, right, rr = f"{num(c[0] - r)} {num(c[1])}", f"{num(c[0] + r)} {num(c[1])}", f"{num(r)} {num(r)}"
        return f"M{left} A{rr} 0 1 1 {right} A{rr} 0 1 1 {left} Z"
    base = math.atan2(b[1] - a[1], b[0] - a[0])
    theta = math.acos(max(-1.0, min(1.0, (ra - rb) / d)))

    def on(c: Point, r: float, angle: float) -> str:
        return f"{num(c[0] + r * math.cos(angle))} {num(c[1] + r * math.sin(angle))}"

    big = 1 if 2 * theta > math.pi else 0
    return (
        f"M{on(a, ra, base - theta)} L{on(b, rb, base - theta)} "
        f"A{num(rb)} {num(rb)} 0 {big} 1 {on(b, rb, base + theta)} "
        f"L{on(a, ra, base + theta)} A{num(ra)} {num(ra)} 0 {1 - big} 1 {on(a, ra, base - theta)} Z"
    )


def silhouette(parts: Sequence[Capsule], width: float = 2.5) -> list[str]:
    """The outline of a union of capsules: every capsule stroked, then every capsule less half a stroke filled over
    the strokes, so that the lines inside the union disappear and only its outer edge stays."""
    half = width / 2
    strokes = [
        el("path", d=capsule(a, ra, b, rb), fill="none", stroke=INK, stroke_width=width) for a, ra, b, rb in parts
    ]
    fills = [el("path", d=capsule(a, ra - half, b, rb - half), fill=PAPER, stroke="none") for a, ra, b, rb in parts]
    return [*strokes, *fills]


# --- arrows ---------------------------------------------------------------------------------------------------


def arrow(
    points: Sequence[Point], head: float = 9, both: bool = False, colour: str = ACCENT, width: float = 2.5
) -> list[str]:
    """A line along ``points`` with a filled triangular head at its end (and at its start when ``both``)."""
    shaft = list(points)

    def tip(at: Point, before: Point) -> tuple[str, Point]:
        ux, uy = unit(before, at)
        back, half = (at[0] - ux * head, at[1] - uy * head), head * 0.55
        corners = [at, (back[0] + uy * half, back[1] - ux * half), (back[0] - uy * half, back[1] + ux * half)]
        triangle = el(
            "polygon", points=pts(corners), fill=colour, stroke=colour, stroke_width=2, stroke_linejoin="round"
        )
        return triangle, (at[0] - ux * head * 0.6, at[1] - uy * head * 0.6)  # the line stops inside the head

    heads = []
    triangle, shaft[-1] = tip(points[-1], _back_along(points, head))
    heads.append(triangle)
    if both:
        triangle, shaft[0] = tip(points[0], _back_along(list(reversed(points)), head))
        heads.append(triangle)
    line = {**accent(width, "none"), "stroke": colour}
    return [el("path", d=polyline_d(shaft), **line), *heads]


def _back_along(points: Sequence[Point], distance: float) -> Point:
    """The last point at least half ``distance`` back from the end (the direction of the head)."""
    end = points[-1]
    return next((p for p in reversed(points[:-1]) if math.dist(p, end) >= distance * 0.5), points[0])


def curve_arrow(p0: Point, c1: Point, c2: Point, p3: Point, head: float = 9) -> list[str]:
    return arrow([p0, *bezier(p0, c1, c2, p3, 16)], head=head)


def circle_arrow(c: Point, r: float, start: float = 200, sweep: float = 290) -> list[str]:
    """A small round arrow (kneading in circles): clockwise on screen, anticlockwise when ``sweep`` < 0."""
    return arrow(arc_points(c, r, start, start + sweep, 14), head=7)


# --- the back, seen from behind -------------------------------------------------------------------------------

HEAD = ((200.0, 64.0), 38.0, 46.0)  # centre and radii, in back.svg's coordinates


def _left_side(arm: str = "hang", bust: bool = False) -> Pen:
    """The left half of the body's outline (back.svg's coordinates) from the neck down: to the lowest ribs, or for
    a ``bust`` cut level with the upper arms. ``arm`` "hang" draws the cut-off upper arm, "none" leaves it out."""
    p = Pen().M((181, 104))
    p.C((182, 117), (178, 125), (166, 131))  # the neck flaring into the trapezius
    p.C((140, 142), (112, 147), (94, 158))  # the slope of the shoulder
    p.C((72, 170), (62, 190), (60, 216))  # the round of the shoulder
    if arm == "hang":
        p.C((58, 260), (57, 300), (56, 332)).L((93, 332))  # the upper arm's outer edge, then the cut
        p.C((93, 300), (94, 266), (97, 240))  # its inner edge, up to the armpit
    else:
        p.C((62, 228), (78, 236), (97, 240))  # under the shoulder to the armpit
    if bust:
        p.C((100, 270), (101, 300), (102, 332))
    else:
        p.C((104, 300), (110, 380), (115, 444))  # the side of the chest
    return p


def body_outline(t: Transform, arm_left: str = "hang", bust: bool = False) -> list[str]:
    """Head, ears, neck, shoulders, cut-off upper arms and chest down to the lowest ribs (or a ``bust``)."""
    (cx, cy), rx, ry = HEAD
    c, corner = t((cx, cy)), t((cx + rx, cy + ry))
    head = el("ellipse", cx=c[0], cy=c[1], rx=corner[0] - c[0], ry=corner[1] - c[1], **ink())
    ear = Pen().M((163.5, 54)).C((154, 50), (151, 78), (165, 82))
    ears = [el("path", d=ear.map(t).d(), **ink()), el("path", d=ear.map(mirror).map(t).d(), **ink())]
    right = _left_side("hang", bust).map(mirror)
    body = _left_side(arm_left, bust).extend(right.backwards())  # down the left, across the bottom, up the right
    return [head, *ears, el("path", d=body.map(t).d(), **ink(3))]


def mirrored(points: Sequence[Point]) -> list[Point]:
    return [mirror(p) for p in points]


# The regions of the person's left side (the picture's left); the right side is their mirror image. Neighbours
# share edges, so no two overlap (tests/web/test_pictures.py checks this on a grid of points).
_TRAP_TOP = Pen().M((181, 112)).C((181, 120), (177, 126), (166, 131)).C((140, 142), (112, 147), (94, 158))
NECK_BASE: list[Point] = [
    (186, 122),
    (214, 122),
    (216, 128),
    (216, 144),
    (207, 152),
    (193, 152),
    (184, 144),
    (184, 128),
]
SPINE: list[Point] = [(193, 152), (207, 152), (207, 424), (200, 432), (193, 424)]
UPPER_TRAP_LEFT: list[Point] = [
    *flatten(_TRAP_TOP, 6),
    *[(86, 164), (84, 172), (101, 177), (130, 180), (160, 185), (193, 173)],  # along the top of the shoulder blade
    *[(193, 152), (184, 144), (184, 128), (186, 122), (184, 116)],  # around the base of the neck
]
SCAPULA_LEFT: list[Point] = [
    (160, 185),
    (130, 180),
    (101, 177),
    (100, 190),
    (106, 206),
    (116, 236),
    (132, 268),
    (147, 292),
]
SCAPULA_LEFT += [(152, 279), (155, 240)]  # up its inner edge
RHOMBOID_LEFT: list[Point] = [(193, 173), (160, 185), (155, 240), (152, 279), (178, 262), (193, 256)]
PARASPINAL_LEFT: list[Point] = [(193, 256), (178, 262), (178, 420), (193, 424)]
LOWER_TRAP_LEFT: list[Point] = [(152, 279), (147, 292), (133, 312), (178, 420), (178, 262)]

REGION_SHAPES: dict[str, list[Point]] = {
    "neck_base": NECK_BASE,
    "upper_trapezius_left": UPPER_TRAP_LEFT,
    "upper_trapezius_right": mirrored(UPPER_TRAP_LEFT),
    "rhomboid_left": RHOMBOID_LEFT,
    "rhomboid_right": mirrored(RHOMBOID_LEFT),
    "scapula_left": SCAPULA_LEFT,
    "scapula_right": mirrored(SCAPULA_LEFT),
    "paraspinal_left": PARASPINAL_LEFT,
    "paraspinal_right": mirrored(PARASPINAL_LEFT),
    "lower_trapezius_left": LOWER_TRAP_LEFT,
    "lower_trapezius_right": mirrored(LOWER_TRAP_LEFT),
    "thoracic_spine": SPINE,
}

BACK_DESC = (
    "A map of the upper back seen from behind, the person's left on the left: the base of the neck, the upper "
    "trapezius on each side, the shoulder blades, the rhomboids between them and the spine, the muscles beside the "
    "spine, the mid-back and the thoracic spine. Each region can be chosen."
)


def back_map() -> Picture:
    regions = load_catalog().regions
    unknown = set(REGION_SHAPES) - {r.id for r in regions}
    if unknown:
        raise MissingPicture(f"regions drawn but not in the content: {sorted(unknown)}")
    pic = Picture("back", 400, 460, "The upper back seen from behind", BACK_DESC)
    pic.group("outline", body_outline(same))
    shapes = []
    for region in regions:
        if region.id not in REGION_SHAPES:
            raise MissingPicture(f"no shape for region {region.id!r}: draw it in scripts/draw_pictures.py")
        shapes.append(
            el(
                "polygon",
                el("title", escape(region.name)),
                id=f"region-{region.id}",
                class_="region",
                data_region=region.id,
                points=pts(REGION_SHAPES[region.id]),
                fill=TINT,
                stroke=INK,
                stroke_width=2,
                stroke_linejoin="round",
            )
        )
    pic.group("regions", shapes)
    font = {"font_family": "sans-serif", "font_size": 20, "font_weight": "bold", "fill": INK, "text_anchor": "middle"}
    pic.add(el("text", "L", class_="side-label", x=75, y=362, **font))
    pic.add(el("text", "R", class_="side-label", x=325, y=362, **font))
    return pic


def back_hints(t: Transform, bottom: float = 426) -> list[str]:
    """Light grey shoulder blades and spine, under a technique's hands and arrows."""
    spine = [(196, 150), (204, 150), (204, bottom), (196, bottom)]
    shapes = (SCAPULA_LEFT, mirrored(SCAPULA_LEFT), spine)
    return [el("polygon", points=pts(t(p) for p in shape), **TINTED) for shape in shapes]


# --- hands ----------------------------------------------------------------------------------------------------

THUMB_TIP = (-30.5, -9.5)  # the spread thumb's pad, in the hand template's coordinates


def _hand(thumb: str = "spread", arm: float = 0) -> Pen:
    """A right hand seen from its back, fingers up (-y), thumb to the left, the wrist at y = 28. ``thumb`` "spread"
    holds the thumb out, "closed" lays it along the hand. ``arm`` adds that much forearm, open at its end."""
    p = Pen().M((-11, 28 + arm)).L((-10, 28)) if arm else Pen().M((-10, 28))
    if thumb == "spread":
        p.C((-11, 22), (-13, 17), (-16, 13))
        p.C((-22, 8), (-27, 0), (-31, -6)).C((-33.5, -10), (-29, -14.5), (-26, -11.5))
        p.C((-22, -7), (-18, -4), (-15, -5))
    else:
        p.C((-12, 20), (-15, 14), (-17.5, 8))
        p.C((-20, 2), (-21, -6), (-20, -12)).C((-19.5, -16), (-15.5, -16), (-15.2, -12))
    fingers = [(-11.4, -28.0), (-3.8, -31.5), (3.8, -29.5), (11.2, -22.5)]  # centre and tip of each
    for i, (cx, top) in enumerate(fingers):
        w = 3.5 if i < 3 else 3.2
        p.L((cx - w, top + 3.5)).C((cx - w, top - 1.3), (cx + w, top - 1.3), (cx + w, top + 3.5))
        if i < 3:
            nxt = fingers[i + 1][0] - 3.5
            p.L((cx + w, -9.5)).C((cx + w, -7.5), (nxt, -7.5), (nxt, -9.5))
    p.L((14.4, -6)).C((16.5, 4), (15, 18), (10, 28))
    return p.L((11, 28 + arm)) if arm else p.Z()


def hand(
    at: Point, angle: float = 0, scale: float = 1.0, flip: bool = False, thumb: str = "closed", arm: float = 0
) -> str:
    """A hand flat on the back, centred on ``at``: ``angle`` 0 points the fingers up and 180 down; ``flip`` makes
    it a left hand."""
    return el("path", d=_hand(thumb, arm).map(placed(at, angle, scale, flip)).d(), **accent())


def thumb_hand(tip: Point, angle: float = 0, scale: float = 1.0, flip: bool = False) -> str:
    """A hand pressing with the pad of its spread thumb on ``tip``, the fingers resting beside it."""
    probe = placed((0, 0), angle, scale, flip)(THUMB_TIP)
    return hand((tip[0] - probe[0], tip[1] - probe[1]), angle, scale, flip, thumb="spread")


# --- people from the side, and what they use ------------------------------------------------------------------


def figure(
    j: Mapping[str, Point], s: float = 1.0, facing: float = 0, far_leg: bool = False, between: Sequence[str] = ()
) -> list[str]:
    """A person in profile, from joints: the far leg, the body (head, neck, trunk, near leg), ``between`` (a ball or
    roller on the near side of the back), then the near arm.

    Joints: head (its centre), shoulder, hip, knee, ankle, toe; elbow and wrist for the near arm; f_knee, f_ankle,
    f_toe for the far leg. ``facing`` is where the nose points (degrees clockwise, 0 = right, -90 = up).
    """
    out: list[str] = []
    if far_leg:
        far = [(j["hip"], 11 * s, j["f_knee"], 8.5 * s), (j["f_knee"], 8 * s, j["f_ankle"], 5.5 * s)]
        out += silhouette([*far, (j["f_ankle"], 4.5 * s, j["f_toe"], 3.5 * s)])
    head, r, a = j["head"], 12.5 * s, math.radians(facing)
    nose = (
        (head[0] + 0.6 * r * math.cos(a), head[1] + 0.6 * r * math.sin(a)),
        2.5 * s,
        (head[0] + (r + 2.5 * s) * math.cos(a - 0.12), head[1] + (r + 2.5 * s) * math.sin(a - 0.12)),
        2 * s,
    )
    out += silhouette(
        [
            (head, r, head, r),
            nose,
            (j["shoulder"], 6.5 * s, head, 6 * s),
            (j["hip"], 13 * s, j["shoulder"], 15 * s),
            (j["hip"], 11.5 * s, j["knee"], 8.5 * s),
            (j["knee"], 8 * s, j["ankle"], 5.5 * s),
            (j["ankle"], 4.5 * s, j["toe"], 3.5 * s),
        ]
    )
    out += between
    if "elbow" in j:
        arm = [(j["shoulder"], 6.5 * s, j["elbow"], 5.5 * s), (j["elbow"], 5.5 * s, j["wrist"], 4.5 * s)]
        out += silhouette([*arm, (j["wrist"], 5.5 * s, j["wrist"], 5.5 * s)])
    return out


def ground(y: float, x0: float = 20, x1: float = 380) -> str:
    return el("line", x1=x0, y1=y, x2=x1, y2=y, **ink())


def mat(y: float, x0: float = 20, x1: float = 380) -> str:
    return el("rect", x=x0, y=y, width=x1 - x0, height=7, rx=3, **ink(2, TINT))


def wall(x: float, y0: float, y1: float) -> list[str]:
    hatch = Pen()
    for y in range(round(y0) + 8, round(y1) - 4, 18):
        hatch.M((x, y)).L((x - 10, y + 10))
    return [
        el("rect", x=x - 14, y=y0, width=14, height=y1 - y0, **TINTED),
        el("path", d=hatch.d(), **ink(2)),
        el("line", x1=x, y1=y0, x2=x, y2=y1, **ink(3)),
    ]


def chair(x0: float, x1: float, seat: float, floor: float, back: float) -> list[str]:
    frame = Pen().M((x0, back)).L((x0, floor)).M((x0, seat)).L((x1, seat), (x1, floor))
    return [
        el("path", d=frame.d(), **ink(3)),
        el("rect", x=x0, y=seat - 7, width=x1 - x0, height=7, rx=2, **ink(2, TINT)),
    ]


def table(x0: float, x1: float, top: float, floor: float) -> list[str]:
    legs = Pen().M((x0 + 14, top + 8)).L((x0 + 14, floor)).M((x1 - 14, top + 8)).L((x1 - 14, floor))
    return [el("path", d=legs.d(), **ink(3)), el("rect", x=x0, y=top, width=x1 - x0, height=8, rx=2, **ink(2.5, TINT))]


def ball(c: Point, r: float) -> list[str]:
    x, y = c
    seam = (
        Pen()
        .M((x - r * 0.7, y - r * 0.7))
        .C((x - r * 0.1, y - r * 0.3), (x - r * 0.1, y + r * 0.3), (x - r * 0.7, y + r * 0.7))
    )
    return [el("circle", cx=x, cy=y, r=r, **accent(2.5, SHADE)), el("path", d=seam.d(), **accent(2, "none"))]


def roller_end(c: Point, r: float) -> list[str]:
    return [el("circle", cx=c[0], cy=c[1], r=r, **accent(2.5, SHADE)), el("circle", cx=c[0], cy=c[1], r=6, **accent(2))]


def at_most_30_s(x: float, y: float, size: int = 20) -> list[str]:
    """The label "≤ 30 s", its baseline at ``y``: the sign as two strokes, then the text."""
    h, lift = size * 0.62, size * 0.12
    sign = Pen().M((x + h * 0.8, y - h - lift)).L((x, y - h * 0.5 - lift), (x + h * 0.8, y - lift))
    sign.M((x, y + size * 0.06)).L((x + h * 0.8, y + size * 0.06))
    text = {"font_family": "sans-serif", "font_size": size, "fill": INK}
    return [el("path", d=sign.d(), **ink(2)), el("text", "30 s", x=x + h * 0.8 + size * 0.35, y=y, **text)]


# --- techniques -----------------------------------------------------------------------------------------------

WHOLE = scaled(0.62, 200 - 0.62 * 200, 8)  # back.svg's coordinates into a 400 x 300 picture of the whole back
CLOSE = scaled(0.85, 200 - 0.85 * 200, 2)  # the same, closer: the head down to the mid-back


def W(x: float, y: float) -> Point:  # a point of back.svg in a picture of the whole back
    return WHOLE((x, y))


def C(x: float, y: float) -> Point:  # a point of back.svg in a close-up
    return CLOSE((x, y))


def whole_back(arm_left: str = "hang") -> list[str]:
    return [*back_hints(WHOLE), *body_outline(WHOLE, arm_left)]


def close_up() -> list[str]:
    return [*back_hints(CLOSE, 330), *body_outline(CLOSE, bust=True)]


def effleurage(pic: Picture) -> None:
    pic.add(*whole_back())
    pic.add(hand(W(166, 212), angle=180, scale=0.95), hand(W(234, 212), angle=180, scale=0.95, flip=True))
    for m in (same, mirror):  # down beside the spine to the shoulder blades, then out and up to the shoulders
        stroke = Pen().M(m((184, 272))).C(m((184, 318)), m((166, 334)), m((140, 324)))
        stroke.C(m((110, 312)), m((100, 262)), m((100, 186)))
        pic.add(*arrow(flatten(stroke.map(WHOLE), 12)))


def petrissage(pic: Picture) -> None:
    pic.add(*close_up())
    # a hand on each upper trapezius, fingers down and out, thumb towards the neck, kneading in circles
    for m, flip, angle in ((same, False, 205.0), (mirror, True, 155.0)):
        pic.add(hand(C(*m((140, 182))), angle=angle, scale=1.0, flip=flip, thumb="spread"))
        for centre, start in (((176, 148), 200.0), ((96, 196), 30.0)):
            start, sweep = (180 - start, -300.0) if flip else (start, 300.0)
            pic.add(*circle_arrow(C(*m(centre)), 10, start=start, sweep=sweep))


def rhomboid_access(pic: Picture) -> None:
    pic.add(*whole_back(arm_left="none"))
    # the receiver's left arm: the elbow bent, the back of the hand on the small of the back
    shoulder, elbow, wrist = W(78, 206), W(60, 330), W(150, 402)
    pic.add(*silhouette([(shoulder, 13, elbow, 10), (elbow, 9, wrist, 7)]))
    pic.add(el("path", d=_hand("closed").map(placed(W(176, 404), 100, 0.8)).d(), **ink(2.5, PAPER)))
    # so the shoulder blade's inner edge lifts; the giver's thumb works between it and the spine
    edge = Pen().M((160, 184)).C((156, 220), (154, 256), (147, 292))
    pic.add(el("path", d=edge.map(WHOLE).d(), **ink()))
    pic.add(thumb_hand(W(181, 236), angle=190, scale=0.95))
    pic.add(*arrow([W(187, 196), W(187, 266)], both=True, head=7))


def trigger_point(pic: Picture) -> None:
    pic.add(*close_up())
    x, y = spot = C(156, 170)
    pic.add(thumb_hand(spot, angle=195, scale=1.1))
    pic.add(*(el("circle", cx=x, cy=y, r=r, **accent(2.5, "none")) for r in (9, 16)))
    pic.add(el("path", d=polyline_d([(x + 13, y + 13), (x + 42, y + 38)]), **ink(2)))
    pic.add(*at_most_30_s(x + 46, y + 52))


def hand_kneading(pic: Picture) -> None:
    pic.add(*close_up())
    # the right hand comes over the left shoulder from the front, the fingers on the upper trapezius
    pic.add(hand(C(162, 152), angle=155, scale=1.2, thumb="spread", arm=12))
    pic.add(*circle_arrow(C(156, 202), 10))
    pic.add(*curve_arrow(C(136, 206), C(116, 208), C(96, 200), C(80, 186)))


def cane(pic: Picture) -> None:
    j = {"hip": (106, 176), "shoulder": (112, 98), "head": (124, 38), "knee": (176, 180), "ankle": (178, 252)}
    j |= {"toe": (202, 256), "elbow": (136, 146), "wrist": (170, 152)}
    pic.add(*chair(62, 148, 196, 264, 92), ground(264))
    pic.add(*figure(j, s=1.3))
    # the handle in the near hand, up in front of the chest, over the shoulder, the tip on the mid-back
    centre = [
        (174, 172),
        *bezier((174, 172), (176, 130), (170, 94), (150, 80), 8),
        *bezier((150, 80), (128, 66), (98, 70), (88, 88), 10),
        *bezier((88, 88), (83, 98), (82, 110), (84, 118), 5),
    ]
    pic.add(el("path", d=tube(centre, 4.5), **accent()), el("circle", cx=85, cy=122, r=6, **accent()))
    pic.add(*silhouette([(j["wrist"], 7, j["wrist"], 7)]))  # the hand round the handle
    pic.add(*arrow([(190, 160), (204, 196)], head=10))


def ball_wall(pic: Picture) -> None:
    s, r = 1.25, 10
    pic.add(*wall(110, 12, 282), ground(282, 96, 380))
    j = {"shoulder": (110 + 2 * r + 15 * s - 1, 90), "head": (144, 44), "hip": (150, 168), "knee": (178, 214)}
    j |= {"ankle": (182, 270), "toe": (206, 276), "elbow": (142, 142), "wrist": (152, 182)}
    j |= {"f_knee": (172, 216), "f_ankle": (176, 270), "f_toe": (200, 276)}
    pic.add(*figure(j, s=s, between=ball((110 + r, 104), r)))
    # bend and straighten the knees: the body, and the ball with it, goes down and up
    pic.add(*circle_arrow((202, 214), 18, start=-75, sweep=130))
    pic.add(*arrow([(236, 70), (236, 150)], both=True, head=10))


def ball_floor(pic: Picture) -> None:
    s, floor, r, bx = 1.45, 250, 13, 122
    pic.add(mat(floor), el("rect", x=26, y=floor - 8, width=52, height=8, rx=2, **ink(2, TINT)))  # mat, towel
    j = {"head": (50, floor - 8 - 12.5 * s), "shoulder": (bx - 14, floor - 2 * r - 15 * s + 5)}
    j |= {"hip": (224, floor - 13 * s), "knee": (286, 150), "ankle": (326, floor - 8), "toe": (352, floor - 5)}
    j |= {"elbow": (156, floor - 8), "wrist": (200, floor - 7)}
    pic.add(*figure(j, s=s, facing=-95, between=ball((bx, floor - r), r)))
    pic.add(*arrow([(226, 160), (226, 204)], both=True, head=9))  # the hips: up for more pressure, down for less


def foam_roller(pic: Picture) -> None:
    s, floor, r = 1.4, 250, 20
    pic.add(mat(floor))
    j = {"head": (58, floor - 48), "shoulder": (104, floor - 2 * r - 15 * s + 8), "hip": (222, floor - 40)}
    j |= {"knee": (284, 150), "ankle": (324, floor - 8), "toe": (350, floor - 5)}
    j |= {"elbow": (100, 128), "wrist": (56, 186)}  # the hands behind the head
    pic.add(*figure(j, s=s, facing=-95, between=roller_end((122, floor - r), r)))
    pic.add(*arrow([(136, 100), (236, 116)], both=True, head=10))


# --- positions ------------------------------------------------------------------------------------------------


def position_prone(pic: Picture) -> None:
    s, top = 1.3, 150
    pic.add(*table(24, 376, top, 226), ground(226))
    pic.add(el("ellipse", cx=44, cy=top - 8, rx=15, ry=8, **ink(2, TINT)))  # the rolled towel
    j = {"head": (54, top - 14 - 12.5 * s), "shoulder": (104, top - 15 * s), "hip": (204, top - 13 * s)}
    j |= {"knee": (272, top - 9 * s), "ankle": (336, top - 6 * s), "toe": (350, top - 1)}
    j |= {"elbow": (150, top - 6 * s), "wrist": (196, top - 5 * s)}
    pic.add(*figure(j, s=s, facing=105))


def position_seated(pic: Picture) -> None:
    floor = 226
    pic.add(*chair(40, 114, 160, floor, 70), *table(160, 376, 118, floor), ground(floor))
    pic.add(el("ellipse", cx=222, cy=111, rx=54, ry=8, **ink(2, TINT)))  # the pillow
    j = {"hip": (90, 142), "shoulder": (142, 86), "head": (180, 77), "knee": (150, 148), "ankle": (152, 210)}
    j |= {"toe": (172, 216), "elbow": (176, 98), "wrist": (226, 98)}
    pic.add(*figure(j, s=1.05, facing=60))


def position_standing_wall(pic: Picture) -> None:
    floor = 226
    pic.add(*wall(120, 8, floor), ground(floor, 106, 380))
    j = {"head": (144, 32), "shoulder": (136, 66), "hip": (148, 128), "knee": (166, 172), "ankle": (168, 218)}
    j |= {"toe": (188, 222), "elbow": (140, 106), "wrist": (148, 140)}
    j |= {"f_knee": (160, 174), "f_ankle": (162, 218), "f_toe": (182, 222)}
    pic.add(*figure(j, far_leg=True))
    pic.add(*arrow([(184, 236), (124, 236)], both=True, head=7, colour=INK, width=2))  # a step from the wall


def position_supine_floor(pic: Picture) -> None:
    s, floor = 1.35, 200
    pic.add(mat(floor))
    j = {"head": (54, floor - 12.5 * s), "shoulder": (108, floor - 15 * s), "hip": (222, floor - 13 * s)}
    j |= {"knee": (284, 112), "ankle": (324, floor - 7), "toe": (350, floor - 4)}
    j |= {"elbow": (160, floor - 6 * s), "wrist": (212, floor - 6)}
    pic.add(*figure(j, s=s, facing=-92))


# --- tools ----------------------------------------------------------------------------------------------------


def tool_tennis_ball(pic: Picture) -> None:
    pic.add(el("circle", cx=60, cy=60, r=44, **accent(3)))
    for seam in (Pen().M((29, 29)).C((50, 46), (50, 74), (29, 91)), Pen().M((91, 29)).C((70, 46), (70, 74), (91, 91))):
        pic.add(el("path", d=seam.d(), **accent(2.5, "none")))


def tool_lacrosse_ball(pic: Picture) -> None:
    pic.add(el("circle", cx=60, cy=62, r=40, **accent(3, SHADE)))
    shine = polyline_d(arc_points((60, 62), 30, 200, 250, 8))
    pic.add(el("path", d=shine, fill="none", stroke=PAPER, stroke_width=3, stroke_linecap="round"))


def tool_foam_roller(pic: Picture) -> None:
    body = Pen().M((26, 38)).L((96, 38)).C((106, 38), (106, 82), (96, 82)).L((26, 82))
    pic.add(el("path", d=body.d(), **accent(3, SHADE)))
    for x in (44, 62, 80):
        pic.add(el("path", d=Pen().M((x, 38)).C((x + 8, 46), (x + 8, 74), (x, 82)).d(), **accent(2, "none")))
    pic.add(
        el("ellipse", cx=26, cy=60, rx=11, ry=22, **accent(3)),
        el("ellipse", cx=26, cy=60, rx=4, ry=8, **accent(2, TINT)),
    )


def tool_massage_cane(pic: Picture) -> None:
    centre = [
        (34, 108),
        *bezier((34, 108), (34, 70), (30, 40), (34, 30), 6),
        *bezier((34, 30), (40, 8), (78, 6), (86, 28), 8),
        *bezier((86, 28), (90, 40), (88, 52), (82, 60), 5),
    ]
    pic.add(el("path", d=tube(centre, 4.5), **accent()), el("circle", cx=80, cy=63, r=6.5, **accent()))
    pic.add(
        el("path", d=tube([(38, 78), (58, 78)], 4), **accent()), el("path", d=tube([(30, 50), (16, 50)], 4), **accent())
    )


# --- what is drawn for each id of the content -----------------------------------------------------------------

Drawing = tuple[Callable[[Picture], None], str]  # how to draw it, and the picture's description

TECHNIQUES: dict[str, Drawing] = {
    "effleurage": (
        effleurage,
        "Two flat hands on the upper back glide from the base of the neck down beside the spine to the shoulder "
        "blades, then sweep out and up to the shoulders.",
    ),
    "petrissage": (
        petrissage,
        "A hand on each upper trapezius, between the neck and the shoulder, kneads the muscle in small circles.",
    ),
    "rhomboid_access": (
        rhomboid_access,
        "The receiver rests the back of the left hand on the small of the back so the shoulder blade lifts; the "
        "giver's thumb works up and down between the spine and the shoulder blade's inner edge.",
    ),
    "trigger_point": (
        trigger_point,
        "A thumb presses down on one tight spot of the upper trapezius and holds still for up to 30 seconds.",
    ),
    "ball_wall": (
        ball_wall,
        "Seen from the side: standing with the back to a wall, feet a step forward, a ball between the wall and the "
        "upper back; bending and straightening the knees rolls it.",
    ),
    "ball_floor": (
        ball_floor,
        "Seen from the side: lying on the back on a mat, knees bent, with a ball under the upper back; lifting or "
        "lowering the hips changes the pressure.",
    ),
    "foam_roller": (
        foam_roller,
        "Seen from the side: lying on the back across a foam roller under the upper back, hands behind the head, "
        "hips lifted, rolling up and down.",
    ),
    "hand_kneading": (
        hand_kneading,
        "The right hand reaches over the left shoulder and kneads the upper trapezius in circles, working from the "
        "neck out to the shoulder.",
    ),
    "cane": (
        cane,
        "Seen from the side, sitting: a hook-shaped cane goes over the shoulder with its tip on the mid-back, and "
        "the hand in front pulls its handle down to press.",
    ),
}
POSITIONS: dict[str, Drawing] = {
    "prone": (
        position_prone,
        "Seen from the side: lying face down on a flat table, the arms by the sides, the forehead on a rolled towel.",
    ),
    "seated": (
        position_seated,
        "Seen from the side: sitting on a chair and leaning forward, the forearms and head resting on a pillow on a "
        "table.",
    ),
    "standing_wall": (
        position_standing_wall,
        "Seen from the side: standing with the back to a wall, the feet a small step out from it, the knees soft.",
    ),
    "supine_floor": (
        position_supine_floor,
        "Seen from the side: lying on the back on a mat, the knees bent and the feet flat on the floor.",
    ),
}
TOOLS: dict[str, Drawing] = {
    "tennis_ball": (tool_tennis_ball, "A tennis ball with its curved seam."),
    "lacrosse_ball": (tool_lacrosse_ball, "A plain, solid rubber lacrosse ball."),
    "foam_roller": (tool_foam_roller, "A foam roller: a cylinder of foam lying on its side."),
    "massage_cane": (tool_massage_cane, "A massage cane: a hook-shaped rod with a round tip and short handles."),
}


def pictures() -> dict[str, str]:
    """Every picture's file name and SVG text, in a fixed order. Raises ``MissingPicture``."""
    catalog = load_catalog()
    out = {"back.svg": back_map().render()}
    for kind, drawings, items, size in (
        ("technique", TECHNIQUES, catalog.techniques, (400, 300)),
        ("position", POSITIONS, catalog.positions, (400, 240)),
        ("tool", TOOLS, catalog.tools, (120, 120)),
    ):
        unknown = set(drawings) - {item.id for item in items}
        if unknown:
            raise MissingPicture(f"{kind}s drawn but not in the content: {sorted(unknown)}")
        for item in items:
            if item.id not in drawings:
                raise MissingPicture(f"no picture for {kind} {item.id!r}: draw it in scripts/draw_pictures.py")
            draw, desc = drawings[item.id]
            pic = Picture(f"{kind}-{item.id}", *size, item.name, desc)
            draw(pic)
            out[f"{kind}-{item.id}.svg"] = pic.render()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw unknot's pictures into src/unknot/web/static/svg/.")
    parser.add_argument("--check", action="store_true", help="only check that the committed files are up to date")
    args = parser.parse_args(argv)
    try:
        drawn = pictures()
    except MissingPicture as error:
        print(error, file=sys.stderr)
        return 1
    stale = [
        name for name, text in drawn.items() if not (OUT / name).exists() or (OUT / name).read_text("utf-8") != text
    ]
    if args.check:
        if stale:
            print(f"out of date (run scripts/draw_pictures.py): {', '.join(stale)}", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT / name).write_text(drawn[name], encoding="utf-8")
    print(f"{len(stale)} of {len(drawn)} pictures written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
