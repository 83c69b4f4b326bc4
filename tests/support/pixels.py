"""Reading icon pixels the way the ring design is described: clock angles and radii.

An angle is in degrees clockwise from 12 o'clock; a radius or offset is a fraction of the icon
size, so a test reads like the design (see ``claude_tray/render/ring.py``).
"""

from __future__ import annotations

import math

from PIL import Image

from claude_tray.render.theme import Rgba

OUTER = 0.41  # centre line of the outer ring, as a fraction of the icon size
INNER = 0.265  # centre line of the inner ring; the centre hole is inside 0.215


def at_clock(image: Image.Image, degrees: float, radius: float) -> Rgba:
    """The pixel ``radius`` (fraction of the size) from the centre, ``degrees`` clockwise from 12."""
    size = image.width
    x = size / 2 + radius * size * math.sin(math.radians(degrees))
    y = size / 2 - radius * size * math.cos(math.radians(degrees))
    return image.getpixel((int(x), int(y)))  # type: ignore[return-value]


def at_offset(image: Image.Image, dx: float, dy: float) -> Rgba:
    """The pixel at (dx, dy) fractions of the size from the centre (y grows downwards)."""
    size = image.width
    return image.getpixel((int(size / 2 + dx * size), int(size / 2 + dy * size)))  # type: ignore[return-value]


def near(pixel: Rgba, colour: Rgba, tolerance: int = 28) -> bool:
    """Opaque and within ``tolerance`` of ``colour`` in every channel (LANCZOS softens edges)."""
    return pixel[3] == 255 and all(
        abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour[:3], strict=True)
    )
