"""The seam between the poller and the data path.

The poller knows nothing about files, keyrings or HTTP: it calls an :class:`AccountFetcher`
per account. ``fetch()`` performs one reading and raises the typed errors of
:mod:`claude_tray.errors`; ``fingerprint()`` is a cheap, network-free check that changes when
the account's stored credential changes (so a stopped account can resume without polling).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from claude_tray.model import UsageSnapshot

__all__ = ["AccountFetcher"]


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
