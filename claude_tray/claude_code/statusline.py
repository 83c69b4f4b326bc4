"""Claude Code's status-line feed: parse it, record it, read it back, say it in one line.

Since Claude Code 2.1.80 the JSON it pipes to a status-line command on every turn carries
``rate_limits.five_hour`` / ``seven_day`` (``used_percentage`` 0-100, ``resets_at`` epoch
seconds) for subscribers (api-facts §11.1). ``claude-tray statusline`` records those numbers
here, one small JSON file per Claude Code config dir under ``state_dir()/statusline/``, and the
daemon reads them back: zero requests, no token.

Values are range-checked, because one CLI build leaked an epoch into ``used_percentage``: a
window whose numbers are implausible is dropped rather than shown.

>>> reading = parse_feed(b'{"rate_limits": {"five_hour": {"used_percentage": 42, "resets_at": 1795321848}}}')
>>> reading.five_hour.used
42.0
>>> parse_feed(b'{"rate_limits": {"five_hour": {"used_percentage": 1795321848}}}').five_hour is None
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from claude_tray import localfile
from claude_tray.claude_code import statusline_feed as feed
from claude_tray.claude_code.statusline_feed import absolute_dir, config_key, replace_file
from claude_tray.errors import StatuslineInputError
from claude_tray.i18n import N_
from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.paths import state_dir

__all__ = [
    "FeedReading",
    "LimitReading",
    "RecordStore",
    "StatuslineRecord",
    "absolute_dir",
    "config_key",
    "default_root",
    "parse_feed",
    "record_snapshot",
    "replace_file",
    "status_text",
]

MAX_PERCENT = feed.MAX_PERCENT
_RECORD_SCHEMA = feed.RECORD_SCHEMA
_WINDOWS = (  # key -> how a snapshot labels and groups it (the status bar's short labels: feed.WINDOWS)
    ("five_hour", N_("5-hour"), WindowGroup.SESSION),
    ("seven_day", N_("Weekly"), WindowGroup.WEEKLY),
)


@dataclass(frozen=True, slots=True)
class LimitReading:
    used: float  # percent, 0 .. MAX_PERCENT
    resets_at: datetime | None  # aware UTC


@dataclass(frozen=True, slots=True)
class FeedReading:
    """What one status-line payload said about the plan limits (either may be absent)."""

    five_hour: LimitReading | None
    seven_day: LimitReading | None

    @property
    def has_limits(self) -> bool:
        return self.five_hour is not None or self.seven_day is not None


@dataclass(frozen=True, slots=True)
class StatuslineRecord:
    """A recorded reading plus when and for which config dir it was written."""

    config_dir: str
    written_at: datetime  # aware UTC
    reading: FeedReading


def _reading(limits: object) -> FeedReading:
    found = feed.read_limits(limits)
    five, seven = (LimitReading(*found[k]) if k in found else None for k, _short in feed.WINDOWS)
    return FeedReading(five, seven)


def _limits(reading: FeedReading) -> dict[str, tuple[float, datetime | None]]:
    """The reading as :mod:`statusline_feed` keeps it: window key -> (used, resets_at)."""
    found = {key: getattr(reading, key) for key, _short in feed.WINDOWS}
    return {key: (limit.used, limit.resets_at) for key, limit in found.items() if limit is not None}


def parse_feed(raw: bytes) -> FeedReading:
    """The status-line JSON -> its rate limits. Raises StatuslineInputError if it is not a JSON object."""
    try:
        data = feed.load_object(raw)
    except ValueError as err:
        raise StatuslineInputError(str(err)) from err
    return _reading(data.get("rate_limits"))


def status_text(reading: FeedReading, now: datetime) -> str:
    """Our part of the status bar: '5h 42% (2h 14m) · 7d 81% (3d 4h)'; empty without limits."""
    return feed.status_line(_limits(reading), now)


def record_snapshot(record: StatuslineRecord, account: str) -> UsageSnapshot:
    """The record as a snapshot "via Claude Code status line", dated when it was written."""
    windows = []
    for key, label, group in _WINDOWS:
        limit: LimitReading | None = getattr(record.reading, key)
        if limit is not None:
            windows.append(UsageWindow(key, label, limit.used, limit.resets_at, group))
    return UsageSnapshot(account, SourceKind.STATUSLINE, record.written_at, tuple(windows))


def default_root() -> Path:
    """Where records and install backups live: ``state_dir()/statusline``."""
    return state_dir() / feed.RECORDS_DIR


class RecordStore:
    """One JSON file per config dir under ``root`` (normally :func:`default_root`)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    def path_for(self, config_dir: Path) -> Path:
        return Path(feed.record_path(self._root, config_dir))

    def write(self, config_dir: Path, reading: FeedReading, now: datetime) -> None:
        """Record a reading with limits (atomically); a reading without limits changes nothing."""
        feed.write_record(self._root, config_dir, _limits(reading), now)

    def read(self, config_dir: Path) -> StatuslineRecord | None:
        """The record for a config dir, or None when there is none or it is unreadable."""
        try:
            data = json.loads(localfile.read_bytes(self.path_for(config_dir)))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("schema") != _RECORD_SCHEMA:
            return None
        try:
            written = datetime.fromisoformat(str(data.get("written_at")))
        except ValueError:
            return None
        if written.tzinfo is None:
            return None
        reading = _reading(data)
        if not reading.has_limits:
            return None
        return StatuslineRecord(str(data.get("config_dir", "")), written.astimezone(UTC), reading)

    def signature(self, config_dir: Path) -> tuple[object, ...]:
        """Cheap change detector for a config dir's record (mtime, size), for fingerprints."""
        try:
            st = self.path_for(config_dir).stat()
        except OSError:
            return ("absent",)
        return (st.st_mtime_ns, st.st_size)
