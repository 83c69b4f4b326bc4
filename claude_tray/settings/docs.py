"""Every settings key with its type, default and a sentence on what it does.

Types and defaults come from the dataclasses in :mod:`claude_tray.settings.schema`; only the
sentences live here. The commented default file written on first run and the README's table are
both rendered from :func:`key_docs`, and a test checks that every dataclass field has a sentence,
so documentation cannot drift from the schema. ``python -m claude_tray.settings.docs`` prints the
Markdown table.
"""

from __future__ import annotations

import dataclasses
import textwrap
import typing
from dataclasses import dataclass

import tomli_w

from claude_tray.model import Thresholds
from claude_tray.settings.model import (
    AccountSettings,
    EventSettings,
    GeneralSettings,
    HistorySettings,
    IconSettings,
    NetworkSettings,
    NotificationSettings,
    Settings,
)

__all__ = ["DOCS", "KeyDoc", "default_file_text", "key_docs", "markdown_table", "toml_value"]

# (section, dataclass) in the order the file and the README show them; "" is the top level.
SECTIONS: tuple[tuple[str, type], ...] = (
    ("", Settings),
    ("general", GeneralSettings),
    ("thresholds", Thresholds),
    ("icon", IconSettings),
    ("notifications", NotificationSettings),
    ("events", EventSettings),
    ("network", NetworkSettings),
    ("history", HistorySettings),
    ("accounts", AccountSettings),
)

# Keys whose real default depends on the environment (CLAUDE_TRAY_API_BASE, ...): the default file
# shows them commented out, so writing the file never pins a value the environment should decide.
ENV_DEFAULTS = frozenset({"network.api_base", "network.web_base"})

DOCS: dict[str, str] = {
    "schema_version": "Layout version of this file. Leave it alone: claude-tray refuses a file from a "
    "newer version instead of misreading it.",
    "general.poll_interval": "Seconds between two readings of the usage API while everything works "
    "(60-86400). Errors and rate limits back off on their own schedule.",
    "general.icon_account": 'Which account the tray icon shows: "worst" (the fullest of all accounts) '
    'or "active" (the account marked active = true).',
    "general.check_updates": 'Offer "Check for updates" in the menu: when clicked it asks the package '
    "index (PyPI) for the latest version and shows the upgrade command for how you installed "
    "claude-tray. Nothing is downloaded or installed; `claude-tray update-check` works either way.",
    "thresholds.warn": "Usage (%) at which a ring turns amber (above 0, at most 100).",
    "thresholds.critical": "Usage (%) at which a ring turns red (above 0, at most 100). Must be above warn.",
    "icon.outer": "Window drawn as the outer ring, by key: five_hour, seven_day, seven_day_opus, ... "
    "(`claude-tray status --json` lists the keys your plan has).",
    "icon.inner": "Window drawn as the inner ring, by key (see icon.outer).",
    "icon.show_percent": "Write the outer ring's percentage in the middle of the icon.",
    "icon.pace_mark": "A small light tick on each ring where an even pace would be now (the share "
    "of the window already elapsed): an arc reaching past its tick is ahead of pace.",
    "notifications.enabled": "Master switch: false turns every desktop notification off.",
    "notifications.usage": "Warn when a window's usage passes one of the thresholds below.",
    "notifications.thresholds": "Usage levels (%) that each raise one notification when a window "
    "climbs past them (each above 0, at most 100); once per window period. An empty list means no usage or refill notices.",
    "notifications.pace": "Only warn when usage runs ahead of the time elapsed in the window "
    "(80% used with 10% of the week left is fine; 80% on day two is not).",
    "notifications.refill": "Tell me when a window I was warned about has been reset (its usage "
    "dropped back).",
    "notifications.login": "Tell me when a login stops working (expired, revoked) and when it works again.",
    "notifications.blocked": "Tell me when claude.ai blocks the web source with a Cloudflare challenge.",
    "notifications.settings_invalid": "Tell me when a saved edit of this file cannot be used (the "
    "previous settings stay in effect).",
    "events.command": "A program to run on each event a notification would announce (threshold, "
    "refill, login_lost, login_back, blocked, settings_invalid) and when polling becomes rate_limited, "
    "whether or not notifications are enabled: the program and its arguments as a list of strings, "
    "run without a shell. The event is in CLAUDE_TRAY_* environment variables and as JSON on stdin "
    "(README: Event commands). Empty: none.",
    "events.timeout": "Seconds an event command may run before it is stopped (1-300).",
    "network.api_base": "Base URL of the usage API (for proxies and tests). Default "
    "https://api.anthropic.com, or $CLAUDE_TRAY_API_BASE. Must be https:// (http:// only for "
    "localhost / 127.x / [::1]: the token must not travel in cleartext).",
    "network.web_base": "Base URL of claude.ai for the web source. Default https://claude.ai, or "
    "$CLAUDE_TRAY_WEB_BASE. Same https:// rule as api_base.",
    "network.user_agent": 'User-Agent header. Empty means "claude-tray/<version>"; pretending to be '
    "Claude Code is refused, and so are characters outside Latin-1 (HTTP headers cannot carry them).",
    "network.timeout": "Seconds before one request gives up, all of it: connecting, headers and "
    "body (1-300). Bodies over 1 MiB (raw or unpacked) are refused.",
    "history.enabled": "Keep a local history of readings (for pace and export).",
    "history.retention_days": "Days of history to keep (1-3650).",
    "accounts.name": "Name shown in the menu; unique per account.",
    "accounts.source": "Where the login comes from: auto (Keychain on macOS, else cli), cli "
    "(Claude Code's .credentials.json), keychain, web (a claude.ai session key in the OS keyring) "
    "or statusline (numbers from the Claude Code status line, no network).",
    "accounts.config_dir": "Claude Code config dir of this account (cli, keychain, statusline). "
    "Empty: $CLAUDE_CONFIG_DIR, else ~/.claude.",
    "accounts.org": "claude.ai organization uuid for the web source. Empty: the one that can chat.",
    "accounts.keyring_user": "Keyring entry holding this account's web session key. Empty: the account name.",
    "accounts.active": 'The account the icon shows when general.icon_account = "active".',
    "accounts.hidden": "Leave this account out of the menu (nothing is logged out or revoked).",
}


@dataclass(frozen=True, slots=True)
class KeyDoc:
    section: str  # "" for the top level; "accounts" means an [[accounts]] table
    key: str
    type_name: str
    default: object
    doc: str

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}" if self.section else self.key


def key_docs() -> tuple[KeyDoc, ...]:
    """Every key of the schema, in file order. Raises KeyError if a field has no sentence."""
    docs: list[KeyDoc] = []
    for section, cls in SECTIONS:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if dataclasses.is_dataclass(hints[f.name]) or f.name == "accounts":
                continue  # a nested table, documented by its own section
            dotted = f"{section}.{f.name}" if section else f.name
            default = getattr(cls(), f.name)
            docs.append(KeyDoc(section, f.name, _type_name(hints[f.name]), default, DOCS[dotted]))
    return tuple(docs)


def _type_name(hint: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    if typing.get_origin(hint) is tuple:
        return "list of strings" if typing.get_args(hint)[0] is str else "list of numbers"
    return names[hint] if isinstance(hint, type) and hint in names else str(hint)


def toml_value(value: object) -> str:
    """One TOML value on one line: ``300``, ``true``, ``"worst"``, ``[80, 95]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value})[4:].strip()


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 96)]


_HEADER = """\
# claude-tray settings (TOML). Every key is listed with its default value.
# Save your edits: a running claude-tray picks them up within a few seconds. If an edit is not
# valid, the previous settings stay in effect and you are told the file, line and problem.
# Check by hand: `claude-tray config check`. Secrets never go in this file.
"""

_ACCOUNTS_NOTE = """\
# Accounts: with no [[accounts]] table, claude-tray reads Claude Code's own login ("auto").
# Add one [[accounts]] table per account (or use `claude-tray accounts add`), for example:
"""


def default_file_text() -> str:
    """The commented file written on first run; parses to the defaults."""
    lines = [_HEADER.rstrip("\n")]
    current = None
    for doc in key_docs():
        if doc.section != current:
            current = doc.section
            lines.append("")
            if doc.section == "accounts":
                lines.extend([_ACCOUNTS_NOTE.rstrip("\n"), "#", "# [[accounts]]"])
            elif doc.section:
                lines.append(f"[{doc.section}]")
        lines.extend(_key_lines(doc))
    return "\n".join(lines) + "\n"


def _key_lines(doc: KeyDoc) -> list[str]:
    assignment = f"{doc.key} = {toml_value(doc.default)}"
    if doc.section == "accounts":
        return [*_comment(doc.doc, "# "), f"# {assignment}"]
    if doc.dotted in ENV_DEFAULTS:
        return [*_comment(doc.doc), f"# {assignment}"]
    return [*_comment(doc.doc), assignment]


def markdown_table() -> str:
    """The README's settings table."""
    rows = ["| Key | Type | Default | What it does |", "|---|---|---|---|"]
    for doc in key_docs():
        name = f"`[[accounts]]` `{doc.key}`" if doc.section == "accounts" else f"`{doc.dotted}`"
        default = f"`{toml_value(doc.default)}`"
        rows.append(f"| {name} | {doc.type_name} | {default} | {doc.doc.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown_table())
