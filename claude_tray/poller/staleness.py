"""What an old reading still says at a later instant: windows that reset since, and its age.

Pure functions of ``(snapshot, now)``, shared by the poller (which publishes the adjusted
snapshot while the data is not fresh), the tray view and ``status``. A window whose
``resets_at`` has passed since a kept reading really did reset, so it is shown as 0 % with
"reset since last reading" instead of the old number; a window without a reset time is left
alone (never a fabricated 0 %).

>>> from datetime import UTC, datetime, timedelta
>>> from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow
>>> t0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
>>> snap = UsageSnapshot("default", SourceKind.CLI, t0, (
...     UsageWindow("five_hour", "5-hour", 93.0, t0 + timedelta(minutes=30)),
...     UsageWindow("seven_day", "Weekly", 41.0, t0 + timedelta(days=3)),
...     UsageWindow("seven_day_opus", "Opus weekly", 12.0, None),
... ))
>>> later = t0 + timedelta(hours=1)
>>> [w.utilization for w in as_of(snap, later).windows]
[0.0, 41.0, 12.0]
>>> reset_notes(snap, later)
('5-hour: reset since last reading',)
>>> age_text(t0, later)
'1 h ago'
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from claude_tray.i18n import N_
from claude_tray.model import UsageSnapshot, UsageWindow

__all__ = ["RESET_NOTE", "age_text", "as_of", "next_reset", "reset_notes", "reset_since"]

RESET_NOTE = N_("reset since last reading")  # English in `status --json` detail; menus show _(RESET_NOTE)


def reset_since(window: UsageWindow, now: datetime) -> bool:
    """True when the window's reset time has passed (so its old number is no longer true)."""
    return window.resets_at is not None and window.resets_at <= now


def as_of(snapshot: UsageSnapshot, now: datetime) -> UsageSnapshot:
    """The snapshot as it stands at ``now``: every window that reset since reads 0 %.

    The reset window's next reset time is unknown until the next reading, so it becomes None.
    Returns the same object when nothing reset (cheap equality for listeners).
    """
    if not any(reset_since(w, now) for w in snapshot.windows):
        return snapshot
    windows = tuple(_reset(w) if reset_since(w, now) else w for w in snapshot.windows)
    return dataclasses.replace(snapshot, windows=windows)


def _reset(window: UsageWindow) -> UsageWindow:
    """A window after its reset: empty, and the old dollars no longer hold."""
    return dataclasses.replace(window, utilization=0.0, resets_at=None, dollars=None, computed=False)


def reset_notes(snapshot: UsageSnapshot, now: datetime) -> tuple[str, ...]:
    """One "<label>: reset since last reading" line per window that reset since the reading."""
    return tuple(f"{w.label}: {RESET_NOTE}" for w in snapshot.windows if reset_since(w, now))


def next_reset(snapshot: UsageSnapshot, now: datetime) -> datetime | None:
    """The earliest reset still ahead of ``now`` (when the shown numbers will change next)."""
    ahead = [w.resets_at for w in snapshot.windows if w.resets_at is not None and w.resets_at > now]
    return min(ahead, default=None)


def age_text(fetched_at: datetime, now: datetime) -> str:
    """A short, human age: "just now", "4 min ago", "3 h ago", "2 d ago".

    >>> from datetime import UTC, datetime, timedelta
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> [age_text(t, t + timedelta(seconds=s)) for s in (20, 300, 7200, 200000)]
    ['just now', '5 min ago', '2 h ago', '2 d ago']
    """
    seconds = max(0.0, (now - fetched_at).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"
