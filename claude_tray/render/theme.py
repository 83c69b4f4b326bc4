"""Colours and per-health treatments of the ring icon: pure data, no Pillow.

The icon sits on a dark backdrop disc. That one choice answers three problems at once: the
rings keep their contrast on light *and* dark panels, the centre text is always light-on-dark,
and pystray's xorg backend (which pastes RGBA onto black, ``docs/desktop-testing.md`` §8)
only blackens the corners, which the disc never covered anyway.

Severity picks the fill colour (colour always follows consumption); :class:`Health` picks a
:class:`Treatment`: dimmed, greyed, how an unknown ring looks, and a centre glyph that replaces the
number whenever the number is not the news (the number is still in the tooltip and menu).

>>> treatment(Health.STALE).dim
True
>>> treatment(Health.NO_CREDENTIALS).glyph
<Glyph.QUESTION: 'question'>
>>> fill_colour(Severity.CRITICAL, treatment(Health.FRESH)) == SEVERITY_COLOURS[Severity.CRITICAL]
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from claude_tray.model import Health, Severity

__all__ = [
    "BACKDROP",
    "GREY_FILL",
    "PLACEHOLDER",
    "SEVERITY_COLOURS",
    "TEXT",
    "TEXT_HALO",
    "TRACK",
    "Glyph",
    "Rgba",
    "TrackStyle",
    "Treatment",
    "fill_colour",
    "mix",
    "pace_colour",
    "placeholder_colour",
    "text_colour",
    "track_colour",
    "treatment",
]

Rgba = tuple[int, int, int, int]

BACKDROP: Rgba = (28, 30, 36, 255)  # near-black disc: survives xorg's black, contrasts on light panels
TRACK: Rgba = (78, 82, 94, 255)  # the empty part of a ring, visible on the backdrop
PLACEHOLDER: Rgba = (104, 109, 124, 255)  # dashes/dots of a ring with no number: lighter, so they read
GREY_FILL: Rgba = (150, 154, 166, 255)  # last known level when the numbers can't be trusted
TEXT: Rgba = (255, 255, 255, 255)
TEXT_HALO: Rgba = BACKDROP  # the halo cuts the text out of the rings it overlaps
UNKNOWN_FILL: Rgba = (120, 124, 136, 255)  # a known level with no severity (never in practice)

# Distinct in hue *and* lightness, so the steps still read for red-green colour blindness.
SEVERITY_COLOURS: Mapping[Severity, Rgba] = MappingProxyType(
    {
        Severity.CALM: (52, 199, 109, 255),  # green
        Severity.WARN: (255, 184, 28, 255),  # amber
        Severity.CRITICAL: (255, 98, 46, 255),  # orange-red
        Severity.FULL: (232, 28, 84, 255),  # crimson: at the wall
    }
)

_DIM_TOWARDS_BACKDROP = 0.45  # how far a stale icon fades: clearly dimmer, still readable at 22 px


class TrackStyle(enum.Enum):
    """How a ring's empty track is drawn; it tells "0 %" apart from "no number"."""

    SOLID = "solid"  # a known level: a solid track with the fill on top (0 % = track only)
    DASHED = "dashed"  # this window's utilization is unknown: never drawn as 0 %
    DOTTED = "dotted"  # starting: no poll has finished yet


class Glyph(enum.Enum):
    """The centre mark of a health state (drawn with shapes, so no font is needed)."""

    NONE = "none"
    ELLIPSIS = "ellipsis"  # starting: three dots
    PAUSE = "pause"  # rate limited: two bars
    BANG = "bang"  # unauthorized: "!"
    NO_ENTRY = "no_entry"  # blocked by Cloudflare: red disc with a white bar
    SLASH = "slash"  # offline: a slash breaking both rings
    QUESTION = "question"  # no credentials: "?"
    CROSS = "cross"  # error: unexpected response format


@dataclass(frozen=True, slots=True)
class Treatment:
    """How one :class:`Health` changes the icon."""

    glyph: Glyph = Glyph.NONE
    glyph_colour: Rgba = TEXT
    dim: bool = False  # fade everything towards the backdrop
    grey: bool = False  # draw known levels in grey instead of the severity colour
    unknown_track: TrackStyle = TrackStyle.DASHED  # how a ring with no number is drawn

    @property
    def shows_text(self) -> bool:
        """The centre number is drawn only when no glyph claims the centre."""
        return self.glyph is Glyph.NONE


_AMBER: Rgba = (255, 184, 28, 255)
_RED: Rgba = (226, 38, 52, 255)
_SKY: Rgba = (120, 190, 255, 255)
_LIGHT: Rgba = (225, 228, 235, 255)

_TREATMENTS: Mapping[Health, Treatment] = MappingProxyType(
    {
        Health.FRESH: Treatment(),
        Health.STALE: Treatment(dim=True),
        Health.STARTING: Treatment(Glyph.ELLIPSIS, _LIGHT, unknown_track=TrackStyle.DOTTED),
        Health.RATE_LIMITED: Treatment(Glyph.PAUSE, _LIGHT),
        Health.UNAUTHORIZED: Treatment(Glyph.BANG, _AMBER, grey=True),
        Health.BLOCKED: Treatment(Glyph.NO_ENTRY, _RED, grey=True),
        Health.OFFLINE: Treatment(Glyph.SLASH, _LIGHT, grey=True),
        Health.NO_CREDENTIALS: Treatment(Glyph.QUESTION, _SKY, grey=True),
        Health.ERROR: Treatment(Glyph.CROSS, _RED, grey=True),
    }
)


def treatment(health: Health) -> Treatment:
    return _TREATMENTS[health]


def mix(colour: Rgba, towards: Rgba, amount: float) -> Rgba:
    """``colour`` moved ``amount`` (0..1) of the way to ``towards``; alpha is kept."""
    r, g, b, a = colour
    return (
        round(r + (towards[0] - r) * amount),
        round(g + (towards[1] - g) * amount),
        round(b + (towards[2] - b) * amount),
        a,
    )


def _faded(colour: Rgba, look: Treatment) -> Rgba:
    return mix(colour, BACKDROP, _DIM_TOWARDS_BACKDROP) if look.dim else colour


def fill_colour(level: Severity | None, look: Treatment) -> Rgba:
    """The colour of the filled part of both rings (the worse window's severity)."""
    if look.grey:
        return _faded(GREY_FILL, look)
    return _faded(UNKNOWN_FILL if level is None else SEVERITY_COLOURS[level], look)


def track_colour(look: Treatment) -> Rgba:  # noqa: ARG001 - same for every health, on purpose
    """Never faded: the track is the icon's outline, which a dark panel would otherwise swallow."""
    return TRACK


def text_colour(look: Treatment) -> Rgba:
    return _faded(TEXT, look)


def placeholder_colour(look: Treatment) -> Rgba:
    return _faded(PLACEHOLDER, look)


PACE_MARK: Rgba = (246, 247, 250, 255)  # the pace tick: near-white reads on every fill and on the track


def pace_colour(look: Treatment) -> Rgba:
    return _faded(PACE_MARK, look)
