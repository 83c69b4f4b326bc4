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

import hashlib
import json
import math
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from claude_tray import localfile
from claude_tray.errors import StatuslineInputError
from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.paths import state_dir
from claude_tray.report.wording import format_duration, format_percent

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

MAX_PERCENT = 200.0  # 105 % has been seen; an epoch leaking into the field is ~1.7e9
_EPOCH_MIN = 1_000_000_000  # 2001-09-09 in seconds
_EPOCH_MAX = 10_000_000_000  # 2286; anything larger is milliseconds or garbage
_RECORD_SCHEMA = 1
_WINDOWS = (
    ("five_hour", "5-hour", WindowGroup.SESSION, "5h"),
    ("seven_day", "Weekly", WindowGroup.WEEKLY, "7d"),
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


def _percent(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0.0 <= number <= MAX_PERCENT else None


def _epoch(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return datetime.fromtimestamp(value, UTC) if _EPOCH_MIN <= value < _EPOCH_MAX else None


def _limit(value: object) -> LimitReading | None:
    if not isinstance(value, dict):
        return None
    used = _percent(value.get("used_percentage"))
    return None if used is None else LimitReading(used, _epoch(value.get("resets_at")))


def _reading(limits: object) -> FeedReading:
    if not isinstance(limits, dict):
        return FeedReading(None, None)
    return FeedReading(_limit(limits.get("five_hour")), _limit(limits.get("seven_day")))


def parse_feed(raw: bytes) -> FeedReading:
    """The status-line JSON -> its rate limits. Raises StatuslineInputError if it is not a JSON object."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise StatuslineInputError("the status-line input is not JSON") from err
    if not isinstance(data, dict):
        raise StatuslineInputError("the status-line input is not a JSON object")
    return _reading(data.get("rate_limits"))


def status_text(reading: FeedReading, now: datetime) -> str:
    """Our part of the status bar: '5h 42% (2h 14m) · 7d 81% (3d 4h)'; empty without limits."""
    parts = []
    for key, _label, _group, short in _WINDOWS:
        limit: LimitReading | None = getattr(reading, key)
        if limit is None:
            continue
        left = (limit.resets_at - now).total_seconds() if limit.resets_at is not None else 0.0
        countdown = f" ({format_duration(left)})" if left > 0 else ""
        parts.append(f"{short} {format_percent(limit.used)}{countdown}")
    return " · ".join(parts)


def record_snapshot(record: StatuslineRecord, account: str) -> UsageSnapshot:
    """The record as a snapshot "via Claude Code status line", dated when it was written."""
    windows = []
    for key, label, group, _short in _WINDOWS:
        limit: LimitReading | None = getattr(record.reading, key)
        if limit is not None:
            windows.append(UsageWindow(key, label, limit.used, limit.resets_at, group))
    return UsageSnapshot(account, SourceKind.STATUSLINE, record.written_at, tuple(windows))


def absolute_dir(config_dir: Path) -> str:
    """``~`` expanded, made absolute and normalised (symlinks are left alone), NFC."""
    return unicodedata.normalize("NFC", os.path.normpath(config_dir.expanduser().absolute()))


def config_key(config_dir: Path) -> str:
    """A stable file-name-safe key for a config dir: a hash of :func:`absolute_dir`."""
    return hashlib.sha256(absolute_dir(config_dir).encode()).hexdigest()[:16]


def replace_file(path: Path, data: bytes, mode: int = 0o600, *, durable: bool = False) -> None:
    """Write ``data`` so readers see the old or the new file, never half (temp file + os.replace)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # noqa: PTH101 - on the temp file's name, before it replaces the real one
        os.replace(tmp, path)  # noqa: PTH105 - atomic rename is the point
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _limit_json(limit: LimitReading | None) -> dict[str, object] | None:
    if limit is None:
        return None
    resets = int(limit.resets_at.timestamp()) if limit.resets_at is not None else None
    return {"used_percentage": limit.used, "resets_at": resets}


def default_root() -> Path:
    """Where records and install backups live: ``state_dir()/statusline``."""
    return state_dir() / "statusline"


class RecordStore:
    """One JSON file per config dir under ``root`` (normally :func:`default_root`)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    def path_for(self, config_dir: Path) -> Path:
        return self._root / f"{config_key(config_dir)}.json"

    def write(self, config_dir: Path, reading: FeedReading, now: datetime) -> None:
        """Record a reading with limits (atomically); a reading without limits changes nothing."""
        if not reading.has_limits:
            return
        document = {
            "schema": _RECORD_SCHEMA,
            "config_dir": absolute_dir(config_dir),
            "written_at": now.astimezone(UTC).isoformat(),
            "five_hour": _limit_json(reading.five_hour),
            "seven_day": _limit_json(reading.seven_day),
        }
        self._root.mkdir(parents=True, exist_ok=True)
        replace_file(self.path_for(config_dir), json.dumps(document).encode())

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
