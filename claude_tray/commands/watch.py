"""``claude-tray watch [--format json|waybar] [--account NAME]``: the poller without a tray.

Runs the same poller as the tray and prints one line per change, flushed at once:

* ``--format json``: the ``status --json`` account object, one JSON document per line;
* ``--format waybar``: ``{"text", "tooltip", "class", "percentage"}`` for waybar's custom
  module (``"return-type": "json"``). Waybar shows one line at a time, so this format follows
  one account: ``--account``, else the account marked ``active``, else the first.

SIGINT and SIGTERM quit cleanly (every thread joined, exit 0); SIGUSR1 asks for a refresh,
which still respects an active rate limit (for waybar's ``on-click``). The signal handlers
only set an Event and nudge the main thread; all work happens outside them.

Like the tray, it sends desktop notifications, runs the ``[events]`` command, and applies a
saved settings file without a restart (the main thread checks it every 10 s); an invalid file
keeps the running settings.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from claude_tray.i18n import _

if TYPE_CHECKING:
    import queue
    from collections.abc import Callable, Mapping

    from claude_tray.app.parts.history import Forecaster
    from claude_tray.app.parts.live import Live
    from claude_tray.claude_code.sessions import SessionWatch
    from claude_tray.clock import Clock
    from claude_tray.model import AccountStatus, StatusChange, Thresholds
    from claude_tray.poller.poller import Poller
    from claude_tray.settings.model import Settings
    from claude_tray.usage.forecast import Forecast

__all__ = ["HELP", "add_arguments", "run"]

HELP = "keep polling and print one line per change (JSON lines, or JSON for a waybar module)"

_IDLE_WAKE = 60.0  # the main thread re-checks the stop flag at least this often


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "waybar"),
        default="json",
        help="json: one status --json account object per line (default); waybar: custom-module JSON",
    )
    parser.add_argument("--account", metavar="NAME", help="only this configured account")


def run(args: argparse.Namespace) -> int:
    from claude_tray import i18n

    if args.format == "json":  # the status --json objects: English whatever the locale
        with i18n.use("en"):
            return _run(args)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    import queue
    import random

    from claude_tray.clock import SystemClock
    from claude_tray.errors import ConfigError
    from claude_tray.log import setup_logging
    from claude_tray.paths import settings_file
    from claude_tray.poller.poller import Poller
    from claude_tray.settings.model import select_accounts
    from claude_tray.settings.schema import load_settings
    from claude_tray.usage.fetch import build_fetchers
    from claude_tray.usage.last_poll import LastPollRecorder, default_path

    setup_logging()
    try:
        settings = select_accounts(load_settings(settings_file()), args.account)
    except ConfigError as err:
        sys.stderr.write("claude-tray: " + _("settings: {problem}").format(problem=err.message) + "\n")
        return 1
    except LookupError as err:
        sys.stderr.write(f"claude-tray: {err.args[0]}\n")
        return 1
    clock = SystemClock()
    stop = threading.Event()
    nudges: queue.SimpleQueue[str] = queue.SimpleQueue()  # reentrant put: safe in a handler
    printer = _Printer(args.format, _followed(settings, args), settings, clock, sys.stdout, stop, nudges)
    rng = random.Random()  # noqa: S311 - jitter, not secrets
    poller = Poller(build_fetchers(settings, clock), settings, clock=clock, rng=rng)
    forecaster = _forecaster(printer, clock)
    poller.add_listener(forecaster)  # records history (when enabled) and the walls, before a line is printed
    poller.add_listener(printer)
    poller.add_listener(LastPollRecorder(default_path(), clock.now))  # what `claude-tray doctor` reports
    live = _live(settings, clock, poller, printer, args.account)
    poller.add_listener(live.listener)
    _install_signals(stop, nudges)
    poller.start()
    try:
        _serve(poller, stop, nudges, live.check)
    finally:
        poller.stop()
        live.close()
    return 0


def _forecaster(printer: _Printer, clock: Clock) -> Forecaster:
    """History and the binding-wall forecast: the same listener the tray uses (JSON lines carry it)."""
    from claude_tray.app.parts.history import Forecaster
    from claude_tray.usage.history import History
    from claude_tray.usage.history import default_path as history_path

    forecaster = Forecaster(printer.settings, clock.now, History(history_path()))
    printer.walls = forecaster.walls
    return forecaster


def _live(settings: Settings, clock: Clock, poller: Poller, printer: _Printer, only: str | None) -> Live:
    """Notifications and hot reload; a reload keeps the --account selection."""
    from claude_tray.app.parts.live import build_live
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.model import select_accounts
    from claude_tray.settings.schema import load_settings
    from claude_tray.usage.fetch import build_fetchers

    def apply(new: Settings) -> None:
        try:
            selected = select_accounts(new, only)
        except LookupError as err:
            kept = _("settings: {problem}; keeping the old accounts").format(problem=err.args[0])
            sys.stderr.write(f"claude-tray: {kept}\n")
            return
        printer.use_settings(selected)  # the waybar classes and the session dirs follow the reload
        poller.apply_settings(selected, build_fetchers(selected, clock))

    path = settings_file()
    try:
        current = load_settings(path)  # all accounts: what the file says, before --account
    except ConfigError:
        current = settings
    return build_live(path, current, clock, apply=apply)


def _followed(settings: Settings, args: argparse.Namespace) -> str | None:
    """The one account a waybar line describes; None (every account) for JSON lines."""
    if args.format != "waybar":
        return None
    active = [a.name for a in settings.accounts if a.active]
    return args.account or (active[0] if active else settings.accounts[0].name)


def _install_signals(stop: threading.Event, nudges: queue.SimpleQueue[str]) -> None:
    import signal as sig

    def on_quit(_signum: int, _frame: object) -> None:
        stop.set()
        nudges.put("quit")

    def on_refresh(_signum: int, _frame: object) -> None:
        nudges.put("refresh")

    sig.signal(sig.SIGINT, on_quit)
    sig.signal(sig.SIGTERM, on_quit)
    if hasattr(sig, "SIGUSR1"):  # not on Windows
        sig.signal(sig.SIGUSR1, on_refresh)


def _serve(
    poller: Poller,
    stop: threading.Event,
    nudges: queue.SimpleQueue[str],
    tick: Callable[[], None] = lambda: None,
) -> None:
    """The main thread waits here (never inside an Event a handler sets); the poller prints.
    ``tick`` (the settings-file check) runs whenever no nudge came for a reload period."""
    import queue

    from claude_tray.settings.reload import reload_every

    every = min(_IDLE_WAKE, reload_every())
    while not stop.is_set():
        try:
            nudge = nudges.get(timeout=every)
        except queue.Empty:
            tick()
            continue
        if nudge == "refresh" and not stop.is_set():
            poller.refresh()


class _Printer:
    """The listener: renders each change, skips lines identical to the last one, flushes."""

    def __init__(
        self,
        fmt: str,
        followed: str | None,
        settings: Settings,
        clock: Clock,
        out: TextIO,
        stop: threading.Event,
        nudges: queue.SimpleQueue[str],
    ) -> None:
        self._format = fmt
        self._followed = followed
        self._settings = settings
        self._thresholds: Thresholds = settings.thresholds
        self.walls: Callable[[], Mapping[str, Forecast]] = dict  # account -> binding wall (JSON lines)
        self._sessions: SessionWatch | None = None  # made on the first JSON line
        self._clock = clock
        self._out = out
        self._stop = stop
        self._nudges = nudges
        self._last: dict[str, str] = {}
        self._lock = threading.Lock()

    def set_thresholds(self, thresholds: Thresholds) -> None:
        with self._lock:
            self._thresholds = thresholds

    def settings(self) -> Settings:
        with self._lock:
            return self._settings

    def use_settings(self, settings: Settings) -> None:
        with self._lock:
            self._settings = settings
            self._thresholds = settings.thresholds
            if self._sessions is not None:
                self._sessions.use(settings)

    def __call__(self, change: StatusChange) -> None:
        status = change.current
        if self._followed is not None and status.account != self._followed:
            return
        line = self._render(status)
        with self._lock:
            if self._last.get(status.account) == line:
                return  # e.g. only the next attempt time moved: nothing a reader would see
            self._last[status.account] = line
            try:
                self._out.write(line + "\n")
                self._out.flush()
            except (BrokenPipeError, ValueError):  # the reader went away (waybar reloaded)
                self._stop.set()
                self._nudges.put("quit")

    def _render(self, status: AccountStatus) -> str:
        if self._format == "waybar":
            from claude_tray.report.status import waybar_json

            return json.dumps(waybar_json(status, self._thresholds, self._clock.now()), ensure_ascii=False)
        return json.dumps(self._account_line(status), ensure_ascii=False)

    def _account_line(self, status: AccountStatus) -> dict[str, object]:
        """The account object of ``status --json``: with its ``forecast`` and ``sessions``."""
        from claude_tray.claude_code.context import session_json
        from claude_tray.claude_code.sessions import SessionWatch
        from claude_tray.report.status import status_document

        now = self._clock.now()
        accounts = status_document([status], self.walls(), now)["accounts"]
        assert isinstance(accounts, list)
        document: dict[str, object] = accounts[0]
        with self._lock:
            if self._sessions is None:
                self._sessions = SessionWatch(self._settings)
            found = self._sessions.by_account(now).get(status.account, ())
        document["sessions"] = [session_json(s) for s in found]
        return document
