"""The pace mark: where the view puts each ring's tick, the pixels the renderer draws for it,
the ``[icon] pace_mark`` switch, and "ahead of / behind pace" in the menu.

Pixels are read like a clock (``tests/support/pixels.py``): degrees clockwise from 12 o'clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from claude_tray.model import (
    AccountStatus,
    Health,
    IconSpec,
    Severity,
    SourceKind,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.render.ring import IconRenderer, render_icon
from claude_tray.settings.model import IconSettings, Settings
from claude_tray.settings.schema import parse_settings
from claude_tray.tray.view import build_view
from claude_tray.usage.forecast import PACE_STEPS, pace_tick
from tests.support.pixels import INNER, OUTER, at_clock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a pure function of its inputs: no real clock here
FIVE_HOURS = timedelta(hours=5)
WEEK = timedelta(days=7)


def status(
    five: float | None, five_elapsed: float, week: float | None = 30.0, week_elapsed: float = 0.5
) -> AccountStatus:
    windows = (
        UsageWindow("five_hour", "5-hour", five, NOW + FIVE_HOURS * (1 - five_elapsed), WindowGroup.SESSION),
        UsageWindow("seven_day", "Weekly", week, NOW + WEEK * (1 - week_elapsed), WindowGroup.WEEKLY),
    )
    snapshot = UsageSnapshot("default", SourceKind.CLI, NOW - timedelta(minutes=1), windows)
    return AccountStatus("default", Health.FRESH, snapshot)


def icon(settings: Settings | None = None, **kw: float | None) -> IconSpec:
    return build_view([status(**kw)], settings or Settings(), NOW, tz=UTC).icon  # type: ignore[arg-type]


def menu(**kw: float | None) -> list[str]:
    view = build_view([status(**kw)], Settings(), NOW, tz=UTC)  # type: ignore[arg-type]
    return [e.label for e in view.menu if not e.separator]


# -- the view: the tick's position on the IconSpec (the render cache key) ------------------------


@pytest.mark.parametrize(
    ("five_elapsed", "week_elapsed", "outer", "inner"),
    [
        (0.25, 0.5, 0.25, 0.5),
        (0.75, 0.125, 0.75, 0.125),
        (0.26, 0.49, 0.25, 0.5),  # quantized to 1/48 of a turn: 0.26 -> 12/48
        (0.005, 0.999, None, None),  # at 12 o'clock a tick says nothing
    ],
)
def test_each_ring_gets_the_elapsed_share_of_its_window(
    five_elapsed: float, week_elapsed: float, outer: float | None, inner: float | None
) -> None:
    spec = icon(five=40.0, five_elapsed=five_elapsed, week_elapsed=week_elapsed)
    assert (spec.outer_pace, spec.inner_pace) == (outer, inner)


def test_the_tick_moves_in_steps_so_the_icon_is_not_redrawn_every_minute() -> None:
    specs = {icon(five=40.0, five_elapsed=0.5 + minute / 300) for minute in range(-3, 3)}
    assert len(specs) == 1  # six minutes of a 5-hour window: one icon
    assert 300 / PACE_STEPS == 6.25  # minutes per step of a 5-hour window


def test_no_tick_without_a_number_a_reset_time_or_a_known_length() -> None:
    assert icon(five=None, five_elapsed=0.5).outer_pace is None  # a dashed ring has no tick
    no_reset = UsageWindow("five_hour", "5-hour", 40.0, None, WindowGroup.SESSION)
    assert pace_tick(no_reset, NOW) is None
    unknown_length = UsageWindow("mystery", "Mystery", 40.0, NOW + FIVE_HOURS, WindowGroup.OTHER)
    assert pace_tick(unknown_length, NOW) is None


def test_the_switch_turns_the_ticks_off() -> None:
    off = Settings(icon=IconSettings(pace_mark=False))
    spec = icon(off, five=40.0, five_elapsed=0.25)
    assert (spec.outer_pace, spec.inner_pace) == (None, None)
    assert parse_settings("[icon]\npace_mark = false\n").icon.pace_mark is False
    assert Settings().icon.pace_mark is True


# -- the menu: in words --------------------------------------------------------------------------


def test_the_menu_says_ahead_or_behind_pace_in_words() -> None:
    ahead = menu(five=70.0, five_elapsed=0.5)
    assert ahead[0].startswith("5-hour: 70% · resets in 2h 30m") and ahead[0].endswith(" · 20% ahead of pace")
    assert menu(five=20.0, five_elapsed=0.5)[0].endswith(" · 30% behind pace")
    assert menu(five=50.0, five_elapsed=0.5)[0].endswith(" · on pace")
    assert menu(five=30.0, five_elapsed=0.5, week=70.0, week_elapsed=0.5)[1].endswith(" · 20% ahead of pace")


def test_no_pace_words_before_a_meaningful_share_has_elapsed() -> None:
    early = menu(five=9.0, five_elapsed=0.05)  # 15 minutes into a 5-hour window
    assert "pace" not in early[0]
    assert "pace" in menu(five=9.0, five_elapsed=0.2)[0]


# -- the pixels ----------------------------------------------------------------------------------


def _light(pixel: tuple[int, ...]) -> bool:
    """The near-white tick; no fill colour or track comes close (their darkest channel is < 110).
    Alpha may dip a little: LANCZOS rings near the disc's edge at 16-22 px."""
    return pixel[3] >= 240 and min(pixel[:3]) >= 170


def ring_spec(outer_pace: float | None, inner_pace: float | None, value: float | None = 10.0) -> IconSpec:
    return IconSpec(value, value, Severity.CALM, Health.FRESH, None, outer_pace, inner_pace)


@pytest.mark.parametrize("size", [16, 22, 24, 64])
@pytest.mark.parametrize(("share", "degrees"), [(0.25, 90), (0.5, 180), (0.75, 270), (0.125, 45)])
def test_the_tick_sits_at_the_elapsed_share_clockwise_from_twelve(
    size: int, share: float, degrees: int
) -> None:
    image = render_icon(ring_spec(share, share), size)
    assert _light(at_clock(image, degrees, OUTER)), f"outer tick at {degrees} degrees"
    assert _light(at_clock(image, degrees, INNER)), f"inner tick at {degrees} degrees"
    for elsewhere in (degrees + 90, degrees + 180, degrees - 90):
        assert not _light(at_clock(image, elsewhere, OUTER))
        assert not _light(at_clock(image, elsewhere, INNER))


def test_each_ring_has_its_own_tick() -> None:
    image = render_icon(ring_spec(0.25, 0.75), 64)
    assert _light(at_clock(image, 90, OUTER)) and not _light(at_clock(image, 90, INNER))
    assert _light(at_clock(image, 270, INNER)) and not _light(at_clock(image, 270, OUTER))


def test_the_tick_reads_on_every_fill_colour() -> None:
    for level in Severity:
        value = 90.0  # the tick at 3 o'clock lies on the filled arc
        image = render_icon(IconSpec(value, value, level, Health.FRESH, None, 0.25, 0.25), 22)
        assert _light(at_clock(image, 90, OUTER)), level


def test_no_tick_no_change_and_no_tick_on_an_unknown_ring() -> None:
    plain = render_icon(ring_spec(None, None), 22)
    assert plain.tobytes() == render_icon(IconSpec(10.0, 10.0, Severity.CALM, Health.FRESH), 22).tobytes()
    unknown = render_icon(ring_spec(0.25, 0.25, value=None), 22)
    assert unknown.tobytes() == render_icon(ring_spec(None, None, value=None), 22).tobytes()


def test_the_render_cache_keys_on_the_tick() -> None:
    renderer = IconRenderer()
    first = renderer.render(ring_spec(0.25, 0.5), 22)
    assert renderer.render(ring_spec(0.25, 0.5), 22) is first
    moved = renderer.render(replace(ring_spec(0.25, 0.5), outer_pace=13 / 48), 22)
    assert moved is not first and renderer.renders == 2
    assert isinstance(moved, Image.Image)


def test_a_nan_share_or_value_draws_no_tick() -> None:
    plain = render_icon(ring_spec(None, None), 22).tobytes()
    assert render_icon(ring_spec(float("nan"), float("nan")), 22).tobytes() == plain
    nan_ring = IconSpec(float("nan"), 10.0, Severity.CALM, Health.FRESH, None, 0.25, None)
    assert (
        render_icon(nan_ring, 22).tobytes() == render_icon(replace(nan_ring, outer_pace=None), 22).tobytes()
    )
