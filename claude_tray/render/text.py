"""Centre text of the icon: font lookup, fitting, and drawing with a halo.

Every font is created with ``ImageFont.Layout.BASIC``: in a process that has imported GTK
(pystray's gtk/appindicator backends), Pillow's RAQM layout draws broken or no text
(``docs/desktop-testing.md`` §11), which is how a peer's tray number disappeared.
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw, ImageFont

from claude_tray.render.theme import Rgba

__all__ = ["draw_centred_text", "draw_label", "font_name"]

# Bold sans faces by file name; Pillow searches the system font folders for bare names.
_CANDIDATES = (
    "DejaVuSans-Bold.ttf",  # Linux (fonts-dejavu-core)
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",  # Arch
    "arialbd.ttf",  # Windows
    "Arial Bold.ttf",  # macOS (Supplemental)
)

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def _font_path() -> str | None:
    """The first bold face found, resolved once per process (the lookup walks font folders)."""
    for candidate in _CANDIDATES:
        try:
            font = ImageFont.truetype(candidate, 12, layout_engine=ImageFont.Layout.BASIC)
        except OSError:
            continue
        return str(font.path)
    return None


def font_name() -> str:
    """Which font the centre text uses (for ``doctor`` and bug reports)."""
    return _font_path() or "Pillow built-in"


@functools.lru_cache(maxsize=64)
def _font(px: int) -> _Font:
    path = _font_path()
    if path is None:
        return ImageFont.load_default(px)  # Pillow's own face; it uses the BASIC layout too
    return ImageFont.truetype(path, px, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=128)
def _fitted(text: str, height: int, max_width: int, halo: int) -> tuple[_Font, tuple[int, int, int, int]]:
    """The largest font (at most ``height`` px) whose text with halo fits ``max_width``."""
    probe = ImageDraw.Draw(_scratch())
    px = height
    while True:
        font = _font(px)
        box = probe.textbbox((0, 0), text, font=font, stroke_width=halo)
        box_ints = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
        if box_ints[2] - box_ints[0] <= max_width or px <= 6:
            return font, box_ints
        px = max(6, int(px * 0.92))


@functools.cache
def _scratch() -> Image.Image:
    return Image.new("L", (1, 1))


def draw_centred_text(
    draw: ImageDraw.ImageDraw,
    canvas: int,
    text: str,
    colour: Rgba,
    halo_colour: Rgba,
    *,
    height: int,
    max_width: int,
) -> None:
    """Draw ``text`` centred on the canvas, outlined so it reads over the rings."""
    halo = max(1, round(canvas * 0.045))
    font, (left, top, right, bottom) = _fitted(text, height, max_width, halo)
    x = (canvas - (right - left)) / 2 - left
    y = (canvas - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=colour, stroke_width=halo, stroke_fill=halo_colour)


def draw_label(image: Image.Image, xy: tuple[int, int], text: str, colour: Rgba, px: int) -> None:
    """Plain text at ``xy`` (top left) on an existing image: captions of the state gallery."""
    ImageDraw.Draw(image).text(xy, text, font=_font(px), fill=colour)
