"""``claude-tray`` / ``claude-tray run``: the tray icon (``--demo``: against a built-in fake API).

Only one tray runs per user session: a second start says so and exits 0
(:mod:`claude_tray.app.instance`). Without a display or a tray host it prints one line saying what is missing and what to use
instead (``claude-tray status`` / ``watch``), and exits 2. Ways out, all clean (threads joined,
exit status 0): the menu's Quit, Ctrl+C, SIGTERM/SIGHUP (``kill <pid>``). The XEmbed (xorg)
backend has no menu: there a left click refreshes and a signal quits.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claude_tray.i18n import _

__all__ = ["HELP", "add_arguments", "run"]

HELP = "show usage in the system tray (the default when no command is given)"

EXIT_NO_TRAY = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against a built-in local fake API with a scripted day of usage (no account needed)",
    )
    parser.add_argument(
        "--wait-for-tray",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="wait this long for a tray host to appear (at login the panel may start later; default 5)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log what happens to stderr")


def run(args: argparse.Namespace) -> int:
    import logging

    from claude_tray.errors import ClaudeTrayError, TrayUnavailable
    from claude_tray.log import setup_logging

    setup_logging(logging.INFO if args.verbose else logging.WARNING)
    try:
        if args.demo:
            from claude_tray.app.demo import run_demo

            return run_demo(wait_for_tray=args.wait_for_tray)
        return _run_tray(args.wait_for_tray)
    except TrayUnavailable as err:
        sys.stderr.write(f"claude-tray: {err.message}; {err.hint}\n")
        return EXIT_NO_TRAY
    except ClaudeTrayError as err:
        hint = f" ({err.hint})" if err.hint else ""
        sys.stderr.write(f"claude-tray: {err.message}{hint}\n")
        return 1


def _write_default_settings(path: Path) -> None:
    """The first run writes the commented default file ("Edit settings..." then opens something)."""
    from claude_tray.settings.file import ensure_settings_file

    try:
        ensure_settings_file(path)
    except OSError as err:  # a read-only config dir costs the file, never the tray
        failed = _("cannot write {path}: {reason}; using the defaults").format(
            path=path, reason=err.strerror or err
        )
        sys.stderr.write(f"claude-tray: {failed}\n")


def _run_tray(wait_for_tray: float) -> int:
    from claude_tray.app.instance import InstanceLock, default_lock_path
    from claude_tray.app.launch import launch, preflight
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.schema import load_settings, parse_settings

    lock = InstanceLock(default_lock_path())
    if not lock.acquire():  # one tray per session; status and watch stay usable beside it
        pid = lock.holder()
        running = (
            _("claude-tray is already running in this session (pid {pid}); its icon is in the tray.")
            if pid
            else _("claude-tray is already running in this session; its icon is in the tray.")
        )
        beside = _("`claude-tray status` and `claude-tray watch` work beside it.")
        sys.stderr.write(f"{running.format(pid=pid)} {beside}\n")
        return 0
    try:
        choice = preflight(wait_for_tray)  # without a tray nothing else matters
        path = settings_file()
        _write_default_settings(path)
        try:
            settings = load_settings(path)
        except ConfigError as err:  # still start (an icon at login beats none), on the defaults
            problem = _("settings: {problem}; using the defaults until it is fixed").format(
                problem=err.message
            )
            sys.stderr.write(f"claude-tray: {problem}\n")
            settings = parse_settings("")
        return launch(choice, settings, path)
    finally:
        lock.release()
