"""The settings file: a typed, validated view of ``settings.toml``.

:func:`parse_settings` turns TOML text into a frozen :class:`Settings` or raises
:class:`~claude_tray.errors.ConfigError` listing *every* problem with its line, so the daemon
can keep its last good settings and tell the person exactly what to fix. A missing file
means defaults. Secrets never live here: web session keys are in the OS keyring.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_tray import localfile
from claude_tray.api.netrules import header_problem, url_problem
from claude_tray.errors import ConfigError, ConfigProblem
from claude_tray.model import Thresholds
from claude_tray.settings.model import (
    DEFAULT_API_BASE,
    DEFAULT_WEB_BASE,
    SCHEMA_VERSION,
    AccountSettings,
    EventSettings,
    GeneralSettings,
    HistorySettings,
    IconSettings,
    NetworkSettings,
    NotificationSettings,
    Settings,
)

__all__ = [
    "MAX_POLL_INTERVAL",
    "MAX_RETENTION_DAYS",
    "MIN_POLL_INTERVAL",
    "SOURCES",
    "load_settings",
    "min_poll_interval",
    "parse_settings",
]

MIN_POLL_INTERVAL = 60.0
MAX_POLL_INTERVAL = 86400.0  # a day: anything longer is a typo, and timers overflow long before 1e18
MAX_RETENTION_DAYS = 3650  # ten years of history
SOURCES = ("auto", "cli", "keychain", "web", "statusline")
ICON_ACCOUNT_MODES = ("worst", "active")


def min_poll_interval() -> float:
    """60 s, or less only through the documented testing knob ``CLAUDE_TRAY_MIN_INTERVAL``."""
    raw = os.environ.get("CLAUDE_TRAY_MIN_INTERVAL")
    try:
        return max(0.05, float(raw)) if raw else MIN_POLL_INTERVAL
    except ValueError:
        return MIN_POLL_INTERVAL


def load_settings(path: Path) -> Settings:
    """Read and validate the file; defaults when it does not exist."""
    try:
        text = localfile.read_text(path)
    except FileNotFoundError:
        return parse_settings("", str(path))  # defaults, plus the env overrides
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise ConfigError((ConfigProblem(str(path), None, "", f"cannot read: {why}"),)) from err
    return parse_settings(text, str(path))


def parse_settings(text: str, path: str = "settings.toml") -> Settings:
    """Validate TOML text; raises ConfigError with every problem found (file, line, key)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = _line_from_decode_error(str(err))
        raise ConfigError((ConfigProblem(path, line, "", f"not valid TOML: {err}"),)) from err
    except RecursionError as err:  # tomllib recurses per nesting level: 5,000 [[[...]]] end here
        raise ConfigError((ConfigProblem(path, None, "", "not usable TOML: nested too deeply"),)) from err
    reader = _Reader(text, path)
    settings = reader.settings(data)
    if reader.problems:
        raise ConfigError(tuple(reader.problems))
    return settings


def _line_from_decode_error(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


Check = Callable[[Any], str | None]  # returns a problem message or None


class _Reader:
    """Collects problems instead of stopping at the first one."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.problems: list[ConfigProblem] = []
        self.account_index: int | None = None  # which [[accounts]] table is being read

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self.path, self._line_of(key), key, message))

    def _line_of(self, dotted: str) -> int | None:
        name = dotted.rsplit(".", 1)[-1].split("[", 1)[0]
        section = dotted.rsplit(".", 1)[0] if "." in dotted else ""
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        in_section = not section
        # in [[accounts]], the n-th table is the one being read (not the first with that key)
        skip = self.account_index if section == "accounts" and self.account_index else 0
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                header = stripped.strip("[] ")
                in_section = not section or header == section.split("[", 1)[0]
                if in_section and skip:
                    skip -= 1
                    in_section = False
            elif in_section and pattern.match(line):
                return number
        return None

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.problem(name, f"[{name}] must be a table")
            return {}
        return value

    def value(
        self,
        table: dict[str, Any],
        section: str,
        key: str,
        default: Any,
        kind: type | tuple[type, ...],
        check: Check | None = None,
    ) -> Any:
        if key not in table:
            return default
        raw = table[key]
        dotted = f"{section}.{key}" if section else key
        if isinstance(raw, bool) and kind is not bool:
            self.problem(dotted, f"must be {_kind_name(kind)}, not a boolean")
            return default
        if not isinstance(raw, kind):
            self.problem(dotted, f"must be {_kind_name(kind)}, got {type(raw).__name__} {raw!r}")
            return default
        message = check(raw) if check else None
        if message:
            self.problem(dotted, message)
            return default
        accepted: Any = raw
        return float(accepted) if kind == (int, float) else accepted

    def unknown_keys(self, table: dict[str, Any], section: str, known: set[str]) -> None:
        for key in sorted(set(table) - known):
            dotted = f"{section}.{key}" if section else key
            self.problem(dotted, f"unknown setting {key!r} (allowed: {', '.join(sorted(known))})")

    def settings(self, data: dict[str, Any]) -> Settings:
        known_top = {"schema_version", "general", "thresholds", "icon", "notifications"}
        known_top |= {"events", "network", "history", "accounts"}
        self.unknown_keys(data, "", known_top)
        version = self.value(data, "", "schema_version", SCHEMA_VERSION, int, _schema_check)
        thresholds = self.thresholds(self.table(data, "thresholds"))
        return Settings(
            schema_version=version,
            general=self.general(self.table(data, "general")),
            thresholds=thresholds,
            icon=self.icon(self.table(data, "icon")),
            notifications=self.notifications(self.table(data, "notifications")),
            events=self.events(self.table(data, "events")),
            network=self.network(self.table(data, "network")),
            history=self.history(self.table(data, "history")),
            accounts=self.accounts(data.get("accounts")),
        )

    def general(self, t: dict[str, Any]) -> GeneralSettings:
        self.unknown_keys(t, "general", {"poll_interval", "icon_account", "check_updates"})
        d = GeneralSettings()
        return GeneralSettings(
            poll_interval=self.value(
                t, "general", "poll_interval", d.poll_interval, (int, float), _interval_check
            ),
            icon_account=self.value(
                t, "general", "icon_account", d.icon_account, str, _one_of(ICON_ACCOUNT_MODES)
            ),
            check_updates=self.value(t, "general", "check_updates", d.check_updates, bool),
        )

    def thresholds(self, t: dict[str, Any]) -> Thresholds:
        self.unknown_keys(t, "thresholds", {"warn", "critical"})
        d = Thresholds()
        warn = self.value(t, "thresholds", "warn", d.warn, (int, float), _percent_check)
        critical = self.value(t, "thresholds", "critical", d.critical, (int, float), _percent_check)
        if warn >= critical:
            self.problem("thresholds.warn", f"warn ({warn:g}) must be below critical ({critical:g})")
            return d
        return Thresholds(warn=warn, critical=critical)

    def icon(self, t: dict[str, Any]) -> IconSettings:
        self.unknown_keys(t, "icon", {"outer", "inner", "show_percent", "pace_mark"})
        d = IconSettings()
        return IconSettings(
            outer=self.value(t, "icon", "outer", d.outer, str, _nonempty),
            inner=self.value(t, "icon", "inner", d.inner, str, _nonempty),
            show_percent=self.value(t, "icon", "show_percent", d.show_percent, bool),
            pace_mark=self.value(t, "icon", "pace_mark", d.pace_mark, bool),
        )

    def notifications(self, t: dict[str, Any]) -> NotificationSettings:
        flags = ("enabled", "usage", "pace", "refill", "login", "blocked", "settings_invalid")
        self.unknown_keys(t, "notifications", {*flags, "thresholds"})
        d = NotificationSettings()
        values = {k: self.value(t, "notifications", k, getattr(d, k), bool) for k in flags}
        raw = self.value(t, "notifications", "thresholds", list(d.thresholds), list, _percent_list_check)
        return NotificationSettings(thresholds=tuple(sorted(float(v) for v in raw)), **values)

    def events(self, t: dict[str, Any]) -> EventSettings:
        self.unknown_keys(t, "events", {"command", "timeout"})
        d = EventSettings()
        command = self.value(t, "events", "command", list(d.command), list, _argv_check)
        timeout = self.value(t, "events", "timeout", d.timeout, (int, float), _timeout_check)
        return EventSettings(command=tuple(command), timeout=timeout)

    def network(self, t: dict[str, Any]) -> NetworkSettings:
        self.unknown_keys(t, "network", {"api_base", "web_base", "user_agent", "timeout"})
        d = NetworkSettings(
            api_base=self.env_url("CLAUDE_TRAY_API_BASE", "network.api_base", DEFAULT_API_BASE),
            web_base=self.env_url("CLAUDE_TRAY_WEB_BASE", "network.web_base", DEFAULT_WEB_BASE),
        )
        api_base = self.value(t, "network", "api_base", d.api_base, str, _url_check)
        web_base = self.value(t, "network", "web_base", d.web_base, str, _url_check)
        return NetworkSettings(
            api_base=api_base.rstrip("/"),
            web_base=web_base.rstrip("/"),
            user_agent=self.value(t, "network", "user_agent", d.user_agent, str, _user_agent_check),
            timeout=self.value(t, "network", "timeout", d.timeout, (int, float), _timeout_check),
        )

    def env_url(self, variable: str, key: str, default: str) -> str:
        """A base URL from the environment, held to the same rule as the file's."""
        value = os.environ.get(variable) or default
        message = _url_check(value)
        if message:
            self.problem(key, f"${variable} {message}")
            return default
        return value

    def history(self, t: dict[str, Any]) -> HistorySettings:
        self.unknown_keys(t, "history", {"enabled", "retention_days"})
        d = HistorySettings()
        return HistorySettings(
            enabled=self.value(t, "history", "enabled", d.enabled, bool),
            retention_days=self.value(
                t, "history", "retention_days", d.retention_days, int, _retention_check
            ),
        )

    def accounts(self, raw: Any) -> tuple[AccountSettings, ...]:
        if raw is None:
            return (AccountSettings(),)
        if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
            self.problem("accounts", "accounts must be written as [[accounts]] tables")
            return (AccountSettings(),)
        accounts = []
        for index, table in enumerate(raw):
            self.account_index = index
            accounts.append(self.account(table))
        self.account_index = None
        names = [a.name for a in accounts]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problem("accounts.name", f"two accounts are named {name!r}; names must be unique")
        return tuple(accounts) or (AccountSettings(),)

    def account(self, t: dict[str, Any]) -> AccountSettings:
        known = {"name", "source", "config_dir", "org", "keyring_user", "active", "hidden"}
        self.unknown_keys(t, "accounts", known)
        d = AccountSettings()
        return AccountSettings(
            name=self.value(t, "accounts", "name", d.name, str, _nonempty),
            source=self.value(t, "accounts", "source", d.source, str, _source_check),
            config_dir=self.value(t, "accounts", "config_dir", d.config_dir, str),
            org=self.value(t, "accounts", "org", d.org, str),
            keyring_user=self.value(t, "accounts", "keyring_user", d.keyring_user, str),
            active=self.value(t, "accounts", "active", d.active, bool),
            hidden=self.value(t, "accounts", "hidden", d.hidden, bool),
        )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false", list: "a list"}
    if isinstance(kind, tuple):
        return "a number" if kind == (int, float) else " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _one_of(allowed: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}; got {value!r}"

    return check


def _interval_check(value: Any) -> str | None:
    floor = min_poll_interval()
    if value > MAX_POLL_INTERVAL or (isinstance(value, float) and math.isnan(value)):
        return f"poll_interval must be between {floor:g} and {MAX_POLL_INTERVAL:g} seconds; got {value!r}"
    if value < floor:
        return f"poll_interval is {value:g} s; the minimum is {floor:g} s (be polite to the API)"
    return None


def _user_agent_check(value: Any) -> str | None:
    if "claude-code" in value.lower() or "claude-cli" in value.lower():
        return "claude-tray does not impersonate Claude Code; name your own client instead"
    return header_problem(value)


def _percent_check(value: Any) -> str | None:
    return None if 0 < value <= 100 else f"must be between 0 and 100; got {value!r}"


def _percent_list_check(value: Any) -> str | None:
    bad = [v for v in value if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 100]
    return f"must be a list of percentages (0-100); bad entries: {bad!r}" if bad else None


def _argv_check(value: Any) -> str | None:
    if not all(isinstance(v, str) for v in value) or (value and not value[0].strip()):
        return 'must be a program and its arguments as strings, e.g. ["paplay", "/path/to/sound.oga"]'
    return "must not contain NUL characters" if any("\0" in v for v in value) else None


def _url_check(value: Any) -> str | None:
    return url_problem(value)


def _timeout_check(value: Any) -> str | None:
    return None if 1 <= value <= 300 else f"must be between 1 and 300 seconds; got {value!r}"


def _retention_check(value: Any) -> str | None:
    if 0 < value <= MAX_RETENTION_DAYS:
        return None
    return f"must be between 1 and {MAX_RETENTION_DAYS} days; got {value!r}"


def _nonempty(value: Any) -> str | None:
    return None if value.strip() else "must not be empty"


def _schema_check(value: Any) -> str | None:
    if value > SCHEMA_VERSION:
        return f"schema_version {value} is newer than this claude-tray understands ({SCHEMA_VERSION})"
    return None if value >= 1 else f"schema_version must be >= 1; got {value}"


_source_check = _one_of(SOURCES)
