"""The seam between the poller and the data path.

The poller knows nothing about files, keyrings or HTTP: it calls an :class:`AccountFetcher`
per account. ``fetch()`` performs one reading and raises the typed errors of
:mod:`claude_tray.errors`; ``fingerprint()`` is a cheap, network-free check that changes when
the account's stored credential changes (so a stopped account can resume without polling).

:func:`build_fetchers` makes the concrete ones: :class:`OAuthFetcher` (Claude Code's login,
from the file or the Keychain) and :class:`WebFetcher` (a claude.ai session key).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from claude_tray.clock import Clock
from claude_tray.errors import AuthError, NoCredentialError, ResponseFormatError, TransientApiError
from claude_tray.i18n import _
from claude_tray.model import SourceKind, UsageSnapshot
from claude_tray.settings.model import Settings
from claude_tray.sources.base import Credential, CredentialSource
from claude_tray.sources.cli_file import ensure_usable

if TYPE_CHECKING:  # requests is imported only when fetchers are built
    from claude_tray.api.client import UsageClient

__all__ = ["AccountFetcher", "OAuthFetcher", "WebFetcher", "abort_fetches", "build_fetchers"]


class AccountFetcher(Protocol):
    @property
    def name(self) -> str:
        """The account's name as configured (or "default")."""
        ...

    def fetch(self) -> UsageSnapshot:
        """One reading. Raises CredentialError or ApiError subclasses, never anything else."""
        ...

    def fingerprint(self) -> Hashable:
        """Local and cheap (no network): changes whenever the stored credential changes."""
        ...


class _CachedCredential:
    """Holds a source's credential in memory and re-reads it only when ``fingerprint()`` changes.

    Re-reading on every poll would mean a subprocess or keyring round trip each time (and on
    some setups a prompt); the fingerprint is the cheap local check.
    """

    def __init__(self, source: CredentialSource, clock: Clock) -> None:
        self._source = source
        self._clock = clock
        self._fingerprint: Hashable = None
        self._credential: Credential | None = None

    @property
    def source(self) -> CredentialSource:
        return self._source

    def fingerprint(self) -> Hashable:
        return self._source.fingerprint()

    def get(self) -> tuple[Credential, bool]:
        """The credential, and whether it was (re-)read just now."""
        current = self._source.fingerprint()
        credential = self._credential
        fresh = credential is None or current != self._fingerprint
        if credential is None or fresh:
            self._credential = None  # a failed read must not leave the old token in use
            credential = self._source.read()
            self._credential, self._fingerprint = credential, current
        if credential.kind is not SourceKind.WEB:
            ensure_usable(credential, self._clock.now())  # a cached token expires too
        return credential, fresh


class OAuthFetcher:
    """An account read through Claude Code's OAuth login (file or Keychain)."""

    def __init__(self, name: str, source: CredentialSource, client: UsageClient, clock: Clock) -> None:
        self._name = name
        self._credential = _CachedCredential(source, clock)
        self._client = client
        self._clock = clock

    @property
    def name(self) -> str:
        return self._name

    @property
    def source_kind(self) -> SourceKind:
        return self._credential.source.kind

    def fingerprint(self) -> Hashable:
        return self._credential.fingerprint()

    def fetch(self) -> UsageSnapshot:
        from claude_tray.api.parse import parse_usage

        credential, _reread = self._credential.get()
        data = self._client.oauth_usage(credential.secret)
        return parse_usage(data, account=self._name, source=credential.kind, fetched_at=self._clock.now())


class WebFetcher:
    """An account read through a claude.ai session key; finds the organization once."""

    def __init__(
        self, name: str, source: CredentialSource, client: UsageClient, clock: Clock, org: str = ""
    ) -> None:
        self._name = name
        self._credential = _CachedCredential(source, clock)
        self._client = client
        self._clock = clock
        self._configured_org = org
        self._org: str | None = org or None

    @property
    def name(self) -> str:
        return self._name

    @property
    def source_kind(self) -> SourceKind:
        return SourceKind.WEB

    def fingerprint(self) -> Hashable:
        return self._credential.fingerprint()

    def fetch(self) -> UsageSnapshot:
        try:
            return self._fetch()
        except AuthError as err:
            hint = getattr(self._credential.source, "rejected_hint", "")  # WebKeySource's, keyring-free here
            if hint:
                err.hint = hint
            raise

    def _fetch(self) -> UsageSnapshot:
        from claude_tray.api.parse import parse_overage_spend_limit, parse_usage

        credential, fresh = self._credential.get()
        if fresh and not self._configured_org:
            self._org = None  # another key may belong to another organization
        org = self._org or self._discover(credential.secret)
        data = self._client.web_usage(credential.secret, org)
        snapshot = parse_usage(data, account=self._name, source=SourceKind.WEB, fetched_at=self._clock.now())
        if snapshot.extra is not None:
            return snapshot
        try:
            extra = parse_overage_spend_limit(self._client.web_overage_spend_limit(credential.secret, org))
        except (ResponseFormatError, TransientApiError):
            return snapshot  # optional endpoint: its absence or hiccup costs nothing shown
        return replace(snapshot, extra=extra)

    def _discover(self, session_key: str) -> str:
        from claude_tray.api.parse import parse_organizations, pick_organization

        orgs = parse_organizations(self._client.web_organizations(session_key))
        chosen = pick_organization(orgs)
        if chosen is None:
            names = ", ".join(o.name for o in orgs) or "none"
            raise NoCredentialError(
                f"no claude.ai organization with chat usage for this session key (found: {names})",
                hint=_("set `org` to the organization's uuid in this account's settings"),
            )
        self._org = chosen.uuid
        return chosen.uuid


def abort_fetches() -> None:
    """Cut every HTTP read in flight short (quit): free when no request was ever made."""
    import sys

    for name in ("claude_tray.api.transport", "claude_tray.api.worker"):  # in-process, then workers
        module = sys.modules.get(name)
        if module is not None:
            module.abort_all()


class _LazyClient:
    """The shared HTTP client, built on its first request (so on the poller's thread).

    Building it imports requests (~12 MB, ~0.1 s): deferring that lets the tray icon appear
    without waiting for it, and a setup that never polls (status line only) never pays it.
    """

    def __init__(self, make: Callable[[], UsageClient]) -> None:
        self._make = make
        self._client: UsageClient | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make()
        return getattr(self._client, name)


def build_fetchers(settings: Settings, clock: Clock, *, isolated: bool = False) -> tuple[AccountFetcher, ...]:
    """One fetcher per configured account, sharing one HTTP client (nothing is read yet).

    ``isolated`` (the tray): each request runs in a short-lived worker process
    (:mod:`claude_tray.api.worker`), so the resident process never loads the HTTP stack.
    """
    from claude_tray.sources import build_source, resolve_kind
    from claude_tray.usage.freshest import statusline_aware

    network = settings.network

    def make_client() -> UsageClient:
        from claude_tray.api.worker import WorkerClient, isolated_requests

        if isolated and isolated_requests():
            worker = WorkerClient(network.api_base, network.web_base, network.user_agent, network.timeout)
            return cast("UsageClient", worker)  # the same calls, the same typed errors
        from claude_tray.api.client import UsageClient

        return UsageClient(
            network.api_base, network.web_base, network.user_agent, network.timeout, clock=clock
        )

    from claude_tray.usage.last_poll import RateLimitMemory
    from claude_tray.usage.last_poll import default_path as last_poll_path

    client = cast("UsageClient", _LazyClient(make_client))
    fetchers: list[AccountFetcher] = []
    for account in settings.accounts:
        source = build_source(account, clock)
        if resolve_kind(account.source) is SourceKind.WEB:
            fetchers.append(WebFetcher(account.name, source, client, clock, org=account.org))
        else:  # Claude Code logins: its own numbers (status line, usage cache) first, the API last
            fetchers.append(
                statusline_aware(account, OAuthFetcher(account.name, source, client, clock), clock)
            )
    # a 429 and its next allowed time are shared with every other claude-tray process
    return tuple(RateLimitMemory(f, last_poll_path(), clock.now) for f in fetchers)
