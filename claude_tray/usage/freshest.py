"""Claude Code's own numbers first, the usage API last: the fetcher for a Claude Code account.

Two zero-network readings exist besides the API, both read-only and token-free:

* the status-line record ``claude-tray statusline`` keeps for the config dir (written on every
  Claude Code turn once the bridge is installed);
* Claude Code's usage cache, ``cachedUsageUtilization`` in its ``.claude.json``.

:meth:`FreshestFetcher.fetch` asks the API only when neither is fresh (at most ``fresh_for``
old), and returns :func:`claude_tray.usage.fuse.fuse` of everything it knows: per window the freshest
reading wins, by its own timestamp. An account with ``source = "statusline"`` has no API at all.

When the API fails, :meth:`FreshestFetcher.kept` is what it can still show (the poller keeps it
next to the error). A 429 names the way out (the bridge); a 429 with ``Retry-After: 0`` on the
first request of a fresh token is the refused-client pattern (api-facts §13.6) and says so.

The fingerprint includes both files' (mtime, size), so an account the poller stopped (a 401)
resumes as soon as Claude Code writes new numbers.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.claude_code.bridge import BridgeState, bridge_state
from claude_tray.claude_code.statusline import RecordStore, default_root, record_snapshot
from claude_tray.clock import Clock
from claude_tray.errors import NoCredentialError, RateLimited, RefusedClient
from claude_tray.i18n import N_, _
from claude_tray.model import SourceKind, UsageSnapshot
from claude_tray.paths import claude_config_dir
from claude_tray.settings.model import AccountSettings
from claude_tray.sources.statusline import INSTALL_HINT
from claude_tray.sources.usage_cache import UsageCacheReader, claude_json_path
from claude_tray.usage.fuse import KEEP_FOR, fuse

if TYPE_CHECKING:
    from claude_tray.usage.fetch import AccountFetcher

__all__ = [
    "DEFAULT_MAX_AGE",
    "REFUSED_HINT",
    "FreshestFetcher",
    "is_fresh",
    "statusline_aware",
]

DEFAULT_MAX_AGE = timedelta(minutes=5)
_CLOCK_SKEW = timedelta(seconds=60)  # a reading "from the future" by less than this is fine
REFUSED_HINT = N_(
    "the usage API turned away this app's first request with this login (429, Retry-After: 0), "
    "which is how it refuses clients other than Claude Code and says nothing about your usage; "
    "`claude-tray statusline install` gets the numbers from Claude Code instead"
)
_LIMITED_HINT = N_(
    "`claude-tray statusline install` lets Claude Code supply the numbers without asking the API"
)
_LIMITED_BRIDGED = N_("numbers come from Claude Code's status line again as soon as it runs")


def is_fresh(read_at: datetime, now: datetime, max_age: timedelta) -> bool:
    """Whether a zero-network reading taken at ``read_at`` may stand in for an API reading now."""
    age = now - read_at
    return -_CLOCK_SKEW <= age <= max_age


class FreshestFetcher:
    """The freshest of Claude Code's status line, its usage cache and (last) the usage API."""

    def __init__(
        self,
        name: str,
        config_dir: Path,
        store: RecordStore,
        cache: UsageCacheReader,
        clock: Clock,
        api: AccountFetcher | None = None,
        *,
        fresh_for: timedelta = DEFAULT_MAX_AGE,
        keep_for: timedelta = KEEP_FOR,
    ) -> None:
        self._name = name
        self._config_dir = config_dir
        self._store = store
        self._cache = cache
        self._clock = clock
        self._api = api
        self._fresh_for = fresh_for
        self._keep_for = keep_for
        self._api_last: UsageSnapshot | None = None  # the last API reading (fused with newer ones)
        self._asked: set[Hashable] = set()  # API fingerprints (logins) that got a request already
        self._refused: Hashable = None  # the login whose first request was refused

    @property
    def name(self) -> str:
        return self._name

    @property
    def source_kind(self) -> SourceKind:
        if self._api is None:
            return SourceKind.STATUSLINE
        kind: SourceKind = getattr(self._api, "source_kind", SourceKind.CLI)
        return kind

    def fingerprint(self) -> Hashable:
        api = self._api.fingerprint() if self._api is not None else None
        return (api, self._store.signature(self._config_dir), self._cache.signature())

    def local(self) -> tuple[UsageSnapshot, ...]:
        """The zero-network readings there are now (any age)."""
        record = self._store.read(self._config_dir)
        readings = (record_snapshot(record, self._name) if record is not None else None, self._cache.read())
        return tuple(r for r in readings if r is not None)

    def has_fresh_local(self) -> bool:
        """Whether ``fetch()`` would answer from Claude Code's own numbers now (no request)."""
        now = self._clock.now()
        return any(is_fresh(r.fetched_at, now, self._fresh_for) for r in self.local())

    def kept(self) -> UsageSnapshot | None:
        """The best numbers known without asking the API (what a failed fetch still shows)."""
        return fuse((*self.local(), self._api_last), self._clock.now(), self._keep_for)

    def fetch(self) -> UsageSnapshot:
        now = self._clock.now()
        local = self.local()
        if self._api is None or any(is_fresh(r.fetched_at, now, self._fresh_for) for r in local):
            best = fuse((*local, self._api_last), now, self._keep_for)  # no request
            if best is None:
                raise NoCredentialError(
                    f"no Claude Code status-line reading for {self._config_dir} yet", hint=_(INSTALL_HINT)
                )
            return best
        login = self._api.fingerprint()
        first = login not in self._asked
        self._asked.add(login)
        try:
            snapshot = self._api.fetch()
        except RateLimited as err:
            raise self._explained(err, login, first=first) from err
        if login == self._refused:
            self._refused = None  # this login is answered now
        self._api_last = snapshot
        return fuse((*local, snapshot), now, self._keep_for) or snapshot

    def _explained(self, err: RateLimited, login: Hashable, *, first: bool) -> RateLimited:
        """The 429 with a hint that names the way out (and the refused-client pattern as such)."""
        if err.retry_after == 0.0 and (first or login == self._refused):
            self._refused = login
            return RefusedClient(err.message, retry_after=err.retry_after, hint=_(REFUSED_HINT))
        bridged = bridge_state(self._config_dir) is BridgeState.INSTALLED
        limited = RateLimited(err.message, retry_after=err.retry_after)
        limited.hint = _(_LIMITED_BRIDGED if bridged else _LIMITED_HINT)
        return limited


def statusline_aware(
    account: AccountSettings,
    oauth: AccountFetcher | None,
    clock: Clock,
    store: RecordStore | None = None,
) -> FreshestFetcher:
    """The fetcher for a Claude Code account: its zero-network readings, then (unless
    ``source = "statusline"``) ``oauth``, the usage API."""
    config_dir = claude_config_dir(account.config_dir or None)
    cache = UsageCacheReader(claude_json_path(account.config_dir or None), account.name)
    store = store or RecordStore(default_root())
    api = None if account.source == "statusline" else oauth
    return FreshestFetcher(account.name, config_dir, store, cache, clock, api)
