"""Several readings of one account -> one snapshot: per window, the freshest reading wins. Pure.

Claude Code's status line, its usage cache and the usage API each say something about the same
account, each at its own time. Provenance never makes a reading current, only its timestamp does
(a peer let a stale cache shadow a fresh API reading: herdr-agent-usage #43). So:

* the freshest reading is the snapshot: its ``fetched_at`` and ``source`` are that reading's;
* every window comes from the freshest reading that has it;
* a window only an older reading has (the status line carries no per-model rows) is kept while
  that reading is at most ``keep_for`` old, with ``read_at`` set to its own time;
* paid extra usage likewise comes from the freshest reading that reports it.

>>> from datetime import UTC, datetime, timedelta
>>> from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow, WindowGroup
>>> t0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
>>> api = UsageSnapshot("me", SourceKind.CLI, t0, (
...     UsageWindow("five_hour", "5-hour", 10.0, None, WindowGroup.SESSION),
...     UsageWindow("seven_day_opus", "Opus weekly", 30.0, None, WindowGroup.MODEL)))
>>> line = UsageSnapshot("me", SourceKind.STATUSLINE, t0 + timedelta(minutes=20), (
...     UsageWindow("five_hour", "5-hour", 15.0, None, WindowGroup.SESSION),))
>>> snap = fuse([api, line], t0 + timedelta(minutes=21))
>>> snap.source.value, [(w.key, w.utilization, w.read_at == t0) for w in snap.windows]
('statusline', [('five_hour', 15.0, False), ('seven_day_opus', 30.0, True)])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta

from claude_tray.model import UsageSnapshot, UsageWindow, WindowGroup

__all__ = ["KEEP_FOR", "freshest", "fuse"]

KEEP_FOR = timedelta(hours=6)  # an older reading's extra windows are shown (with their age) this long
_GROUP_ORDER = {WindowGroup.SESSION: 0, WindowGroup.WEEKLY: 1, WindowGroup.MODEL: 2, WindowGroup.OTHER: 3}


def freshest(readings: Iterable[UsageSnapshot | None]) -> UsageSnapshot | None:
    """The reading with the latest ``fetched_at`` (the first of equals), or None."""
    best: UsageSnapshot | None = None
    for reading in readings:
        if reading is not None and (best is None or reading.fetched_at > best.fetched_at):
            best = reading
    return best


def fuse(
    readings: Iterable[UsageSnapshot | None], now: datetime, keep_for: timedelta = KEEP_FOR
) -> UsageSnapshot | None:
    """One snapshot from several readings of one account (see the module docstring)."""
    ordered = sorted((r for r in readings if r is not None), key=lambda r: r.fetched_at, reverse=True)
    if not ordered:
        return None
    primary = ordered[0]
    windows: dict[str, UsageWindow] = {w.key: w for w in primary.windows}
    extra = primary.extra
    for older in ordered[1:]:
        if now - older.fetched_at > keep_for:
            break  # sorted newest first: every later one is older still
        for window in older.windows:
            if window.key not in windows:
                windows[window.key] = dataclasses.replace(window, read_at=window.read_at or older.fetched_at)
        if extra is None and older.extra is not None:
            extra = older.extra
    if len(windows) == len(primary.windows) and extra is primary.extra:
        return primary  # nothing added: the same object (cheap equality for listeners)
    merged = sorted(windows.values(), key=lambda w: _GROUP_ORDER[w.group])
    return dataclasses.replace(primary, windows=tuple(merged), extra=extra)
