"""Pluggable, read-only credential sources (see :mod:`claude_tray.sources.base`).

:func:`build_source` picks the source for one configured account: ``auto`` means the Keychain
(then the file) on macOS and the credentials file elsewhere. A source that cannot exist here is
still an object (keyring's "fail backend" idea): it raises with a reason instead of being None.
:func:`describe_sources` says, for ``doctor``, which sources work on this machine and why not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import ClassVar

from claude_tray.clock import Clock
from claude_tray.errors import CredentialError, NoCredentialError, SourceUnavailable
from claude_tray.model import SourceKind
from claude_tray.paths import claude_config_dir
from claude_tray.settings.model import AccountSettings
from claude_tray.sources.base import Credential, CredentialSource

__all__ = [
    "ChainSource",
    "SourceReport",
    "build_source",
    "describe_sources",
    "resolve_kind",
]


def resolve_kind(source: str, platform: str = sys.platform) -> SourceKind:
    """``auto`` -> the Keychain on macOS, else the CLI credentials file."""
    if source == "auto":
        return SourceKind.KEYCHAIN if platform == "darwin" else SourceKind.CLI
    return SourceKind(source)


def build_source(account: AccountSettings, clock: Clock, *, platform: str = sys.platform) -> CredentialSource:
    """The credential source for one account (nothing is read yet)."""
    kind = resolve_kind(account.source, platform)
    if kind is SourceKind.WEB:
        from claude_tray.sources.web_key import WebKeySource  # keyring is imported only for web accounts

        return WebKeySource(account.keyring_user or account.name)
    if kind is SourceKind.STATUSLINE:  # no secret: the numbers Claude Code's status line recorded
        from claude_tray.sources.statusline import StatuslineRecordSource

        return StatuslineRecordSource(claude_config_dir(account.config_dir or None))
    from claude_tray.sources.cli_file import CliFileSource

    cli = CliFileSource(claude_config_dir(account.config_dir or None), clock)
    if kind is SourceKind.CLI:
        return cli
    from claude_tray.sources.keychain import KeychainSource

    explicit_dir = account.config_dir or os.environ.get("CLAUDE_CONFIG_DIR") or None
    keychain = KeychainSource(clock, config_dir=explicit_dir, platform=platform)
    # on macOS the Keychain wins; the file is the fallback for installs that still write it
    return ChainSource(keychain, cli) if account.source == "auto" else keychain


class ChainSource(CredentialSource):
    """The first source that has a credential (``auto`` on macOS: Keychain, then file)."""

    kind: ClassVar[SourceKind] = SourceKind.KEYCHAIN  # the preferred one; a Credential carries its own

    def __init__(self, *sources: CredentialSource) -> None:
        self._sources = sources

    def check(self) -> None:
        reasons = []
        for source in self._sources:
            try:
                source.check()
            except SourceUnavailable as err:
                reasons.append(err.reason)
            else:
                return
        raise SourceUnavailable("; ".join(reasons))

    def read(self) -> Credential:
        first: CredentialError | None = None
        for source in self._sources:
            try:
                return source.read()
            except (NoCredentialError, SourceUnavailable) as err:
                first = first or err  # keep looking: the next source may have a login
        raise first or NoCredentialError("no credential source configured")

    def fingerprint(self) -> Hashable:
        return tuple(source.fingerprint() for source in self._sources)

    def describe(self) -> str:
        return ", then ".join(source.describe() for source in self._sources)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """One line of ``doctor``: can this source work here, and what does it find."""

    kind: SourceKind
    where: str
    available: bool
    reason: str  # why not, or what was found ("login found", "no Claude Code login at ...")
    found: bool = False  # a credential was read (nothing was sent anywhere)
    hint: str = ""  # how to fix it, when not found


def describe_sources(
    account: AccountSettings,
    clock: Clock,
    *,
    platform: str = sys.platform,
    kinds: tuple[SourceKind, ...] = tuple(SourceKind),
) -> tuple[SourceReport, ...]:
    """Each of ``kinds`` (default: all) for this account's settings, checked locally (nothing is sent)."""
    reports = []
    for kind in kinds:
        source = build_source(_as(account, kind), clock, platform=platform)
        reports.append(_report(kind, source))
    return tuple(reports)


def _as(account: AccountSettings, kind: SourceKind) -> AccountSettings:
    return replace(account, source=kind.value)


def _report(kind: SourceKind, source: CredentialSource) -> SourceReport:
    try:
        source.check()
    except SourceUnavailable as err:
        return SourceReport(kind, source.describe(), available=False, reason=err.reason, hint=err.hint)
    try:
        credential = source.read()
    except CredentialError as err:
        return SourceReport(kind, source.describe(), available=True, reason=err.message, hint=err.hint)
    expiry = f", expires {credential.expires_at:%Y-%m-%d %H:%M} UTC" if credential.expires_at else ""
    return SourceReport(kind, source.describe(), available=True, reason=f"login found{expiry}", found=True)
