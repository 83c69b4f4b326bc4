"""``claude-tray accounts list|add|remove``: several Claude Code logins (or other sources) in one icon.

``add --source cli --config-dir ~/.claude-work [--name work]`` reads that login (read-only),
asks ``GET /api/oauth/profile`` once who it is, and adds an ``[[accounts]]`` table named by the
email unless a name is given. Anthropic's advice for several accounts is one config dir each
(``CLAUDE_CONFIG_DIR=~/.claude-work claude``). ``list`` marks with ``*`` the account Claude Code
is logged in as in its default config dir (tokens compared as local digests, never sent).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.i18n import _

if TYPE_CHECKING:
    from claude_tray.clock import Clock
    from claude_tray.settings.model import AccountSettings, Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "list, add or remove accounts (e.g. a second Claude Code login in its own config dir)"
ADD_SOURCES = ("cli", "keychain", "auto", "statusline", "web")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the configured accounts; * = Claude Code's current login")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add = actions.add_parser("add", help="add an account, named by its email (one profile request)")
    add.add_argument(
        "--source",
        choices=ADD_SOURCES,
        default="cli",
        help="where its login is (default: cli); web: a claude.ai session key, asked for, checked, kept in the OS keyring",
    )
    add.add_argument("--config-dir", metavar="DIR", help="its Claude Code config dir (default: ~/.claude)")
    add.add_argument("--name", help="the account's name (default: its email)")
    remove = actions.add_parser("remove", help="remove an account (its lines are commented out)")
    remove.add_argument("name")


def run(args: argparse.Namespace) -> int:
    from claude_tray.errors import ClaudeTrayError
    from claude_tray.log import setup_logging
    from claude_tray.paths import settings_file

    setup_logging()
    path = settings_file()
    try:
        if args.action == "list":
            return _list(path, as_json=args.json)
        if args.action == "add" and args.source == "web":
            return _add_web(path, args.name)
        if args.action == "add":
            return _add(path, args.source, args.config_dir, args.name)
        return _remove(path, args.name)
    except ClaudeTrayError as err:
        _error(err.message, err.hint)
        return 1


def _error(message: str, hint: str = "") -> None:
    from claude_tray.log import redact

    suffix = f" ({hint})" if hint else ""
    sys.stderr.write(f"claude-tray: {redact(message + suffix)}\n")


def _load(path: Path) -> Settings:
    from claude_tray.settings.schema import load_settings

    return load_settings(path)


# --- list ------------------------------------------------------------------------------------


def _list(path: Path, *, as_json: bool) -> int:
    import json

    from claude_tray.claude_code.logins import logged_in_accounts
    from claude_tray.clock import SystemClock

    settings = _load(path)
    current = set(logged_in_accounts(settings, SystemClock()))
    rows = [_row(account, logged_in=account.name in current) for account in settings.accounts]
    if as_json:
        sys.stdout.write(json.dumps({"accounts": rows}, indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(str(row["name"])) for row in rows)
    for row in rows:
        mark = "*" if row["logged_in"] else " "
        flags = "".join(f"  [{flag}]" for flag in ("active", "hidden") if row[flag])
        where = row["config_dir"] or "(default config dir)"
        sys.stdout.write(f"{mark} {row['name']:<{width}}  {row['source']:<10}  {where}{flags}\n")
    if current:
        sys.stdout.write(_("* = the login Claude Code uses in its default config dir") + "\n")
    return 0


def _row(account: AccountSettings, *, logged_in: bool) -> dict[str, object]:
    return {
        "name": account.name,
        "source": account.source,
        "config_dir": account.config_dir or None,
        "logged_in": logged_in,
        "active": account.active,
        "hidden": account.hidden,
    }


# --- add / remove ----------------------------------------------------------------------------


def _add(path: Path, source: str, config_dir_arg: str | None, name: str | None) -> int:
    from claude_tray.clock import SystemClock
    from claude_tray.errors import ConfigError, ConfigProblem
    from claude_tray.settings.file import append_account
    from claude_tray.settings.model import AccountSettings

    settings = _load(path)
    config_dir = str(Path(config_dir_arg).expanduser().absolute()) if config_dir_arg else ""
    candidate = AccountSettings(name=name or "new", source=source, config_dir=config_dir)
    if source == "statusline":
        label, plan = name or _dir_name(config_dir), None
    else:
        label, plan = _identify(settings, candidate, SystemClock(), name)
    account = AccountSettings(name=label, source=source, config_dir=config_dir)
    if any(a.name == label for a in settings.accounts):
        problem = ConfigProblem(
            str(path), None, "accounts.name", f"an account named {label!r} exists; pass --name"
        )
        raise ConfigError((problem,), hint="")
    if _implicit_default(path) and not _reads_default_dir(account):
        append_account(path, AccountSettings())  # keep the default login the icon showed so far
    append_account(path, account)
    where = config_dir or _("the default config dir")
    added = (
        _("added account {name} ({plan}): {source} login in {where}")
        if plan
        else _("added account {name}: {source} login in {where}")
    )
    sys.stdout.write(added.format(name=repr(label), plan=plan, source=source, where=where) + "\n")
    return 0


def _add_web(path: Path, name: str | None) -> int:
    """One flow: the key (prompt or stdin), checked against claude.ai, kept in the keyring, table appended."""
    from claude_tray.commands.login_web import LoginFailed, store_checked_key
    from claude_tray.errors import ConfigError, ConfigProblem
    from claude_tray.settings.file import append_account
    from claude_tray.settings.model import AccountSettings

    settings = _load(path)
    label = name or "web"
    if any(a.name == label for a in settings.accounts):
        problem = ConfigProblem(
            str(path), None, "accounts.name", f"an account named {label!r} exists; pass --name"
        )
        raise ConfigError((problem,), hint="")
    account = AccountSettings(name=label, source="web")
    try:
        org = store_checked_key(settings, account)
    except LoginFailed as err:
        _error(str(err))
        return 1
    if _implicit_default(path):
        append_account(path, AccountSettings())  # keep the default login the icon showed so far
    append_account(path, account)
    added = _("added account {name}: claude.ai session key (organization {org}) in the OS keyring")
    sys.stdout.write(added.format(name=repr(label), org=repr(org.name)) + "\n")
    return 0


def _identify(
    settings: Settings, candidate: AccountSettings, clock: Clock, name: str | None
) -> tuple[str, str | None]:
    """Read the login locally, ask the profile endpoint once who it is: (name, plan)."""
    from claude_tray.api.client import UsageClient
    from claude_tray.api.parse import parse_profile
    from claude_tray.errors import NoCredentialError
    from claude_tray.sources import build_source

    credential = build_source(candidate, clock).read()
    net = settings.network
    client = UsageClient(net.api_base, net.web_base, net.user_agent, net.timeout, clock=clock)
    try:
        profile = parse_profile(client.oauth_profile(credential.secret))
    finally:
        client.close()
    chosen = name or profile.email
    if not chosen:
        raise NoCredentialError(
            "the profile did not say which email this login belongs to", hint="pass --name"
        )
    return chosen, profile.plan


def _dir_name(config_dir: str) -> str:
    return (Path(config_dir).name.lstrip(".") if config_dir else "") or "statusline"


def _implicit_default(path: Path) -> bool:
    """True when the file has no [[accounts]] yet (so the default account is only implied)."""
    import tomllib

    try:
        return "accounts" not in tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True


def _reads_default_dir(account: AccountSettings) -> bool:
    from claude_tray.paths import claude_config_dir

    return claude_config_dir(account.config_dir or None) == claude_config_dir()


def _remove(path: Path, name: str) -> int:
    from claude_tray.settings.file import remove_account

    remove_account(path, name)
    removed = _("removed account {name} (its lines are commented out in {path})")
    sys.stdout.write(removed.format(name=repr(name), path=path) + "\n")
    return 0
