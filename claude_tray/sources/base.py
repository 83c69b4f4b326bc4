"""The credential-source contract (modelled on keyring's backends).

A source reads one credential, read-only. It can say *why* it cannot work on this machine
(:meth:`CredentialSource.check` raises :class:`SourceUnavailable` with a reason, for
``doctor``), and it offers a cheap, network-free :meth:`CredentialSource.fingerprint` so the
poller notices a changed login (file mtime + content hash, keychain item content) without
sending anything.
"""

from __future__ import annotations

import abc
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from claude_tray.digest import sha256_hex
from claude_tray.model import SourceKind

__all__ = ["Credential", "CredentialSource", "digest"]


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret plus what is known about it locally. The secret never appears in repr()."""

    kind: SourceKind
    secret: str = field(repr=False)
    expires_at: datetime | None = None  # aware UTC; None = unknown
    scopes: tuple[str, ...] | None = None  # None = not recorded (old logins)
    subscription_type: str | None = None  # "pro", "max", ...
    rate_limit_tier: str | None = None

    @property
    def is_session_key(self) -> bool:
        return self.kind is SourceKind.WEB


def digest(secret: str) -> str:
    """A short one-way fingerprint for comparing secrets locally (never sent, never logged)."""
    return sha256_hex(secret.encode())[:16]


class CredentialSource(abc.ABC):
    """One place a credential can come from."""

    kind: ClassVar[SourceKind]

    @abc.abstractmethod
    def check(self) -> None:
        """Raise SourceUnavailable(reason) if this source cannot work on this machine."""

    @abc.abstractmethod
    def read(self) -> Credential:
        """Return the credential, or raise a CredentialError subclass saying what to do."""

    @abc.abstractmethod
    def fingerprint(self) -> Hashable:
        """A cheap local value that changes whenever the stored credential changes."""

    @abc.abstractmethod
    def describe(self) -> str:
        """One line for people: where this source looks, e.g. '~/.claude/.credentials.json'."""
