"""A Claude Code session's context window: its model family and size, how full it is, how that reads in the menu and in `status --json` (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from claude_tray.i18n import _, ngettext

__all__ = [
    "ACTIVE_WITHIN",
    "LARGE_WINDOW",
    "SMALL_WINDOW",
    "SessionContext",
    "context_limit",
    "model_family",
    "select_active",
    "session_json",
    "session_label",
    "session_menu_lines",
]

ACTIVE_WITHIN = timedelta(minutes=30)


SMALL_WINDOW = 200_000


LARGE_WINDOW = 1_000_000


_FAMILY = re.compile(
    r"(opus|sonnet|haiku|fable|mythos)(?:-(\d{1,2})(?!\d))?(?:-(\d{1,2})(?!\d))?", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class SessionContext:
    """One session's context window. ``fill`` is a percentage (0-100, like utilization), an estimate."""

    session_id: str
    project: str  # last component of the session's cwd
    model: str  # API model id as the transcript records it, e.g. "claude-opus-4-6"
    context_tokens: int
    context_limit: int
    fill: float
    last_activity: datetime  # aware UTC: the newest write to any of the session's files


def model_family(model: str) -> str:
    """'Opus', 'Sonnet', 'Haiku', ... or the id itself when unknown."""
    match = _FAMILY.search(model)
    return match.group(1).capitalize() if match else model


def context_limit(model: str, peak_tokens: int) -> int:
    """The window size for a model (api-facts §13); 1M once an observed fill exceeded 200k."""
    if "[1m]" in model.lower() or peak_tokens > SMALL_WINDOW:
        return LARGE_WINDOW
    match = _FAMILY.search(model)
    if match is None:
        return SMALL_WINDOW
    family = match.group(1).lower()
    if family in ("fable", "mythos"):
        return LARGE_WINDOW
    major = int(match.group(2) or 0)
    minor = int(match.group(3) or 0)
    # Opus and Sonnet from 4.6 on ship a 1M window; older ones and Haiku have 200k.
    return LARGE_WINDOW if family in ("opus", "sonnet") and (major, minor) >= (4, 6) else SMALL_WINDOW


def select_active(
    sessions: Iterable[SessionContext], now: datetime, within: timedelta = ACTIVE_WITHIN
) -> tuple[SessionContext, ...]:
    """Sessions written to within ``within`` of ``now``, fullest first."""
    recent = [s for s in sessions if now - s.last_activity <= within]
    return tuple(sorted(recent, key=lambda s: (-s.fill, s.project, s.session_id)))


def _short_tokens(count: int) -> str:
    return f"{count / 1_000_000:g}M" if count >= 1_000_000 else f"{round(count / 1000)}k"


def session_label(session: SessionContext) -> str:
    """The menu row: 'claude-tray · Opus · 62% of 1M'."""
    family = model_family(session.model)
    fill = _("{percent} of {size}").format(
        percent=f"{session.fill:.0f}%", size=_short_tokens(session.context_limit)
    )
    return f"{session.project} · {family} · {fill}"


def session_menu_lines(sessions: Sequence[SessionContext], limit: int = 8) -> tuple[str, ...]:
    """The menu's rows for active sessions (already sorted), the overflow summarised."""
    rows = [session_label(s) for s in sessions[:limit]]
    if len(sessions) > limit:
        more = len(sessions) - limit
        rows.append(ngettext("… and {count} more", "… and {count} more", more).format(count=more))
    return tuple(rows)


def session_json(session: SessionContext) -> dict[str, object]:
    """The ``sessions`` entry of ``claude-tray status --json``."""
    return {
        "session_id": session.session_id,
        "project": session.project,
        "model": session.model,
        "context_tokens": session.context_tokens,
        "context_limit": session.context_limit,
        "fill": round(session.fill, 1),
        "last_activity": session.last_activity.isoformat(),
    }
