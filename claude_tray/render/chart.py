"""The history chart: a PNG of the last 24 h of the 5-hour window and the last 7 days of the weekly ones.

``render_chart`` is a pure function of ``(readings, now, thresholds, tz, size)``: same inputs,
same pixels. Each panel has the threshold bands (warn..critical amber, critical..100 % red)
behind a step line per window: history stores a value when it changes, so a value holds until
the next reading, and drops to 0 at a ``resets_at`` that passed between two readings. The top
panel marks every reset with a dashed vertical line. Text uses Pillow's built-in face, which
lays out with the BASIC engine (RAQM draws nothing once GTK is loaded, see ``render/text.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType

from PIL import Image, ImageDraw, ImageFont

from claude_tray.model import Severity, Thresholds
from claude_tray.render.theme import SEVERITY_COLOURS, Rgba, mix
from claude_tray.usage.forecast import FIVE_HOURS, window_length
from claude_tray.usage.history import History, Reading

__all__ = [
    "BACKGROUND",
    "CRITICAL_BAND",
    "LINE_COLOURS",
    "RESET_MARK",
    "WARN_BAND",
    "Panel",
    "chart_panels",
    "render_chart",
    "write_chart",
]

BACKGROUND: Rgba = (255, 255, 255, 255)
WHITE: Rgba = (255, 255, 255, 255)
INK: Rgba = (40, 42, 48, 255)
GRID: Rgba = (222, 224, 230, 255)
WARN_BAND: Rgba = mix(SEVERITY_COLOURS[Severity.WARN], WHITE, 0.78)
CRITICAL_BAND: Rgba = mix(SEVERITY_COLOURS[Severity.CRITICAL], WHITE, 0.78)
RESET_MARK: Rgba = (120, 124, 136, 255)
# Line colours in drawing order; chosen to stay apart from the amber/red bands behind them.
LINE_COLOURS: tuple[Rgba, ...] = (
    (31, 119, 180, 255),  # blue
    (123, 63, 178, 255),  # purple
    (23, 150, 120, 255),  # teal
    (214, 39, 140, 255),  # magenta
    (90, 90, 90, 255),  # grey
    (140, 86, 75, 255),  # brown
)
_FIXED_COLOURS: Mapping[str, Rgba] = MappingProxyType(
    {"five_hour": LINE_COLOURS[0], "seven_day": LINE_COLOURS[1]}
)

_MARGIN_LEFT, _MARGIN_RIGHT = 44, 16
_TITLE_HEIGHT, _LEGEND_HEIGHT, _AXIS_HEIGHT = 26, 18, 20
_LINE_WIDTH = 2


@dataclass(frozen=True, slots=True)
class Panel:
    """One plot: its title, time range and the series drawn in it (keyed "account/window")."""

    title: str
    start: datetime
    end: datetime
    tick: timedelta  # spacing of the time labels
    series: Mapping[str, Sequence[Reading]]
    marks_resets: bool


def chart_panels(readings: Iterable[Reading], now: datetime) -> tuple[Panel, Panel]:
    """Sort readings into the 5-hour panel (last 24 h) and the weekly panel (last 7 days)."""
    five: dict[str, list[Reading]] = {}
    week: dict[str, list[Reading]] = {}
    for row in sorted(readings, key=lambda r: r.fetched_at):
        target = five if window_length(row.window) == FIVE_HOURS else week
        target.setdefault(f"{row.account}/{row.window}", []).append(row)
    return (
        Panel(
            "5-hour window, last 24 hours",
            now - timedelta(hours=24),
            now,
            timedelta(hours=3),
            five,
            marks_resets=True,
        ),
        Panel(
            "Weekly windows, last 7 days",
            now - timedelta(days=7),
            now,
            timedelta(days=1),
            week,
            marks_resets=False,
        ),
    )


def render_chart(
    readings: Iterable[Reading],
    now: datetime,
    thresholds: Thresholds,
    tz: tzinfo | None = None,
    size: tuple[int, int] = (900, 600),
) -> Image.Image:
    """The whole chart as an RGB image; times on the axes in ``tz`` (local time when None)."""
    image = Image.new("RGB", size, BACKGROUND[:3])
    draw = ImageDraw.Draw(image)
    panels = chart_panels(readings, now)
    accounts = {key.split("/", 1)[0] for panel in panels for key in panel.series}
    height = size[1] // len(panels)
    for index, panel in enumerate(panels):
        box = (_MARGIN_LEFT, index * height, size[0] - _MARGIN_RIGHT, (index + 1) * height)
        _Plot(draw, panel, box, tz).draw(thresholds, show_account=len(accounts) > 1)
    return image


def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(11)  # built in, BASIC layout: the same pixels everywhere


class _Plot:
    """Draws one panel into its box (left, top, right, bottom) of the image."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, panel: Panel, box: tuple[int, int, int, int], tz: tzinfo | None
    ):
        self.pen, self.panel, self.tz = draw, panel, tz
        left, top, right, bottom = box
        self.left, self.right = left, right
        self.top = top + _TITLE_HEIGHT + _LEGEND_HEIGHT
        self.bottom = bottom - _AXIS_HEIGHT
        self.font = _font()
        self.colours = _colours(list(panel.series))

    def x(self, when: datetime) -> float:
        span = (self.panel.end - self.panel.start).total_seconds()
        offset = (min(max(when, self.panel.start), self.panel.end) - self.panel.start).total_seconds()
        return self.left + (self.right - self.left) * offset / span

    def y(self, percent: float) -> float:
        clamped = min(max(percent, 0.0), 100.0)
        return self.bottom - (self.bottom - self.top) * clamped / 100.0

    def draw(self, thresholds: Thresholds, *, show_account: bool) -> None:
        self._bands(thresholds)
        self._grid()
        self._title_and_legend(show_account=show_account)
        if self.panel.marks_resets:
            for when in _reset_times(self.panel):
                self._dashed_vertical(self.x(when))
        for key, rows in self.panel.series.items():
            self._series(rows, self.colours[key])
        if not self.panel.series:
            self._text((self.left + 8, self.top + 8), "no readings in this period")
        self.pen.rectangle((self.left, self.top, self.right, self.bottom), outline=INK[:3])

    def _bands(self, thresholds: Thresholds) -> None:
        spans = (
            (thresholds.warn, thresholds.critical, WARN_BAND),
            (thresholds.critical, 100.0, CRITICAL_BAND),
        )
        for low, high, colour in spans:
            self.pen.rectangle((self.left, self.y(high), self.right, self.y(low)), fill=colour[:3])

    def _grid(self) -> None:
        for percent in (0, 25, 50, 75, 100):
            y = self.y(percent)
            self.pen.line((self.left, y, self.right, y), fill=GRID[:3])
            self._text((4, y - 6), f"{percent}%")
        tick = _first_tick(self.panel.start, self.panel.tick, self.tz)
        while tick <= self.panel.end:
            x = self.x(tick)
            self.pen.line((x, self.top, x, self.bottom), fill=GRID[:3])
            label = tick.astimezone(self.tz).strftime(
                "%H:%M" if self.panel.tick < timedelta(days=1) else "%a %d"
            )
            self._text((x - 14, self.bottom + 4), label)
            tick += self.panel.tick

    def _title_and_legend(self, *, show_account: bool) -> None:
        top = self.top - _TITLE_HEIGHT - _LEGEND_HEIGHT
        self._text((self.left, top + 8), self.panel.title)
        x = self.left
        for key, rows in self.panel.series.items():
            label = f"{rows[-1].account}: {rows[-1].label}" if show_account else rows[-1].label
            self.pen.rectangle((x, top + 30, x + 10, top + 38), fill=self.colours[key][:3])
            self._text((x + 14, top + 28), label)
            x += 24 + int(self.pen.textlength(label, font=self.font))

    def _series(self, rows: Sequence[Reading], colour: Rgba) -> None:
        points = _step_points(rows, self.panel.end)
        # start at the value in force when the panel begins; x() pins earlier times to the left edge
        first = max((i for i, (when, _) in enumerate(points) if when <= self.panel.start), default=0)
        pixels = [(self.x(when), self.y(value)) for when, value in points[first:]]
        if len(pixels) == 1:
            self.pen.ellipse(_dot(pixels[0]), fill=colour[:3])
        elif pixels:
            self.pen.line(pixels, fill=colour[:3], width=_LINE_WIDTH)

    def _dashed_vertical(self, x: float) -> None:
        y = float(self.top)
        while y < self.bottom:
            self.pen.line((x, y, x, min(y + 4, self.bottom)), fill=RESET_MARK[:3], width=1)
            y += 8

    def _text(self, at: tuple[float, float], text: str) -> None:
        self.pen.text(at, text, fill=INK[:3], font=self.font)


def _dot(centre: tuple[float, float]) -> tuple[float, float, float, float]:
    x, y = centre
    return (x - 2, y - 2, x + 2, y + 2)


def _colours(keys: Sequence[str]) -> dict[str, Rgba]:
    """5-hour blue and weekly purple when they appear once; the rest take the spare colours in turn."""
    colours: dict[str, Rgba] = {}
    for key in keys:
        fixed = _FIXED_COLOURS.get(key.split("/", 1)[1])
        if fixed is not None and fixed not in colours.values():
            colours[key] = fixed
    spare = [c for c in LINE_COLOURS if c not in colours.values()] or list(LINE_COLOURS)
    for index, key in enumerate(k for k in keys if k not in colours):
        colours[key] = spare[index % len(spare)]
    return colours


def _step_points(rows: Sequence[Reading], end: datetime) -> list[tuple[datetime, float]]:
    """The step line's corners: each value holds until the next reading or its reset."""
    known = [r for r in rows if r.utilization is not None]
    points: list[tuple[datetime, float]] = []
    for row, after in zip(known, [*known[1:], None], strict=True):
        value = row.utilization or 0.0
        until = after.fetched_at if after is not None else end
        points.append((row.fetched_at, value))
        if row.resets_at is not None and row.resets_at < until:
            points += [(row.resets_at, value), (row.resets_at, 0.0)]
            value = 0.0
        points.append((until, value))
    return points


def _reset_times(panel: Panel) -> list[datetime]:
    """Resets inside the panel: passed ``resets_at`` values and drops, one mark per reset."""
    found: list[datetime] = []
    for rows in panel.series.values():
        for before, after in pairwise(rows):
            if before.resets_at is not None and before.resets_at <= after.fetched_at:
                found.append(before.resets_at)
            elif (after.utilization or 0.0) < (before.utilization or 0.0):
                found.append(after.fetched_at)
        if rows and rows[-1].resets_at is not None and rows[-1].resets_at <= panel.end:
            found.append(rows[-1].resets_at)
    marks: list[datetime] = []
    for when in sorted(t for t in found if panel.start <= t <= panel.end):
        if not marks or when - marks[-1] > timedelta(minutes=10):
            marks.append(when)
    return marks


def _first_tick(start: datetime, step: timedelta, tz: tzinfo | None) -> datetime:
    """The first round label time (a multiple of ``step`` in local time) at or after ``start``."""
    local = start.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    tick = midnight
    while tick < local:
        tick += step
    return tick


def write_chart(
    history: History, out: Path, now: datetime, thresholds: Thresholds, account: str | None = None
) -> Path:
    """Draw the last 7 days of ``history`` (Pillow, imported here) into ``out`` atomically."""
    since = now - timedelta(days=7)
    rows: list[Reading] = []
    if history.exists():  # never create the database just to draw it
        rows = history.readings(account=account, since=since)
        rows += [e.as_reading() for e in history.extras(account=account, since=since)]
    image = render_chart(rows, now, thresholds)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    image.save(partial, format="PNG")
    partial.chmod(0o600)  # a usage pattern is the person's own, like history.sqlite3
    partial.replace(out)  # a viewer never opens half a file
    return out
