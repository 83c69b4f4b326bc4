"""``claude-tray login-web [--account NAME]``: keep a claude.ai session key in the OS keyring.

The key is read from a no-echo prompt (or from stdin when it is not a terminal, e.g.
``pass show claude | claude-tray login-web``), checked against claude.ai (the organization
list) and only then stored. It is never echoed, logged, written to the settings file or put
on a command line.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from claude_tray.i18n import _

if TYPE_CHECKING:
    from claude_tray.api.parse import Organization
    from claude_tray.settings.model import AccountSettings, Settings
    from claude_tray.sources.web_key import WebKeySource

__all__ = ["HELP", "LoginFailed", "add_arguments", "run", "store_checked_key"]

HELP = "store a claude.ai session key in the OS keyring (checked against claude.ai first)"

_PROMPT = "claude.ai sessionKey cookie value (input hidden): "


class LoginFailed(Exception):
    """One line for stderr; the command exits 1."""


_Failed = LoginFailed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account",
        metavar="NAME",
        help="account to store it for (default: the first web account, else 'default')",
    )


def run(args: argparse.Namespace) -> int:
    from claude_tray.log import setup_logging

    setup_logging()
    try:
        settings = _settings()
        account = _account(settings, args.account)
        org = store_checked_key(settings, account)
    except _Failed as err:
        sys.stderr.write(f"claude-tray: {err}\n")
        return 1
    user = account.keyring_user or account.name
    stored = _("Stored the claude.ai session key for account {name} (organization {org}).")
    sys.stdout.write(stored.format(name=repr(user), org=repr(org.name)) + "\n")
    _advise(settings, account)
    return 0


def store_checked_key(settings: Settings, account: AccountSettings) -> Organization:
    """Ask for the key, check it against claude.ai, store it in the keyring (``accounts add --source web`` too)."""
    keyring = _keyring(account)  # before asking for the key: no keyring, no point
    key = _read_key()
    org = _validate(settings, account, key)
    _store(keyring, key)
    return org


def _settings() -> Settings:
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.schema import load_settings

    try:
        return load_settings(settings_file())
    except ConfigError as err:
        raise _Failed(f"settings: {err.message}") from err


def _account(settings: Settings, name: str | None) -> AccountSettings:
    from claude_tray.settings.model import AccountSettings

    if name is not None:
        found = next((a for a in settings.accounts if a.name == name), None)
        return found or AccountSettings(name=name, source="web")
    web = next((a for a in settings.accounts if a.source == "web"), None)
    return web or AccountSettings(name="default", source="web")


def _read_key() -> str:
    import getpass

    raw = getpass.getpass(_PROMPT) if sys.stdin.isatty() else sys.stdin.readline()
    key = raw.strip().removeprefix("sessionKey=")
    from claude_tray.sources.web_key import looks_like_session_key

    if not key:
        raise _Failed(_("no session key given"))
    if not looks_like_session_key(key):
        raise _Failed(_("that does not look like a claude.ai session key (it starts with sk-ant-)"))
    return key


def _validate(settings: Settings, account: AccountSettings, key: str) -> Organization:
    """Ask claude.ai which organizations this key sees; refuse to store a key it rejects."""
    from claude_tray.api.client import UsageClient
    from claude_tray.api.parse import parse_organizations, pick_organization
    from claude_tray.errors import ClaudeTrayError
    from claude_tray.poller.outcome import outcome_of

    net = settings.network
    client = UsageClient(net.api_base, net.web_base, net.user_agent, net.timeout)
    try:
        orgs = parse_organizations(client.web_organizations(key))
    except ClaudeTrayError as err:
        outcome = outcome_of(err)
        hint = f" ({outcome.hint})" if outcome.hint else ""
        raise _Failed(f"not stored: claude.ai check failed: {outcome.message}{hint}") from err
    finally:
        client.close()
    org = pick_organization(orgs, account.org)
    if org is None:
        wanted = f" named {account.org!r}" if account.org else " with chat usage"
        raise _Failed(f"not stored: this key sees no organization{wanted}")
    return org


def _keyring(account: AccountSettings) -> WebKeySource:
    from claude_tray.errors import SourceUnavailable
    from claude_tray.sources.web_key import WebKeySource

    source = WebKeySource(account.keyring_user or account.name, env={})  # the keyring itself, not the env
    try:
        source.check()
    except SourceUnavailable as err:
        hint = f" ({err.hint})" if err.hint else ""
        raise _Failed(f"cannot store a session key: {err.reason}{hint}") from err
    return source


def _store(keyring: WebKeySource, key: str) -> None:
    from claude_tray.errors import CredentialError

    try:
        keyring.store(key)
    except CredentialError as err:
        hint = f" ({err.hint})" if err.hint else ""
        raise _Failed(f"not stored: {err.message}{hint}") from err


def _advise(settings: Settings, account: AccountSettings) -> None:
    import os

    from claude_tray.sources.web_key import ENV_VAR

    if not any(a.name == account.name and a.source == "web" for a in settings.accounts):
        sys.stdout.write(
            _("To use it, add this account to the settings file:") + "\n\n"
            f'[[accounts]]\nname = "{account.name}"\nsource = "web"\n'
        )
    if os.environ.get(ENV_VAR):
        note = _("note: {variable} is set and takes precedence over the stored key").format(variable=ENV_VAR)
        sys.stderr.write(f"claude-tray: {note}\n")
