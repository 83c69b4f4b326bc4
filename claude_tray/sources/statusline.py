"""Fetchers that read the status-line records (zero requests, no token).

* :class:`StatuslineFetcher` is an account with ``source = "statusline"``: it only ever reads
  the record ``claude-tray statusline`` keeps for its config dir.
* :class:`PreferStatusline` wraps an OAuth fetcher. While Claude Code is in use its record is
  fresh (newer than the last API reading and at most ``max_age`` old), and ``fetch()`` returns it
  without a request: the OAuth poll is deferred. Once Claude Code is idle the record goes stale
  and the wrapped fetcher polls as usual.

Both fingerprints include the record's (mtime, size), so an account the poller stopped (e.g. a
401) resumes as soon as Claude Code writes a new record.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from claude_tray.clock import Clock
from claude_tray.errors import NoCredentialError
from claude_tray.model import SourceKind, UsageSnapshot
from claude_tray.paths import claude_config_dir
from claude_tray.settings import AccountSettings
from claude_tray.sources.base import Credential, CredentialSource
from claude_tray.statusline import RecordStore, StatuslineRecord, default_root, record_snapshot

if TYPE_CHECKING:
    from claude_tray.fetch import AccountFetcher

__all__ = [
    "DEFAULT_MAX_AGE",
    "PreferStatusline",
    "StatuslineFetcher",
    "StatuslineRecordSource",
    "is_fresh",
    "statusline_aware",
]

DEFAULT_MAX_AGE = timedelta(minutes=5)
_CLOCK_SKEW = timedelta(seconds=60)  # a record "from the future" by less than this is fine
INSTALL_HINT = "run `claude-tray statusline install`, then use Claude Code once"


def is_fresh(
    record: StatuslineRecord, now: datetime, max_age: timedelta, newer_than: datetime | None
) -> bool:
    """Whether a record may stand in for an API reading right now."""
    age = now - record.written_at
    if age > max_age or age < -_CLOCK_SKEW:
        return False
    return newer_than is None or record.written_at > newer_than


class StatuslineRecordSource(CredentialSource):
    """What ``doctor`` checks for a ``source = "statusline"`` account: is there a record yet?

    The status line needs no secret, so the Credential it returns is empty; it only says that
    ``claude-tray statusline`` has recorded numbers for this config dir.
    """

    kind: ClassVar[SourceKind] = SourceKind.STATUSLINE

    def __init__(self, config_dir: Path, store: RecordStore | None = None) -> None:
        self._config_dir = config_dir
        self._store = store or RecordStore(default_root())

    def check(self) -> None:
        """Works on every OS: it is a file claude-tray itself writes."""

    def read(self) -> Credential:
        record = self._store.read(self._config_dir)
        if record is None:
            raise NoCredentialError(f"no status-line reading for {self._config_dir} yet", hint=INSTALL_HINT)
        return Credential(SourceKind.STATUSLINE, secret="")

    def fingerprint(self) -> Hashable:
        return self._store.signature(self._config_dir)

    def describe(self) -> str:
        return f"status-line records for {self._config_dir} in {self._store.path_for(self._config_dir)}"


class StatuslineFetcher:
    """An account fed only by Claude Code's status line."""

    def __init__(self, name: str, config_dir: Path, store: RecordStore) -> None:
        self._name = name
        self._config_dir = config_dir
        self._store = store

    @property
    def name(self) -> str:
        return self._name

    @property
    def source_kind(self) -> SourceKind:
        return SourceKind.STATUSLINE

    def fingerprint(self) -> Hashable:
        return self._store.signature(self._config_dir)

    def fetch(self) -> UsageSnapshot:
        """The latest record, dated when it was written (an old one shows its age, never 0 %)."""
        record = self._store.read(self._config_dir)
        if record is None:
            raise NoCredentialError(
                f"no Claude Code status-line reading for {self._config_dir} yet", hint=INSTALL_HINT
            )
        return record_snapshot(record, self._name)


class PreferStatusline:
    """Serve a fresh status-line record instead of polling the wrapped fetcher."""

    def __init__(
        self,
        inner: AccountFetcher,
        config_dir: Path,
        store: RecordStore,
        clock: Clock,
        max_age: timedelta = DEFAULT_MAX_AGE,
    ) -> None:
        self._inner = inner
        self._config_dir = config_dir
        self._store = store
        self._clock = clock
        self._max_age = max_age
        self._api_at: datetime | None = None  # when the wrapped fetcher last succeeded

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def source_kind(self) -> SourceKind:
        kind: SourceKind = getattr(self._inner, "source_kind", SourceKind.CLI)
        return kind

    @property
    def inner(self) -> AccountFetcher:
        return self._inner

    def fingerprint(self) -> Hashable:
        return (self._inner.fingerprint(), self._store.signature(self._config_dir))

    def fetch(self) -> UsageSnapshot:
        record = self._store.read(self._config_dir)
        if record is not None and is_fresh(record, self._clock.now(), self._max_age, self._api_at):
            return record_snapshot(record, self.name)  # no request: the OAuth poll is deferred
        snapshot = self._inner.fetch()
        self._api_at = snapshot.fetched_at
        return snapshot


def statusline_aware(
    account: AccountSettings, oauth: AccountFetcher, clock: Clock, store: RecordStore | None = None
) -> AccountFetcher:
    """The fetcher for a Claude Code account: records only (``source = "statusline"``), else
    ``oauth`` with fresh records preferred over polling."""
    config_dir = claude_config_dir(account.config_dir or None)
    store = store or RecordStore(default_root())
    if account.source == "statusline":
        return StatuslineFetcher(account.name, config_dir, store)
    return PreferStatusline(oauth, config_dir, store, clock)
