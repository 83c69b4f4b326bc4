"""Pixel tests of the ring icon: arc angle, colours, a glyph per health, transparency, text.

Points are addressed like a clock (``tests/support/pixels.py``): degrees clockwise from 12
o'clock and a radius as a fraction of the icon size, so the tests read like the design.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

from claude_tray.model import Health, IconSpec, Severity
from claude_tray.render import theme
from claude_tray.render.ring import IconRenderer, render_icon, write_png
from claude_tray.render.theme import Rgba
from tests.support.pixels import INNER, OUTER, at_clock, at_offset, near

SIZE = 64
WARN = theme.SEVERITY_COLOURS[Severity.WARN]
CALM = theme.SEVERITY_COLOURS[Severity.CALM]


def spec(outer: float | None = 42.0, inner: float | None = None, **kw: object) -> IconSpec:
    fields: dict[str, object] = {"severity": Severity.CALM, "health": Health.FRESH, "text": None}
    fields.update(kw)
    return IconSpec(outer, inner, **fields)


# --- the arc -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [64, 128])
def test_outer_arc_fills_clockwise_from_twelve(size: int) -> None:
    image = render_icon(spec(42.0), size)  # 42 % ends at 151 degrees
    for filled in (5, 30, 90, 140):
        assert near(at_clock(image, filled, OUTER), CALM), filled
    for empty in (165, 200, 270, 350):
        assert near(at_clock(image, empty, OUTER), theme.TRACK), empty


def test_inner_ring_is_the_inner_window() -> None:
    image = render_icon(spec(outer=10.0, inner=75.0), SIZE)  # inner ends at 270 degrees
    assert near(at_clock(image, 200, INNER), CALM)
    assert near(at_clock(image, 290, INNER), theme.TRACK)
    assert near(at_clock(image, 200, OUTER), theme.TRACK)  # the outer ring stopped at 36 degrees


def test_zero_percent_is_a_bare_track_and_full_is_a_closed_ring() -> None:
    zero = render_icon(spec(0.0, 0.0), SIZE)
    full = render_icon(spec(100.0, 100.0, severity=Severity.FULL), SIZE)
    red = theme.SEVERITY_COLOURS[Severity.FULL]
    for degrees in range(0, 360, 15):
        assert near(at_clock(zero, degrees, OUTER), theme.TRACK)
        assert near(at_clock(full, degrees, OUTER), red)
        assert near(at_clock(full, degrees, INNER), red)


def test_utilization_is_clamped_only_for_drawing() -> None:
    over = IconSpec(150.0, -5.0, Severity.FULL, Health.FRESH)
    assert over.outer == 150.0  # the spec keeps the server's number
    clamped = IconSpec(100.0, 0.0, Severity.FULL, Health.FRESH)
    assert render_icon(over, SIZE).tobytes() == render_icon(clamped, SIZE).tobytes()


def test_unknown_is_never_drawn_as_zero_percent() -> None:
    unknown = render_icon(spec(None, None, severity=None), SIZE)
    zero = render_icon(spec(0.0, 0.0), SIZE)
    assert unknown.tobytes() != zero.tobytes()
    # The outer ring is dashed: dashes at 0-22.5 degrees, gaps at 22.5-45, and so on.
    assert near(at_clock(unknown, 11, OUTER), theme.PLACEHOLDER)
    assert near(at_clock(unknown, 34, OUTER), theme.BACKDROP)
    assert near(at_clock(zero, 34, OUTER), theme.TRACK)


def test_one_unknown_window_keeps_the_other_ring() -> None:
    image = render_icon(spec(outer=None, inner=60.0), SIZE)
    assert near(at_clock(image, 100, INNER), CALM)
    assert near(at_clock(image, 34, OUTER), theme.BACKDROP)  # a gap between dashes


# --- colours ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(Severity))
def test_both_rings_take_the_severity_colour(level: Severity) -> None:
    image = render_icon(spec(50.0, 50.0, severity=level), SIZE)
    assert near(at_clock(image, 90, OUTER), theme.SEVERITY_COLOURS[level], tolerance=16)
    assert near(at_clock(image, 90, INNER), theme.SEVERITY_COLOURS[level], tolerance=16)


def test_severity_colours_are_far_apart() -> None:
    for a, b in combinations(theme.SEVERITY_COLOURS.values(), 2):
        assert sum(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True)) > 60, (a, b)


def test_stale_is_dimmed_and_trouble_is_grey() -> None:
    stale = render_icon(spec(50.0, severity=Severity.WARN, health=Health.STALE), SIZE)
    dimmed = theme.mix(WARN, theme.BACKDROP, 0.45)
    assert near(at_clock(stale, 90, OUTER), dimmed, tolerance=12)
    assert not near(at_clock(stale, 90, OUTER), WARN)
    fresh = render_icon(spec(50.0, severity=Severity.WARN), SIZE)
    # the empty track is the outline: a stale icon keeps it, or a dark panel swallows the icon
    assert at_clock(stale, 270, OUTER) == at_clock(fresh, 270, OUTER)
    for health in (Health.UNAUTHORIZED, Health.BLOCKED, Health.OFFLINE, Health.NO_CREDENTIALS, Health.ERROR):
        image = render_icon(spec(50.0, severity=Severity.WARN, health=health), SIZE)
        assert near(at_clock(image, 100, OUTER), theme.GREY_FILL, tolerance=16), health


# --- health glyphs -----------------------------------------------------------------------------

_LIGHT = theme.treatment(Health.OFFLINE).glyph_colour
_AMBER = theme.treatment(Health.UNAUTHORIZED).glyph_colour
_RED = theme.treatment(Health.BLOCKED).glyph_colour
_SKY = theme.treatment(Health.NO_CREDENTIALS).glyph_colour

# (dx, dy, colour, expected): where each glyph must (True) or must not (False) have its colour.
GLYPH_POINTS: dict[Health, list[tuple[float, float, Rgba, bool]]] = {
    Health.FRESH: [(0.0, 0.0, theme.BACKDROP, True)],
    Health.STALE: [(0.0, 0.0, theme.BACKDROP, True)],
    Health.STARTING: [
        (-0.16, 0.0, _LIGHT, True),
        (0.0, 0.0, _LIGHT, True),
        (0.16, 0.0, _LIGHT, True),
        (0.08, 0.0, theme.BACKDROP, True),
    ],
    Health.RATE_LIMITED: [
        (-0.085, 0.0, _LIGHT, True),
        (0.085, 0.0, _LIGHT, True),
        (0.0, 0.0, theme.BACKDROP, True),
    ],
    Health.UNAUTHORIZED: [(0.0, -0.12, _AMBER, True), (0.0, 0.165, _AMBER, True), (0.0, 0.08, _AMBER, False)],
    Health.BLOCKED: [(0.0, -0.18, _RED, True), (0.0, 0.0, theme.TEXT, True), (0.0, 0.18, _RED, True)],
    Health.OFFLINE: [
        (0.2, -0.2, _LIGHT, True),
        (-0.2, 0.2, _LIGHT, True),
        (0.0, 0.0, _LIGHT, True),
        (-0.1, -0.1, _LIGHT, False),
    ],
    Health.NO_CREDENTIALS: [(0.0, -0.175, _SKY, True), (0.0, 0.185, _SKY, True), (0.0, -0.08, _SKY, False)],
    Health.ERROR: [(0.0, 0.0, _RED, True), (0.1, 0.1, _RED, True), (0.0, -0.12, _RED, False)],
}


def test_every_health_has_points_to_check() -> None:
    assert set(GLYPH_POINTS) == set(Health)


@pytest.mark.parametrize("health", list(Health))
def test_each_glyph_draws_where_expected(health: Health) -> None:
    image = render_icon(spec(42.0, 85.0, severity=Severity.WARN, health=health), SIZE)
    for dx, dy, colour, expected in GLYPH_POINTS[health]:
        assert near(at_offset(image, dx, dy), colour) is expected, (dx, dy, at_offset(image, dx, dy))


@pytest.mark.parametrize("values", [(42.0, 85.0), (None, None), (0.0, 100.0)])
def test_every_health_looks_different_at_22px(values: tuple[float | None, float | None]) -> None:
    renders = {h: render_icon(spec(*values, severity=Severity.WARN, health=h), 22).tobytes() for h in Health}
    for a, b in combinations(Health, 2):
        assert renders[a] != renders[b], (a, b)


def test_offline_slash_breaks_the_outer_ring() -> None:
    image = render_icon(spec(100.0, 100.0, health=Health.OFFLINE), SIZE)
    assert near(at_clock(image, 45, OUTER), _LIGHT)  # the slash runs over the ring
    assert near(at_clock(image, 90, OUTER), theme.GREY_FILL)


def test_glyph_replaces_the_number() -> None:
    with_text = render_icon(spec(42.0, health=Health.RATE_LIMITED, text="42"), SIZE)
    without = render_icon(spec(42.0, health=Health.RATE_LIMITED), SIZE)
    assert with_text.tobytes() == without.tobytes()


# --- transparency, sizes, determinism, cache -------------------------------------------------


@pytest.mark.parametrize("size", [16, 22, 24, 32, 44, 48, 64, 128])
def test_sizes_corners_transparent_and_backdrop_opaque(size: int) -> None:
    image = render_icon(spec(42.0, 85.0, severity=Severity.WARN), size)
    assert image.size == (size, size)
    assert image.mode == "RGBA"
    last = size - 1
    for corner in ((0, 0), (last, 0), (0, last), (last, last)):
        assert image.getpixel(corner)[3] == 0
    # The design's dark disc: it keeps the icon readable on light panels and where xorg
    # turns transparency black (docs/desktop-testing.md section 8).
    assert near(at_offset(image, 0.0, 0.0), theme.BACKDROP, tolerance=4)


def test_size_out_of_range_is_refused() -> None:
    for size in (7, 1025):
        with pytest.raises(ValueError, match="icon size"):
            render_icon(spec(), size)


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    icon = spec(42.0, 85.0, severity=Severity.WARN, health=Health.STALE, text="42")
    assert render_icon(icon, 22).tobytes() == render_icon(icon, 22).tobytes()
    first, second = write_png(icon, 44, tmp_path / "a.png"), write_png(icon, 44, tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()
    with Image.open(first) as png:
        assert png.format == "PNG"
        assert png.size == (44, 44)


def test_renderer_cache_returns_the_same_image() -> None:
    renderer = IconRenderer(max_entries=2)
    a, b, c = spec(10.0), spec(20.0), spec(30.0)
    first = renderer.render(a, 22)
    assert renderer.render(IconSpec(10.0, None, Severity.CALM, Health.FRESH), 22) is first
    assert renderer.renders == 1
    assert renderer.render(a, 44) is not first  # the size is part of the key
    renderer.render(b, 22)
    renderer.render(c, 22)  # evicts the least recently used entry
    assert renderer.renders == 4
    assert renderer.render(a, 22) is not first
    assert renderer.renders == 5


# --- centre text, with and without GTK loaded ----------------------------------------------------

_TEXT_PROBE = textwrap.dedent(
    """
    import json, sys
    if sys.argv[1] == "gtk":
        try:
            import gi
            gi.require_version("Gtk", "3.0")
            from gi.repository import Gtk  # noqa: F401  (the import alone breaks RAQM text)
        except (ImportError, ValueError) as exc:
            print(json.dumps({"skip": str(exc)}))
            sys.exit(0)
    from claude_tray.model import Health, IconSpec, Severity
    from claude_tray.render.ring import render_icon

    def white(size, text):
        image = render_icon(IconSpec(42.0, 85.0, Severity.WARN, Health.FRESH, text), size)
        pixels = [image.getpixel((x, y)) for y in range(size) for x in range(size)]
        return sum(1 for r, g, b, a in pixels if min(r, g, b) >= 200 and a == 255)

    print(json.dumps({str(s): [white(s, None), white(s, "42")] for s in (22, 64)}))
    """
)


def _text_pixels(mode: str) -> dict[str, list[int]]:
    done = subprocess.run(
        [sys.executable, "-c", _TEXT_PROBE, mode], capture_output=True, text=True, timeout=60, check=True
    )
    result: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    if "skip" in result:
        pytest.skip(f"GTK not importable: {result['skip']}")
    return result


def test_centre_text_is_drawn_without_gtk() -> None:
    counts = _text_pixels("plain")
    assert counts["22"][0] == 0  # no text, no white pixels: the count below measures the text
    assert counts["22"][1] >= 15
    assert counts["64"][1] >= 150


@pytest.mark.skipif(importlib.util.find_spec("gi") is None, reason="python3-gi not importable")
def test_centre_text_survives_gtk_being_loaded() -> None:
    with_gtk = _text_pixels("gtk")
    assert with_gtk["64"][1] >= 150  # RAQM layout drew 0 text pixels here
    assert with_gtk == _text_pixels("plain")


@pytest.mark.parametrize("size", [16, 22, 24])
def test_the_centre_number_leaves_both_rings_readable(size: int) -> None:
    """With show_percent the number stays inside the inner ring: the outer ring keeps its colour."""
    plain = render_icon(IconSpec(100.0, 100.0, Severity.FULL, Health.FRESH), size)
    numbered = render_icon(IconSpec(100.0, 100.0, Severity.FULL, Health.FRESH, "100"), size)
    for degrees in (45, 90, 135, 225, 270, 315):
        with_number, without = at_clock(numbered, degrees, OUTER), at_clock(plain, degrees, OUTER)
        assert all(abs(a - b) <= 12 for a, b in zip(with_number, without, strict=True)), degrees
