"""Several accounts in one icon: which one Claude Code is logged in as right now.

The "logged in" marker goes to the configured account whose token is the one Claude Code uses in
its default config dir. Tokens are compared as local one-way digests
(:func:`claude_tray.sources.base.digest`); nothing is sent anywhere, nothing is stored or logged.

>>> logged_in({"work": "d1", "home": "d2", "web": None}, current="d2")
('home',)
>>> logged_in({"work": "d1"}, current=None)
()
"""

from __future__ import annotations

from collections.abc import Mapping

from claude_tray.clock import Clock
from claude_tray.errors import CredentialError
from claude_tray.settings.model import AccountSettings, Settings
from claude_tray.sources.base import CredentialSource, digest

__all__ = ["OAUTH_SOURCES", "logged_in", "logged_in_accounts", "token_digest"]

OAUTH_SOURCES = ("auto", "cli", "keychain")  # sources that hold a Claude Code login


def logged_in(digests: Mapping[str, str | None], current: str | None) -> tuple[str, ...]:
    """Names of the accounts whose token digest equals Claude Code's current one (pure)."""
    if current is None:
        return ()
    return tuple(name for name, value in digests.items() if value is not None and value == current)


def token_digest(source: CredentialSource) -> str | None:
    """The digest of the token a source holds now, or None when it has none (read locally)."""
    try:
        return digest(source.read().secret)
    except CredentialError:
        return None


def logged_in_accounts(settings: Settings, clock: Clock) -> tuple[str, ...]:
    """The configured accounts Claude Code is logged in as in its default config dir."""
    from claude_tray.sources import build_source

    current = token_digest(build_source(AccountSettings(), clock))
    digests = {
        account.name: token_digest(build_source(account, clock))
        for account in settings.accounts
        if account.source in OAUTH_SOURCES
    }
    return logged_in(digests, current)


CHECK_EVERY = 120.0  # seconds between local re-reads of the logins while the tray runs
