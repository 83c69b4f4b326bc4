"""The history chart, checked by its pixels: bands, lines, reset marks, determinism."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PIL import Image

from claude_tray.model import Thresholds
from claude_tray.render.chart import CRITICAL_BAND, LINE_COLOURS, RESET_MARK, WARN_BAND, render_chart
from claude_tray.usage.history import Reading

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BLUE, PURPLE = LINE_COLOURS[0][:3], LINE_COLOURS[1][:3]
SIZE = (900, 600)


def flat(
    window: str, value: float, *, hours: float = 30, resets_in: timedelta | None = None
) -> list[Reading]:
    return [
        Reading(
            "me",
            window,
            window,
            value,
            NOW + (resets_in or timedelta(hours=3)),
            NOW - timedelta(hours=hours),
            "cli",
        )
    ]


def pixels(image: Image.Image, colour: tuple[int, ...], *, top_half: bool) -> list[tuple[int, int]]:
    """(x, y) of every pixel of exactly this colour in the top (5-hour) or bottom (weekly) panel."""
    width, height = image.size
    half = height // 2
    raw = image.convert("RGB").tobytes()
    wanted = bytes(colour[:3])
    found = [(i % width, i // width) for i in range(width * height) if raw[3 * i : 3 * i + 3] == wanted]
    return [(x, y) for x, y in found if (y < half) == top_half]


def test_bands_follow_the_thresholds() -> None:
    image = render_chart([], NOW, Thresholds(warn=70, critical=90), UTC, SIZE)
    default_warn = len(pixels(image, WARN_BAND[:3], top_half=True))
    assert default_warn > 0
    assert len(pixels(image, CRITICAL_BAND[:3], top_half=False)) > 0
    wider = render_chart([], NOW, Thresholds(warn=40, critical=90), UTC, SIZE)
    assert len(pixels(wider, WARN_BAND[:3], top_half=True)) > 2 * default_warn  # 50 points of band, not 20


def test_each_window_draws_its_line_in_its_panel() -> None:
    readings = [*flat("five_hour", 30), *flat("seven_day", 60, hours=200, resets_in=timedelta(days=3))]
    image = render_chart(readings, NOW, Thresholds(), UTC, SIZE)
    blue_top, purple_bottom = pixels(image, BLUE, top_half=True), pixels(image, PURPLE, top_half=False)
    plot_width = SIZE[0] - 60
    assert len({x for x, _ in blue_top}) > plot_width * 0.9  # a flat line across the whole 24 h
    assert len({x for x, _ in purple_bottom}) > plot_width * 0.9
    assert not pixels(image, PURPLE, top_half=True)
    assert not pixels(image, BLUE, top_half=False)


def test_a_line_sits_inside_the_band_of_its_value() -> None:
    rgb = render_chart(flat("five_hour", 80), NOW, Thresholds(), UTC, SIZE).convert("RGB")
    x, y = pixels(rgb, BLUE, top_half=True)[len(pixels(rgb, BLUE, top_half=True)) // 2]
    assert rgb.getpixel((x, y - 4)) == WARN_BAND[:3]
    assert rgb.getpixel((x, y + 4)) == WARN_BAND[:3]


def test_per_model_lines_get_their_own_colours() -> None:
    readings = [
        *flat("seven_day", 40, hours=200, resets_in=timedelta(days=3)),
        *flat("weekly_scoped:Fable", 20, hours=200, resets_in=timedelta(days=3)),
        *flat("weekly_scoped:Opus", 10, hours=200, resets_in=timedelta(days=3)),
    ]
    image = render_chart(readings, NOW, Thresholds(), UTC, SIZE)
    drawn = {c for c in LINE_COLOURS if len(pixels(image, c[:3], top_half=False)) > 500}
    assert len(drawn) == 3
    assert LINE_COLOURS[1] in drawn  # weekly keeps purple


def test_resets_are_marked_and_the_line_drops() -> None:
    before_reset = NOW - timedelta(hours=6)
    readings = [
        Reading("me", "five_hour", "5-hour", 90.0, before_reset, NOW - timedelta(hours=8), "cli"),
        Reading("me", "five_hour", "5-hour", 10.0, NOW + timedelta(hours=2), NOW - timedelta(hours=3), "cli"),
    ]
    image = render_chart(readings, NOW, Thresholds(), UTC, SIZE)
    marks = pixels(image, RESET_MARK[:3], top_half=True)
    assert marks, "a dashed line marks the reset"
    xs = {x for x, _ in marks}
    assert max(xs) - min(xs) <= 2  # one vertical mark
    x = min(xs)
    assert x == round(44 + (SIZE[0] - 16 - 44) * 18 / 24)  # 18 h into the 24 h panel
    blue = pixels(image, BLUE, top_half=True)
    ys_after = {y for bx, y in blue if bx > x + 5}
    ys_before = {y for bx, y in blue if bx < x - 5}
    assert min(ys_after) > max(ys_before)  # lower on screen: the value dropped


def test_same_inputs_same_pixels() -> None:
    readings = [*flat("five_hour", 30), *flat("seven_day", 60)]
    first = render_chart(readings, NOW, Thresholds(), UTC, SIZE)
    second = render_chart(list(reversed(readings)), NOW, Thresholds(), UTC, SIZE)
    assert first.tobytes() == second.tobytes()
    assert first.size == SIZE
