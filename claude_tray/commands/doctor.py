"""``claude-tray doctor [--json]``: why the icon does not show, or why an account reads nothing.

Gathers the facts here (each probe reads this machine, nothing is sent anywhere: credentials
are read, never used) and lets :mod:`claude_tray.report.doctor` judge them. Exit status 0 when
everything needed is present, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_tray.clock import Clock
    from claude_tray.model import SourceKind
    from claude_tray.report.doctor import (
        AccountProbe,
        AutostartProbe,
        BackendProbe,
        BridgeProbe,
        Probes,
        SettingsProbe,
    )
    from claude_tray.settings.model import Settings

__all__ = ["HELP", "add_arguments", "gather", "run"]

HELP = "check the tray backend, tray host, keyring, settings, autostart and each account's login"

SNI_WATCHER = "org.kde.StatusNotifierWatcher"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")


def run(args: argparse.Namespace) -> int:
    from claude_tray import i18n
    from claude_tray.clock import SystemClock
    from claude_tray.log import redact, setup_logging
    from claude_tray.report.doctor import diagnose
    from claude_tray.report.doctor_text import format_report, report_json

    setup_logging()
    with i18n.use("en") if args.json else contextlib.nullcontext():  # JSON values stay English
        report = diagnose(gather(SystemClock()))
    if args.json:
        sys.stdout.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(redact(format_report(report)))
    return 0 if report.ok else 1


def gather(clock: Clock) -> Probes:
    """Every fact the report needs, read from this machine now."""
    import platform

    from claude_tray import __version__
    from claude_tray.report.doctor import Probes
    from claude_tray.tray.icon import display_available

    linux_desktop = sys.platform.startswith("linux") or "bsd" in sys.platform
    display = display_available()
    settings_probe, settings = _settings()
    bus, watcher = _session_bus() if linux_desktop else (False, None)
    implementation = f"{platform.python_implementation()}, {sys.executable}"
    return Probes(
        version=__version__,
        python=f"{platform.python_version()} ({implementation})",
        python_ok=sys.version_info >= (3, 11),
        platform=platform.platform(),
        linux_desktop=linux_desktop,
        display=display,
        backend=_backend() if display else None,
        session_bus=bus,
        sni_watcher=watcher,
        keyring=_keyring(),
        keyring_problem=_keyring_problem(),
        session_key_env=bool(os.environ.get("CLAUDE_TRAY_SESSION_KEY")),
        settings=settings_probe,
        autostart=_autostart(),
        accounts=_accounts(settings, clock),
        now=clock.now(),
        bridges=_bridges(settings),
    )


def _backend() -> BackendProbe:
    """The backend the tray would use, every reason another was not, and the tray host."""
    from claude_tray.errors import TrayUnavailable
    from claude_tray.report.doctor import BackendProbe
    from claude_tray.tray.icon import LINUX_BACKENDS, load_backend, tray_host

    forced = os.environ.get("PYSTRAY_BACKEND")  # read first: load_backend sets it
    linux = sys.platform.startswith("linux") or "bsd" in sys.platform
    candidates = (forced,) if forced else LINUX_BACKENDS if linux else (sys.platform,)
    try:
        choice = load_backend()
    except TrayUnavailable as err:
        return BackendProbe(candidates, rejected=err.rejected)
    return BackendProbe(candidates, choice.name, choice.why, choice.rejected, tray_host(choice.name))


def _session_bus() -> tuple[bool, bool | None]:
    """(a session bus answers, the StatusNotifierWatcher name has an owner on it)."""
    try:
        from jeepney import DBusErrorResponse
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg
    except ImportError:  # jeepney comes with SecretStorage on Linux; without it we cannot ask
        return False, None
    try:
        connection = open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, ValueError):  # no address, refused, or an unparseable address
        return False, None
    try:
        reply = connection.send_and_get_reply(message_bus.NameHasOwner(SNI_WATCHER), timeout=2.0)
        return True, bool(unwrap_msg(reply)[0])
    except (DBusErrorResponse, OSError, TimeoutError):
        return True, None
    finally:
        connection.close()


def _keyring() -> str | None:
    from claude_tray.sources.web_key import keyring_backend_name

    return keyring_backend_name()


def _keyring_problem() -> str:
    from claude_tray.sources.web_key import keyring_problem

    return keyring_problem()


def _settings() -> tuple[SettingsProbe, Settings]:
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.report.doctor import SettingsProbe
    from claude_tray.settings.model import Settings
    from claude_tray.settings.schema import load_settings

    path = settings_file()
    try:
        settings = load_settings(path)
    except ConfigError as err:
        problems = tuple(str(p) for p in err.problems) or (err.message,)
        return SettingsProbe(str(path), path.exists(), problems), Settings()
    return SettingsProbe(str(path), path.exists()), settings


def _autostart() -> AutostartProbe:
    from claude_tray.autostart import get_autostart
    from claude_tray.report.doctor import AutostartProbe

    entry = get_autostart()
    return AutostartProbe(entry.SUPPORTED, entry.is_enabled(), entry.location)


def _accounts(settings: Settings, clock: Clock) -> tuple[AccountProbe, ...]:
    from claude_tray.report.doctor import AccountProbe
    from claude_tray.sources import describe_sources
    from claude_tray.usage.last_poll import default_path, read_records

    records = read_records(default_path())
    return tuple(
        AccountProbe(
            account.name,
            account.source,
            describe_sources(account, clock, kinds=source_kinds(account.source)),
            records.get(account.name),
        )
        for account in settings.accounts
    )


def _bridges(settings: Settings) -> tuple[BridgeProbe, ...]:
    """Each Claude Code config dir of the accounts: the bridge's state and the usage cache's age."""
    from claude_tray.claude_code.bridge import bridge_state
    from claude_tray.claude_code.logins import OAUTH_SOURCES
    from claude_tray.paths import claude_config_dir
    from claude_tray.report.doctor import BridgeProbe
    from claude_tray.sources.usage_cache import UsageCacheReader, claude_json_path

    probes: dict[str, BridgeProbe] = {}
    for account in settings.accounts:
        if account.source not in (*OAUTH_SOURCES, "statusline"):
            continue
        config_dir = claude_config_dir(account.config_dir or None)
        cache = claude_json_path(account.config_dir or None)
        reading = UsageCacheReader(cache, account.name).read()
        cache_at = reading.fetched_at if reading is not None else None
        probe = BridgeProbe(str(config_dir), bridge_state(config_dir), str(cache), cache_at)
        probes.setdefault(str(config_dir), probe)
    return tuple(probes.values())


def source_kinds(source: str, platform: str = sys.platform) -> tuple[SourceKind, ...]:
    """What a configured source means here: ``auto`` on macOS is the Keychain, then the file."""
    from claude_tray.model import SourceKind
    from claude_tray.sources import resolve_kind

    if source == "auto" and platform == "darwin":
        return (SourceKind.KEYCHAIN, SourceKind.CLI)
    return (resolve_kind(source, platform),)
