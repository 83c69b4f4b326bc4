"""The last poll outcome per account, kept in ``state_dir()/last_poll.json`` for ``doctor``.

A running daemon (the tray or ``claude-tray watch``) records an account's status each time it
changes (a poller listener, so nothing is written on a poll that changed nothing);
``claude-tray doctor`` reads the file from another process. It holds no secrets: the health,
the one-line message and fix hint, and three times. A broken or foreign file reads as "nothing
recorded", never as an error.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_tray import localfile
from claude_tray.model import AccountStatus, Health, StatusChange, UsageSnapshot
from claude_tray.paths import state_dir

if TYPE_CHECKING:
    from claude_tray.usage.fetch import AccountFetcher

__all__ = [
    "FILE_NAME",
    "LastPollRecorder",
    "PollRecord",
    "RateLimitMemory",
    "default_path",
    "parse_records",
    "read_records",
]

FILE_NAME = "last_poll.json"
_FORMAT = 1
_UNKNOWN_WAIT = 120.0  # a 429 without a usable Retry-After: the poll policy's first penalty
_WRITE_LOCK = threading.Lock()  # the recorder and RateLimitMemory read-modify-write one file


@dataclass(frozen=True, slots=True)
class PollRecord:
    """One account's last known outcome, as the daemon saw it."""

    account: str
    health: Health
    message: str
    hint: str
    recorded_at: datetime  # when the daemon wrote it
    fetched_at: datetime | None  # the last good reading (survives failures)
    next_attempt_at: datetime | None


def default_path() -> Path:
    """e.g. ``~/.local/state/claude-tray/last_poll.json``."""
    return state_dir() / FILE_NAME


def record_of(status: AccountStatus, now: datetime) -> PollRecord:
    fetched = status.snapshot.fetched_at if status.snapshot is not None else None
    return PollRecord(
        status.account, status.health, status.message, status.hint, now, fetched, status.next_attempt_at
    )


def to_json(records: Mapping[str, PollRecord]) -> str:
    accounts = {
        name: {
            "health": r.health.value,
            "message": r.message,
            "hint": r.hint,
            "recorded_at": r.recorded_at.isoformat(),
            "fetched_at": _iso(r.fetched_at),
            "next_attempt_at": _iso(r.next_attempt_at),
        }
        for name, r in sorted(records.items())
    }
    return json.dumps({"format": _FORMAT, "accounts": accounts}, indent=2) + "\n"


def parse_records(text: str) -> dict[str, PollRecord]:
    """The records in ``text``; entries that do not parse are left out."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    accounts = data.get("accounts") if isinstance(data, dict) and data.get("format") == _FORMAT else None
    if not isinstance(accounts, dict):
        return {}
    records = {}
    for name, entry in accounts.items():
        record = _record(str(name), entry)
        if record is not None:
            records[record.account] = record
    return records


def _record(name: str, entry: object) -> PollRecord | None:
    if not isinstance(entry, dict):
        return None
    try:
        return PollRecord(
            name,
            Health(entry["health"]),
            str(entry.get("message") or ""),
            str(entry.get("hint") or ""),
            _when(entry["recorded_at"]) or _no_time(),
            _when(entry.get("fetched_at")),
            _when(entry.get("next_attempt_at")),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _when(value: object) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError("a recorded time without its offset")
    return parsed


def _no_time() -> datetime:
    raise ValueError("recorded_at is required")


def read_records(path: Path) -> dict[str, PollRecord]:
    """What the last daemon recorded; empty when nothing was recorded (or the file is unreadable)."""
    try:
        return parse_records(localfile.read_text(path))
    except (OSError, UnicodeDecodeError):
        return {}


class LastPollRecorder:
    """A poller listener: writes the changed account's record (the others' are kept as found)."""

    def __init__(self, path: Path, now: Callable[[], datetime]) -> None:
        self._path = path
        self._now = now

    def __call__(self, change: StatusChange) -> None:
        from claude_tray.settings.file import write_atomic

        with _WRITE_LOCK:
            records = read_records(self._path)  # another daemon (watch + tray) may own other accounts
            records[change.current.account] = record_of(change.current, self._now())
            write_atomic(self._path, to_json(records))


class RateLimitMemory:
    """A fetcher wrapper: a rate limit outlives the process that met it.

    The endpoint is reported to restart its penalty when asked inside it, so a 429 and its
    next allowed time are kept in this file (one record per account, shared by the tray,
    ``watch`` and ``status``). While a recorded limit runs, ``fetch()`` raises
    :class:`~claude_tray.errors.RateLimited` for the time left (clamped) without a request;
    a real 429 is recorded before it is raised.
    """

    def __init__(self, inner: AccountFetcher, path: Path, now: Callable[[], datetime]) -> None:
        self._inner = inner
        self._path = path
        self._now = now

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> AccountFetcher:
        return self._inner

    def fingerprint(self) -> Hashable:
        return self._inner.fingerprint()

    def __getattr__(self, attribute: str) -> Any:  # source_kind and friends of the wrapped fetcher
        return getattr(self._inner, attribute)

    def fetch(self) -> UsageSnapshot:
        from claude_tray.errors import RETRY_AFTER_CAP, RateLimited

        now = self._now()
        record = read_records(self._path).get(self.name)
        until = record.next_attempt_at if record and record.health is Health.RATE_LIMITED else None
        if until is not None and until > now:
            left = min((until - now).total_seconds(), RETRY_AFTER_CAP)
            raise RateLimited(
                f"rate limited until {until.astimezone():%H:%M} (recorded earlier)", retry_after=left
            )
        try:
            return self._inner.fetch()
        except RateLimited as err:
            wait = err.retry_after or _UNKNOWN_WAIT
            self._remember(now, now + timedelta(seconds=wait), err.message)
            raise

    def _remember(self, now: datetime, until: datetime, message: str) -> None:
        from claude_tray.settings.file import write_atomic

        with _WRITE_LOCK:
            records = read_records(self._path)
            old = records.get(self.name)
            fetched = old.fetched_at if old is not None else None
            records[self.name] = PollRecord(
                self.name, Health.RATE_LIMITED, "Rate limited", message, now, fetched, until
            )
            with contextlib.suppress(OSError):  # an unwritable state dir costs the memory only
                write_atomic(self._path, to_json(records))
