"""The local usage history: an append-on-change SQLite file in the data dir.

Every fresh snapshot becomes rows in ``readings`` (one per window) and ``extra_usage``, but only
for values that changed since the last stored row of that account and window, so an idle day
costs a handful of rows, not 288 polls' worth. A value therefore holds from its row's
``fetched_at`` until the next row (a step series); :mod:`claude_tray.usage.forecast` reads it that way.

``sqlite3`` is imported only when a database is opened: the tray pays nothing for history
until the first snapshot arrives. Each operation uses its own short-lived connection, so the
poller thread (which records) and a command or the menu (which read) never share one, and a
failing disk costs a log line, never the daemon (rule 5).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_tray import localfile
from claude_tray.model import Health, StatusChange, UsageSnapshot

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "EXTRA_WINDOW",
    "ExtraReading",
    "History",
    "HistoryError",
    "HistoryListener",
    "Reading",
    "default_path",
    "readings_of",
]

log = logging.getLogger(__name__)

EXTRA_WINDOW = "extra_usage"  # the window key extra usage gets when it is drawn or forecast
RECENT = timedelta(hours=26)  # what the listener keeps in memory: the forecast's longest look-back
_RESET_ROUNDING = 60.0  # seconds; resets_at jitters by microseconds between responses

_SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    window TEXT NOT NULL,
    label TEXT NOT NULL,
    utilization REAL,
    resets_at REAL,
    fetched_at REAL NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS readings_by_time ON readings (account, window, fetched_at);
CREATE TABLE IF NOT EXISTS extra_usage (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    used REAL,
    spend_limit REAL,
    currency TEXT NOT NULL,
    utilization REAL,
    fetched_at REAL NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS extra_by_time ON extra_usage (account, fetched_at);
PRAGMA user_version = 1;
"""


@dataclass(frozen=True, slots=True)
class Reading:
    """One stored value of one window: it held from ``fetched_at`` until the next reading."""

    account: str
    window: str  # the UsageWindow key: "five_hour", "seven_day", "weekly_scoped:Fable", ...
    label: str
    utilization: float | None
    resets_at: datetime | None
    fetched_at: datetime
    source: str  # SourceKind value

    def same_value(self, other: Reading) -> bool:
        """Equal for history purposes: resets_at compared to the minute (it jitters)."""
        return self.utilization == other.utilization and _minute(self.resets_at) == _minute(other.resets_at)


@dataclass(frozen=True, slots=True)
class ExtraReading:
    """One stored extra-usage value, in major currency units; ``limit`` None = uncapped."""

    account: str
    enabled: bool
    used: float | None
    limit: float | None
    currency: str
    utilization: float | None
    fetched_at: datetime
    source: str

    def same_value(self, other: ExtraReading) -> bool:
        mine = (self.enabled, self.used, self.limit, self.currency, self.utilization)
        return mine == (other.enabled, other.used, other.limit, other.currency, other.utilization)

    def as_reading(self) -> Reading:
        """The percentage view (capped spending only has one), for charts and forecasts."""
        percent = self.utilization
        if percent is None and self.used is not None and self.limit:
            percent = self.used / self.limit * 100.0
        return Reading(self.account, EXTRA_WINDOW, "Extra usage", percent, None, self.fetched_at, self.source)


def _minute(when: datetime | None) -> float | None:
    return None if when is None else round(when.timestamp() / _RESET_ROUNDING)


def readings_of(snapshot: UsageSnapshot) -> tuple[list[Reading], ExtraReading | None]:
    """The rows one snapshot contributes (before the append-on-change filter)."""
    source = snapshot.source.value
    rows = [
        Reading(snapshot.account, w.key, w.label, w.utilization, w.resets_at, snapshot.fetched_at, source)
        for w in snapshot.windows
        if w.drives  # a limit the program does not understand is never charted nor forecast
    ]
    extra = snapshot.extra
    if extra is None:
        return rows, None
    money = ExtraReading(
        snapshot.account,
        extra.enabled,
        extra.used,
        extra.limit,
        extra.currency,
        extra.utilization,
        snapshot.fetched_at,
        source,
    )
    return rows, money


def default_path() -> Path:
    """``<data dir>/history.sqlite3``, e.g. ``~/.local/share/claude-tray/history.sqlite3``."""
    from claude_tray.paths import data_dir

    return data_dir() / "history.sqlite3"


def _ts(when: datetime | None) -> float | None:
    return None if when is None else when.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def _wall(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


class History:
    """The database file. Thread-safe: every call opens, uses and closes its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._lock = threading.Lock()  # one writer at a time inside this process

    @contextmanager
    def _connect(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """A connection; a reader opens the file read-only and changes nothing (not even the
        journal mode), so a read-only or foreign database can still be read. Every failure is a
        :class:`HistoryError` that says what is wrong with the file."""
        import sqlite3

        try:  # a FIFO or device where the database should be would block SQLite forever
            localfile.check_regular(self.path)
            if write and not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                localfile.make_private(self.path)  # it names accounts: 0600, like the settings
        except OSError as err:
            raise HistoryError(f"cannot open {self.path}: {err.strerror or err}") from err
        try:
            if write:
                conn = sqlite3.connect(self.path, timeout=5.0)
            else:
                conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", timeout=5.0, uri=True)
        except sqlite3.Error as err:
            raise HistoryError(f"cannot open {self.path}: {err}") from err
        try:
            if write and not self._ready:
                conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the recorder
                conn.executescript(_SCHEMA)
                self._ready = True
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn
        except sqlite3.Error as err:
            raise HistoryError(f"cannot use {self.path}: {err}") from err
        finally:
            conn.close()

    def exists(self) -> bool:
        return self.path.exists()

    def append(self, rows: Sequence[Reading], extras: Sequence[ExtraReading] = ()) -> None:
        """Store rows as given (the caller filtered unchanged values)."""
        if not rows and not extras:
            return
        with self._lock, self._connect() as conn:
            conn.executemany(
                "INSERT INTO readings (account, window, label, utilization, resets_at, fetched_at, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_reading_row(r) for r in rows],
            )
            conn.executemany(
                "INSERT INTO extra_usage (account, enabled, used, spend_limit, currency, utilization,"
                " fetched_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_extra_row(e) for e in extras],
            )

    def prune(self, before: datetime) -> int:
        """Delete everything fetched before ``before``; returns how many rows went."""
        with self._lock, self._connect() as conn:
            gone = conn.execute("DELETE FROM readings WHERE fetched_at < ?", (before.timestamp(),)).rowcount
            gone += conn.execute(
                "DELETE FROM extra_usage WHERE fetched_at < ?", (before.timestamp(),)
            ).rowcount
        return int(gone)

    def readings(
        self, account: str | None = None, window: str | None = None, since: datetime | None = None
    ) -> list[Reading]:
        """Stored window readings, oldest first, filtered by account, window key and time."""
        where, params = _filters(account, since, window)
        with self._connect(write=False) as conn:
            rows = conn.execute(f"{_READING_SQL}{where} ORDER BY fetched_at, id", params).fetchall()
        return [_reading(row) for row in rows]

    def extras(self, account: str | None = None, since: datetime | None = None) -> list[ExtraReading]:
        """Stored extra-usage readings, oldest first."""
        where, params = _filters(account, since, None)
        with self._connect(write=False) as conn:
            rows = conn.execute(f"{_EXTRA_SQL}{where} ORDER BY fetched_at, id", params).fetchall()
        return [_extra(row) for row in rows]

    def latest(self) -> tuple[list[Reading], list[ExtraReading]]:
        """The newest stored row of every (account, window) and of every account's extra usage."""
        newest = " WHERE id IN (SELECT MAX(id) FROM {} GROUP BY {})"
        with self._connect(write=False) as conn:
            rows = conn.execute(_READING_SQL + newest.format("readings", "account, window")).fetchall()
            extras = conn.execute(_EXTRA_SQL + newest.format("extra_usage", "account")).fetchall()
        return [_reading(row) for row in rows], [_extra(row) for row in extras]


class HistoryError(Exception):
    """The history database cannot be used (garbage, truncated, not a file, unreadable)."""


_READING_SQL = "SELECT account, window, label, utilization, resets_at, fetched_at, source FROM readings"
_EXTRA_SQL = (
    "SELECT account, enabled, used, spend_limit, currency, utilization, fetched_at, source FROM extra_usage"
)


def _reading(row: tuple[Any, ...]) -> Reading:
    account, window, label, utilization, resets_at, fetched_at, source = row
    return Reading(account, window, label, utilization, _dt(resets_at), _wall(fetched_at), source)


def _extra(row: tuple[Any, ...]) -> ExtraReading:
    account, enabled, used, limit, currency, utilization, fetched_at, source = row
    return ExtraReading(account, bool(enabled), used, limit, currency, utilization, _wall(fetched_at), source)


def _reading_row(r: Reading) -> tuple[Any, ...]:
    return (r.account, r.window, r.label, r.utilization, _ts(r.resets_at), r.fetched_at.timestamp(), r.source)


def _extra_row(e: ExtraReading) -> tuple[Any, ...]:
    fetched = e.fetched_at.timestamp()
    return (e.account, int(e.enabled), e.used, e.limit, e.currency, e.utilization, fetched, e.source)


def _filters(account: str | None, since: datetime | None, window: str | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("account", account), ("window", window)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        clauses.append("fetched_at >= ?")
        params.append(since.timestamp())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class HistoryListener:
    """A poller listener: records every fresh snapshot, keeps the last day in memory.

    Runs on the poller thread. The first event prunes rows older than the retention and loads
    the newest stored values (so a restart does not store duplicates) and the recent readings
    (so the forecast works at once). :meth:`recent` is what the menu and ``status`` forecast from;
    it never touches the disk, so the UI thread never waits on SQLite.
    """

    def __init__(self, history: History, now: Callable[[], datetime], retention_days: int = 90) -> None:
        self.history = history
        self._now = now
        self._retention = timedelta(days=retention_days)
        self._lock = threading.Lock()
        self._started = False
        self._failing = False
        self._last: dict[tuple[str, str], Reading] = {}
        self._last_extra: dict[str, ExtraReading] = {}
        self._recent: dict[str, list[Reading]] = {}

    def __call__(self, change: StatusChange) -> None:
        current = change.current
        if current.health is not Health.FRESH or current.snapshot is None:
            return  # stale/failed states carry the last good snapshot again: nothing new to store
        previous = change.previous.snapshot if change.previous else None
        if previous is not None and previous == current.snapshot:
            return
        self.record(current.snapshot)

    def record(self, snapshot: UsageSnapshot) -> None:
        """Append what changed in this snapshot; remember it for :meth:`recent`."""
        with self._lock:
            self._start_once()
            rows, extra = readings_of(snapshot)
            changed = [r for r in rows if self._changed(r)]
            extras = [extra] if extra is not None and self._extra_changed(extra) else []
            self._remember(snapshot.account, changed, extras)
            self._guard("record", lambda: self.history.append(changed, extras))

    def recent(self, account: str) -> tuple[Reading, ...]:
        """The account's readings from the last day (extra usage as percentages), oldest first."""
        with self._lock:
            return tuple(self._recent.get(account, ()))

    def _changed(self, row: Reading) -> bool:
        key = (row.account, row.window)
        last = self._last.get(key)
        if last is not None and last.same_value(row):
            return False
        self._last[key] = row
        return True

    def _extra_changed(self, extra: ExtraReading) -> bool:
        last = self._last_extra.get(extra.account)
        if last is not None and last.same_value(extra):
            return False
        self._last_extra[extra.account] = extra
        return True

    def _remember(self, account: str, rows: Iterable[Reading], extras: Iterable[ExtraReading]) -> None:
        horizon = self._now() - RECENT
        kept = [r for r in self._recent.get(account, ()) if r.fetched_at >= horizon]
        kept.extend(rows)
        kept.extend(e.as_reading() for e in extras)
        self._recent[account] = kept

    def _start_once(self) -> None:
        if self._started:
            return
        self._started = True
        now = self._now()
        self._guard("prune", lambda: self.history.prune(now - self._retention))
        self._guard("load", self._load)

    def _load(self) -> None:
        rows, extras = self.history.latest()
        self._last = {(r.account, r.window): r for r in rows}
        self._last_extra = {e.account: e for e in extras}
        since = self._now() - RECENT
        for row in self.history.readings(since=since):
            self._recent.setdefault(row.account, []).append(row)
        for extra in self.history.extras(since=since):
            self._recent.setdefault(extra.account, []).append(extra.as_reading())
        for account_rows in self._recent.values():
            account_rows.sort(key=lambda r: r.fetched_at)

    def _guard(self, what: str, action: Callable[[], object]) -> None:
        """Run a database step; a broken disk is logged once (and once on recovery), never raised."""
        import sqlite3

        try:
            action()
        except (sqlite3.Error, OSError, HistoryError) as err:
            if not self._failing:
                log.warning("history %s failed (%s); usage history is kept in memory only", what, err)
            self._failing = True
            return
        if self._failing:
            log.warning("history %s works again", what)
        self._failing = False
