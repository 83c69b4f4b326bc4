"""The tray icon: two concentric usage rings on a dark disc, rendered from an :class:`IconSpec`.

``render_icon`` is a pure function of ``(spec, size)``: it draws at 4x the size and
downsamples with LANCZOS, so the same spec always gives the same pixels. The outer ring is
``spec.outer`` (the 5-hour window by default), the inner ring ``spec.inner`` (weekly); each
fills clockwise from 12 o'clock. A ring whose utilization is unknown is drawn as a dashed
(or, while starting, dotted) track and never as a 0 % ring. A known ring may carry a pace tick
(``spec.outer_pace``/``inner_pace``): a short light radial mark at the share of its window
already elapsed, so an arc reaching past its tick is ahead of pace. :class:`IconRenderer` keeps
a small LRU cache so an unchanged view never re-renders.

>>> from claude_tray.model import Health, Severity
>>> image = render_icon(IconSpec(42.0, 85.0, Severity.WARN, Health.FRESH), 22)
>>> image.size, image.mode
((22, 22), 'RGBA')
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from claude_tray.model import IconSpec
from claude_tray.render.glyphs import draw_glyph
from claude_tray.render.text import draw_centred_text
from claude_tray.render.theme import (
    BACKDROP,
    TEXT_HALO,
    Rgba,
    TrackStyle,
    Treatment,
    fill_colour,
    pace_colour,
    placeholder_colour,
    text_colour,
    track_colour,
    treatment,
)

__all__ = ["MAX_SIZE", "MIN_SIZE", "SUPERSAMPLE", "IconRenderer", "render_icon", "write_png"]

SUPERSAMPLE = 4
MIN_SIZE = 8
MAX_SIZE = 1024

# Ring bands as fractions of the icon size. The centre hole (radius 0.215) leaves room for a
# health glyph or a two-digit number at 22 px; the rings stay >= 2 px thick at 22 px.
_MARGIN = 0.03
_OUTER_WIDTH = 0.12
_GAP = 0.035
_INNER_WIDTH = 0.10
# The centre number stays inside the inner ring's outer edge, so both rings still read around it.
_TEXT_WIDTH = 2 * (0.5 - _MARGIN - _OUTER_WIDTH - _GAP) - 0.02
_TEXT_HEIGHT = 0.44
_DASHES = 8  # an unknown ring: 8 dashes, each half of its 45-degree step
_DOTS = 8  # a starting ring: 8 round dots
_PACE_WIDTH = 0.07  # the pace tick's stroke as a fraction of the size: 1.1-1.7 px at 16-24 px
_PACE_HALO = 1.8  # the dark notch around the tick, as a multiple of its width
_PACE_OVERHANG = 0.02  # how far the tick reaches inwards past its ring, so it reads as a mark


@dataclass(frozen=True, slots=True)
class _Band:
    """One ring on the supersampled canvas: its outer radius and stroke width, in pixels."""

    radius: float
    width: float
    dash_phase: float  # staggers the two rings' dashes so their gaps don't line up into spokes

    def box(self, canvas: int) -> tuple[float, float, float, float]:
        half = canvas / 2
        return (half - self.radius, half - self.radius, half + self.radius, half + self.radius)


def _bands(canvas: int) -> tuple[_Band, _Band]:
    outer = _Band(canvas * (0.5 - _MARGIN), canvas * _OUTER_WIDTH, 0.0)
    inner = _Band(outer.radius - canvas * (_OUTER_WIDTH + _GAP), canvas * _INNER_WIDTH, 0.5)
    return outer, inner


def _fraction(value: float) -> float:
    """Utilization as 0..1; clamped only here, for drawing (the number itself may exceed 100)."""
    return min(max(value, 0.0), 100.0) / 100.0


def _draw_solid(
    draw: ImageDraw.ImageDraw, canvas: int, band: _Band, value: float, colours: tuple[Rgba, Rgba]
) -> None:
    fill, track = colours
    box, width = band.box(canvas), round(band.width)
    draw.arc(box, 0, 360, fill=track, width=width)
    fraction = _fraction(value)
    if fraction >= 1.0:
        draw.arc(box, 0, 360, fill=fill, width=width)
    elif fraction > 0.0:
        # Pillow's angles run clockwise from 3 o'clock, so 12 o'clock is -90 degrees.
        draw.arc(box, -90, -90 + 360 * fraction, fill=fill, width=width)


def _draw_dashed(draw: ImageDraw.ImageDraw, canvas: int, band: _Band, colour: Rgba) -> None:
    # Thinner than the band and centred in it: reads as a dashed line, not as a gear.
    thin = _Band(band.radius - band.width * 0.2, band.width * 0.6, band.dash_phase)
    step = 360 / _DASHES
    for i in range(_DASHES):
        start = -90 + (i + band.dash_phase) * step
        draw.arc(thin.box(canvas), start, start + step / 2, fill=colour, width=round(thin.width))


def _draw_dotted(draw: ImageDraw.ImageDraw, canvas: int, band: _Band, colour: Rgba) -> None:
    centre_radius = band.radius - band.width / 2
    dot = band.width * 0.42
    for i in range(_DOTS):
        angle = 2 * math.pi * i / _DOTS
        x = canvas / 2 + centre_radius * math.sin(angle)
        y = canvas / 2 - centre_radius * math.cos(angle)
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=colour)


def _draw_ring(
    draw: ImageDraw.ImageDraw, canvas: int, band: _Band, value: float | None, spec: IconSpec
) -> None:
    look = treatment(spec.health)
    if value is not None and not math.isnan(value):
        _draw_solid(draw, canvas, band, value, (fill_colour(spec.severity, look), track_colour(look)))
    elif look.unknown_track is TrackStyle.DOTTED:
        _draw_dotted(draw, canvas, band, placeholder_colour(look))
    else:
        _draw_dashed(draw, canvas, band, placeholder_colour(look))


def _draw_pace(
    draw: ImageDraw.ImageDraw,
    canvas: int,
    band: _Band,
    ring: tuple[float | None, float | None],
    spec: IconSpec,
) -> None:
    """A radial tick across ``band`` at ``share`` of a clockwise turn from 12 o'clock, only on a
    ring with a number (a dashed ring has no pace to compare with).

    Centred on an output pixel, so a tick at 3, 6 or 9 o'clock is one bright line at 22 px
    instead of two half-bright ones."""
    value, share = ring
    if value is None or share is None or not (math.isfinite(value) and math.isfinite(share)):
        return
    angle = 2 * math.pi * min(max(share, 0.0), 1.0)
    overhang = canvas * _PACE_OVERHANG
    radii = (band.radius, band.radius - band.width - overhang)  # outwards it would touch the rim
    ends = [(canvas / 2 + r * math.sin(angle), canvas / 2 - r * math.cos(angle)) for r in radii]
    # the midpoint moved onto an output pixel's centre (by at most half a pixel)
    shift = [
        (math.floor(sum(c) / 2 / SUPERSAMPLE) + 0.5) * SUPERSAMPLE - sum(c) / 2
        for c in zip(*ends, strict=True)
    ]
    points = [(x + shift[0], y + shift[1]) for x, y in ends]
    width = max(SUPERSAMPLE, round(canvas * _PACE_WIDTH))
    draw.line(points, fill=BACKDROP, width=round(width * _PACE_HALO))  # a dark notch: contrast on amber
    draw.line(points, fill=pace_colour(treatment(spec.health)), width=width)


def _draw_centre(draw: ImageDraw.ImageDraw, canvas: int, spec: IconSpec, look: Treatment) -> None:
    if not look.shows_text:
        draw_glyph(draw, canvas, look.glyph, look.glyph_colour)
    elif spec.text:
        draw_centred_text(
            draw,
            canvas,
            spec.text,
            text_colour(look),
            TEXT_HALO,
            height=round(canvas * _TEXT_HEIGHT),
            max_width=round(canvas * _TEXT_WIDTH),
        )


def render_icon(spec: IconSpec, size: int) -> Image.Image:
    """A ``size`` x ``size`` RGBA icon for ``spec``; deterministic, corners transparent."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"icon size must be {MIN_SIZE}..{MAX_SIZE} px, not {size}")
    canvas = size * SUPERSAMPLE
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, canvas - 1, canvas - 1), fill=BACKDROP)
    outer, inner = _bands(canvas)
    _draw_ring(draw, canvas, outer, spec.outer, spec)
    _draw_ring(draw, canvas, inner, spec.inner, spec)
    _draw_pace(draw, canvas, outer, (spec.outer, spec.outer_pace), spec)
    _draw_pace(draw, canvas, inner, (spec.inner, spec.inner_pace), spec)
    _draw_centre(draw, canvas, spec, treatment(spec.health))
    return image.resize((size, size), Image.Resampling.LANCZOS)


class IconRenderer:
    """``render_icon`` behind a small LRU cache keyed by ``(spec, size)``.

    The returned image is shared with the cache: callers must not draw on it. Thread-safe,
    because the tray may render on the UI thread while a listener renders for a notification.
    """

    def __init__(self, max_entries: int = 32) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._cache: OrderedDict[tuple[IconSpec, int], Image.Image] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0  # how many times render_icon actually ran (for tests and doctor)

    def render(self, spec: IconSpec, size: int) -> Image.Image:
        key = (spec, size)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        image = render_icon(spec, size)  # outside the lock: rendering is pure and may run twice
        with self._lock:
            self.renders += 1
            self._cache[key] = image
            self._cache.move_to_end(key)
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return image


def write_png(spec: IconSpec, size: int, path: Path | str) -> Path:
    """Render ``spec`` and save it as a PNG at ``path`` (for docs, bug reports and tests)."""
    target = Path(path)
    render_icon(spec, size).save(target, format="PNG")
    return target
