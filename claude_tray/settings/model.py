"""The settings as frozen dataclasses: what every part of the app reads (built by :mod:`claude_tray.settings.schema`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from claude_tray.model import Thresholds

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_WEB_BASE",
    "SCHEMA_VERSION",
    "AccountSettings",
    "EventSettings",
    "GeneralSettings",
    "HistorySettings",
    "IconSettings",
    "NetworkSettings",
    "NotificationSettings",
    "Settings",
    "select_accounts",
]

SCHEMA_VERSION = 1
DEFAULT_API_BASE = "https://api.anthropic.com"
DEFAULT_WEB_BASE = "https://claude.ai"


@dataclass(frozen=True, slots=True)
class GeneralSettings:
    poll_interval: float = 300.0  # seconds between successful polls
    icon_account: str = "worst"  # "worst" of all accounts, or "active" (the one marked active)
    check_updates: bool = False  # opt-in: offer "Check for updates" (asks the package index when clicked)


@dataclass(frozen=True, slots=True)
class IconSettings:
    outer: str = "five_hour"  # window key that drives the outer ring
    inner: str = "seven_day"  # window key that drives the inner ring
    show_percent: bool = False  # draw the outer ring's percentage in the centre
    pace_mark: bool = True  # a tick on each ring at the share of its window already elapsed


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    enabled: bool = True
    usage: bool = True  # a window passed one of the thresholds
    thresholds: tuple[float, ...] = (80.0, 95.0)
    pace: bool = False  # only warn when usage runs ahead of the elapsed share of the window
    refill: bool = True
    login: bool = True  # login lost / recovered
    blocked: bool = True
    settings_invalid: bool = True


@dataclass(frozen=True, slots=True)
class EventSettings:
    command: tuple[str, ...] = ()  # argv run (no shell) on each notification-worthy event; () = none
    timeout: float = 10.0  # seconds before a command that has not finished is stopped


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    api_base: str = DEFAULT_API_BASE
    web_base: str = DEFAULT_WEB_BASE
    user_agent: str = ""  # empty: "claude-tray/<version> (+project URL)"
    timeout: float = 20.0


@dataclass(frozen=True, slots=True)
class HistorySettings:
    enabled: bool = True
    retention_days: int = 90


@dataclass(frozen=True, slots=True)
class AccountSettings:
    name: str = "default"
    source: str = "auto"  # auto | cli | keychain | web | statusline
    config_dir: str = ""  # Claude Code config dir for cli/keychain/statusline; empty = default
    org: str = ""  # claude.ai organization uuid for the web source; empty = the chat org
    keyring_user: str = ""  # keyring entry name for a web session key; empty = the account name
    active: bool = False  # the account the icon shows when icon_account = "active"
    hidden: bool = False  # hidden from the menu (local only; revokes nothing)


@dataclass(frozen=True, slots=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    general: GeneralSettings = field(default_factory=GeneralSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    icon: IconSettings = field(default_factory=IconSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    events: EventSettings = field(default_factory=EventSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    accounts: tuple[AccountSettings, ...] = (AccountSettings(),)

    @property
    def poll_interval(self) -> float:
        return self.general.poll_interval


def select_accounts(settings: Settings, only: str | None) -> Settings:
    """The settings narrowed to one account (``--account NAME``); LookupError names the choices."""
    if only is None:
        return settings
    chosen = tuple(a for a in settings.accounts if a.name == only)
    if not chosen:
        names = ", ".join(a.name for a in settings.accounts)
        raise LookupError(f"no account named {only!r} (configured: {names})")
    return replace(settings, accounts=chosen)
