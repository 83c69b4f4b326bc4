"""The centre glyph of each health state, drawn with shapes on the supersampled canvas.

Shapes instead of font characters keep the glyphs identical on every OS (no font lookup) and
crisp at 16-22 px. Every glyph is drawn twice: first grown by a halo in the backdrop colour,
which cuts it cleanly out of the rings it overlaps, then in its own colour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

from claude_tray.render.theme import BACKDROP, TEXT, Glyph, Rgba

__all__ = ["draw_glyph"]


@dataclass(frozen=True, slots=True)
class _Pen:
    """Draws in units of the canvas size, centred on the canvas, every shape grown by ``grow``."""

    draw: ImageDraw.ImageDraw
    canvas: int
    colour: Rgba
    grow: float

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        half = self.canvas / 2
        return (half + x * self.canvas, half + y * self.canvas)

    def dot(self, x: float, y: float, radius: float) -> None:
        cx, cy = self._xy(x, y)
        r = radius * self.canvas + self.grow
        self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=self.colour)

    def bar(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A rounded rectangle between two corners."""
        (ax, ay), (bx, by) = self._xy(x0, y0), self._xy(x1, y1)
        g = self.grow
        radius = min(bx - ax, by - ay) / 2 + g
        self.draw.rounded_rectangle((ax - g, ay - g, bx + g, by + g), radius=radius, fill=self.colour)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        w = round(width * self.canvas + 2 * self.grow)
        self.draw.line((self._xy(x0, y0), self._xy(x1, y1)), fill=self.colour, width=w)
        for x, y in ((x0, y0), (x1, y1)):  # round caps
            self.dot(x, y, width / 2)

    def hook(self, x: float, y: float, radius: float, width: float, angles: tuple[float, float]) -> None:
        """An open arc (Pillow angles: degrees clockwise from 3 o'clock)."""
        cx, cy = self._xy(x, y)
        outer = (radius + width / 2) * self.canvas + self.grow
        w = round(width * self.canvas + 2 * self.grow)
        self.draw.arc((cx - outer, cy - outer, cx + outer, cy + outer), *angles, fill=self.colour, width=w)


def _ellipsis(pen: _Pen) -> None:
    for x in (-0.16, 0.0, 0.16):
        pen.dot(x, 0.0, 0.055)


def _pause(pen: _Pen) -> None:
    pen.bar(-0.13, -0.15, -0.04, 0.15)
    pen.bar(0.04, -0.15, 0.13, 0.15)


def _bang(pen: _Pen) -> None:
    pen.bar(-0.055, -0.22, 0.055, 0.06)
    pen.dot(0.0, 0.165, 0.065)


def _no_entry(pen: _Pen) -> None:
    pen.dot(0.0, 0.0, 0.25)
    if pen.grow == 0:  # the white bar sits inside the disc, so it needs no halo of its own
        _Pen(pen.draw, pen.canvas, TEXT, 0).bar(-0.15, -0.05, 0.15, 0.05)


def _slash(pen: _Pen) -> None:
    pen.line(0.34, -0.34, -0.34, 0.34, 0.09)


def _question(pen: _Pen) -> None:
    pen.hook(0.0, -0.08, 0.105, 0.085, (170.0, 440.0))
    pen.bar(-0.0425, 0.0, 0.0425, 0.08)
    pen.dot(0.0, 0.185, 0.058)


def _cross(pen: _Pen) -> None:
    pen.line(-0.14, -0.14, 0.14, 0.14, 0.085)
    pen.line(0.14, -0.14, -0.14, 0.14, 0.085)


_DRAWERS: dict[Glyph, Callable[[_Pen], None]] = {
    Glyph.ELLIPSIS: _ellipsis,
    Glyph.PAUSE: _pause,
    Glyph.BANG: _bang,
    Glyph.NO_ENTRY: _no_entry,
    Glyph.SLASH: _slash,
    Glyph.QUESTION: _question,
    Glyph.CROSS: _cross,
}


def draw_glyph(draw: ImageDraw.ImageDraw, canvas: int, glyph: Glyph, colour: Rgba) -> None:
    """Draw ``glyph`` centred on a ``canvas`` x ``canvas`` image, with a backdrop-coloured halo."""
    drawer = _DRAWERS.get(glyph)
    if drawer is None:
        return
    drawer(_Pen(draw, canvas, BACKDROP, grow=canvas * 0.05))
    drawer(_Pen(draw, canvas, colour, grow=0.0))
