"""The last reading of an account as stored on disk, for ``status`` when the API fails now.

History keeps only changed values, so an account's last reading is the newest row of each of
its windows (from the newest row's source; a window not seen for over a week is gone) plus its
newest extra-usage row. ``last_poll.json`` knows when a daemon last read the account
successfully (values unchanged since were not stored again) and when it may try next.
Reading never fails: a missing or broken file is "nothing stored".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from claude_tray.model import ExtraUsage, SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.usage.history import History, Reading
from claude_tray.usage.last_poll import PollRecord

__all__ = ["next_try", "stored_snapshot"]

_ORDER = {WindowGroup.SESSION: 0, WindowGroup.WEEKLY: 1, WindowGroup.MODEL: 2, WindowGroup.OTHER: 3}
_GONE = timedelta(days=8)  # a weekly window unchanged all week still has a row this young


def stored_snapshot(history: History, account: str, record: PollRecord | None) -> UsageSnapshot | None:
    """The account's last stored reading, dated by its newest row or the daemon's last success."""
    import sqlite3

    if not history.exists():
        return None
    try:
        rows, extras = history.latest()
    except (OSError, sqlite3.Error):  # a broken history is "nothing stored", never a crash
        return None
    mine = [r for r in rows if r.account == account]
    extra = next((e for e in extras if e.account == account), None)
    if not mine and extra is None:
        return None
    newest = max([r.fetched_at for r in mine] + ([extra.fetched_at] if extra else []))
    source = max(mine, key=lambda r: r.fetched_at).source if mine else (extra.source if extra else "")
    kept = [_window(r) for r in mine if r.source == source and newest - r.fetched_at < _GONE]
    windows = tuple(sorted(kept, key=lambda w: (_ORDER[w.group], w.key)))
    money = None
    if extra is not None:
        money = ExtraUsage(extra.enabled, extra.used, extra.limit, extra.currency, extra.utilization)
    fetched = max(newest, record.fetched_at) if record is not None and record.fetched_at else newest
    try:
        kind = SourceKind(source)
    except ValueError:
        kind = SourceKind.CLI
    return UsageSnapshot(account, kind, fetched, windows, money)


def _window(row: Reading) -> UsageWindow:
    return UsageWindow(row.window, row.label, row.utilization, row.resets_at, _group(row.window))


def _group(key: str) -> WindowGroup:
    if key in ("five_hour", "session") or key.startswith("session:"):
        return WindowGroup.SESSION
    if key in ("seven_day", "weekly_all"):
        return WindowGroup.WEEKLY
    if key.startswith(("seven_day_sonnet", "seven_day_opus", "seven_day_fable", "model:", "weekly_scoped")):
        return WindowGroup.MODEL
    return WindowGroup.OTHER


def next_try(record: PollRecord | None, now: datetime) -> datetime | None:
    """The daemon's next allowed try for the account, when it is still ahead."""
    if record is None or record.next_attempt_at is None or record.next_attempt_at <= now:
        return None
    return record.next_attempt_at
