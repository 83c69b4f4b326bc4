"""The composition root of the tray app: settings -> fetchers -> poller -> tray, plus the parts.

Threads (each named, each joined on quit):

* the main thread runs the tray's UI loop (``TrayIcon.run``; macOS requires the main thread);
* ``claude-tray-app`` handles menu commands, rebuilds the view when a status changes, ticks the
  countdown labels (at most once a minute, only while one would read differently) and runs the
  parts' periodic checks. It is the only thread that builds views, so they are applied in order;
* ``claude-tray-signals`` turns SIGINT/SIGTERM/SIGHUP into a Quit command (a signal handler must
  never touch pystray: with the xorg backend that deadlocks);
* the poller's own threads.

**Adding a feature** (notifications, history, settings hot reload, status line): a module in
``claude_tray.app.parts`` and one line in its ``PART_FACTORIES``; the seam it codes against is
``claude_tray.app.part`` (``Part``, ``AppContext``), never this module.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import TYPE_CHECKING, TypeVar

from claude_tray.app.part import Part, PartFactory
from claude_tray.app.signals import SignalRelay
from claude_tray.errors import ClaudeTrayError
from claude_tray.i18n import _
from claude_tray.model import Health
from claude_tray.settings.model import Settings
from claude_tray.tray.menu import USAGE_PAGE, Action, MenuContribution, MenuEntry, TrayView
from claude_tray.tray.view import build_view

if TYPE_CHECKING:
    from claude_tray.clock import Clock
    from claude_tray.poller.poller import Poller
    from claude_tray.tray.icon import Command, TrayIcon
    from claude_tray.usage.fetch import AccountFetcher

__all__ = ["App", "AutostartControl"]

T = TypeVar("T")

log = logging.getLogger(__name__)

TICK_FLOOR = 60.0  # countdown labels are refreshed at most once a minute
AUTOSTART_CHECK = 5.0  # seconds: a CLI `autostart on|off` reaches the "Start at login" box this soon


@dataclass(frozen=True, slots=True)
class AutostartControl:
    """The "Start at login" checkbox: its state is read from the entry itself each time."""

    is_enabled: Callable[[], bool]
    set_enabled: Callable[[bool], None]


@dataclass(frozen=True, slots=True)
class _Rebuild:
    pass


@dataclass(frozen=True, slots=True)
class _NewSettings:
    settings: Settings


_STOP = object()
_START = object()
_REBUILD = _Rebuild()
_Event = object  # Command | _Rebuild | _NewSettings | _START | _STOP


class App:
    """Wires the poller to the tray and runs until Quit; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        *,
        poller: Poller,
        clock: Clock,
        make_tray: Callable[[TrayView, Callable[[Command], None], Callable[[], None]], TrayIcon],
        fetchers_for: Callable[[Settings], Sequence[AccountFetcher]],
        open_url: Callable[[str], None],
        edit_settings: Callable[[], None],
        autostart: AutostartControl | None = None,
        parts: Sequence[PartFactory] = (),
        tz: tzinfo | None = None,
        relabel: Callable[[TrayView], TrayView] | None = None,  # the demo names its fake data
    ) -> None:
        self.poller = poller
        self.clock = clock
        self._settings = settings
        self._make_tray = make_tray
        self._fetchers_for = fetchers_for
        self._open_url = open_url
        self._edit_settings = edit_settings
        self._autostart = autostart
        self._factories = tuple(parts)
        self._tz = tz
        self._relabel = relabel or (lambda view: view)
        self._hidden = _settings_hidden(settings)
        self._queue: queue.SimpleQueue[_Event] = queue.SimpleQueue()
        self._parts: list[Part] = []
        self._started: list[Part] = []
        self._due: dict[str, float] = {}  # part name -> monotonic time of its next check
        self._tick_at: float | None = None
        self._last_tick = float("-inf")
        self._quitting = False
        self._signals = SignalRelay(lambda _signum: self.send_quit())  # started in run()
        self._thread = threading.Thread(target=self._work, name="claude-tray-app")
        self.tray: TrayIcon | None = None
        self._problem: str | None = None  # why the saved settings file is not in effect
        self._refused: str | None = None  # why "Refresh now" did nothing ("Rate limited - next try ...")
        self._failed: str | None = None  # why the last menu action failed ("cannot open ...: xdg-open ...")
        self._autostart_shown: bool | None = None  # the "Start at login" state the menu shows

    @property
    def settings(self) -> Settings:
        return self._settings

    # -- called from any thread ---------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Queue a menu command (the tray calls this on the UI thread: no I/O here)."""
        self._queue.put(command)

    def send_quit(self) -> None:
        from claude_tray.tray.icon import Command

        self._queue.put(Command(Action.QUIT))

    def apply_settings(self, settings: Settings) -> None:
        """Hot reload: the poller, the view and every part switch to ``settings``."""
        self._queue.put(_NewSettings(settings))

    def show_problem(self, text: str | None) -> None:
        """A state line at the top of the menu (an invalid settings file); None removes it."""
        self._problem = text
        self.refresh_view()

    def refresh_view(self) -> None:
        self._queue.put(_REBUILD)

    # -- the main thread ----------------------------------------------------------------------

    def run(self) -> int:
        """Run until Quit (menu, SIGTERM, Ctrl+C); stop and join everything; 0 on a clean exit.

        The icon comes first: the parts are built and the poller started on the app thread
        (``_start``) while this thread brings the tray up, so start-up work never delays the icon.
        """
        self.tray = self._make_tray(self._view(), self.send, self._signals.install_handlers)
        self._signals.start()
        self._queue.put(_START)
        self._thread.start()
        try:
            self.tray.run()
        finally:
            self._shutdown()
        return 0

    def _start(self) -> None:
        self._parts = [part for factory in self._factories if (part := factory(self)) is not None]
        if self._autostart is not None:  # `claude-tray autostart on|off` shows in the checkbox soon
            self._parts.append(Part("autostart", every=AUTOSTART_CHECK, check=self._check_autostart))
        for part in self._parts:
            if part.listener is not None:
                self.poller.add_listener(part.listener)
        self.poller.add_listener(lambda _change: self._queue.put(_REBUILD))
        now = self.clock.monotonic()
        self._due = {p.name: now + p.every for p in self._parts if p.every and p.check}
        for part in self._parts:
            if part.start is not None:
                part.start()
            self._started.append(part)
        self.poller.start()
        self._apply_view()

    def _shutdown(self) -> None:
        from claude_tray.usage.fetch import abort_fetches

        abort_fetches()  # Quit never waits for a slow server (the app thread may be in a request)
        self._queue.put(_STOP)
        self._thread.join()  # first: a start-up still in progress finishes before anything stops
        self.poller.stop()
        for part in reversed(self._started):
            if part.stop is not None:
                _guarded(part.stop, f"stopping {part.name}")
        self._signals.stop()

    # -- the app thread -----------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            try:
                event = self._queue.get(timeout=self._timeout())
            except queue.Empty:
                event = None  # a countdown tick or a part's check is due
            if event is _STOP:
                return
            _guarded(functools.partial(self._handle, event), "handling a tray event")

    def _timeout(self) -> float | None:
        times = [t for t in (self._tick_at, *self._due.values()) if t is not None]
        return max(0.0, min(times) - self.clock.monotonic()) if times else None

    def _handle(self, event: _Event | None) -> None:
        if event is _START:
            self._start()
        elif event is None:
            self._run_due()
        elif isinstance(event, _NewSettings):
            self._switch_settings(event.settings)
        elif isinstance(event, _Rebuild):
            self._apply_view()
        else:
            self._command(event)  # type: ignore[arg-type]  # only Commands are left

    def _run_due(self) -> None:
        now = self.clock.monotonic()
        for part in self._parts:
            if part.name in self._due and self._due[part.name] <= now and part.check and part.every:
                self._due[part.name] = now + part.every
                _guarded(part.check, f"checking {part.name}")
        if self._tick_at is not None and self._tick_at <= now:
            self._last_tick = now
            self._apply_view()

    def _command(self, command: Command) -> None:
        action = command.action
        if action is Action.QUIT:
            if self.tray is not None and not self._quitting:
                self._quitting = True  # a signal may arrive twice (see claude_tray.app.signals)
                log.info("quitting")
                self.tray.stop()
            return
        self._failed = None
        try:
            self._do(command)
        except ClaudeTrayError as err:  # e.g. no xdg-open: say so in the menu, not only in the log
            log.warning("%s: %s", action.name.lower(), err.message)
            self._failed = f"{err.message} ({err.hint})" if err.hint else err.message
        self._apply_view()

    def _do(self, command: Command) -> None:
        action = command.action
        if action is Action.REFRESH:
            log.info("refresh: %s", said := self.poller.refresh())
            self._refused = None if said == _("Refreshing…") else said  # shown atop the menu
        elif action is Action.EDIT_SETTINGS:
            self._edit_settings()
        elif action is Action.OPEN_USAGE_PAGE:
            self._open_url(USAGE_PAGE)
        elif action is Action.TOGGLE_AUTOSTART and self._autostart is not None:
            shown = command.checked  # the box moves away from what the person saw, whatever the file says
            self._autostart.set_enabled(not (shown if shown is not None else self._autostart.is_enabled()))
        elif action is Action.HIDE_ACCOUNT and command.account is not None:
            self._hidden |= {command.account}
        elif action is Action.SHOW_ALL:
            self._hidden = frozenset()
        else:
            self._part_action(action, command.account)

    def _part_action(self, action: Action, account: str | None) -> None:
        """A menu action a part offers (e.g. "Show history...")."""
        for part in self._parts:
            if action in part.actions:
                part.actions[action](account)

    def _switch_settings(self, settings: Settings) -> None:
        self.poller.apply_settings(settings, self._fetchers_for(settings))
        self._settings = settings
        self._hidden |= _settings_hidden(settings)
        for part in self._parts:
            if part.on_settings is not None:
                _guarded(lambda p=part: p.on_settings(settings), f"new settings for {part.name}")  # type: ignore[misc]
        self._apply_view()

    def _view(self) -> TrayView:
        control = self._autostart
        autostart = None if control is None else _guarded(control.is_enabled, "reading autostart")
        self._autostart_shown = autostart
        statuses = self.poller.statuses()
        menu = sum((p.menu() for p in self._parts if p.menu), MenuContribution())
        view = build_view(
            statuses,
            self._settings,
            self.clock.now(),
            hidden=self._hidden,
            autostart=autostart,
            tz=self._tz,
            menu=menu,
        )
        if self._refused is not None and not any(s.health is Health.RATE_LIMITED for s in statuses):
            self._refused = None  # the wait is over: the line would no longer be true
        top = [_("Refresh now: {why}").format(why=self._refused)] if self._refused is not None else []
        top += [self._failed] if self._failed is not None else []
        problem = self._problem
        top += [_("Settings not applied: {problem}").format(problem=problem)] if problem is not None else []
        return self._relabel(replace(view, menu=(*(MenuEntry(t, enabled=False) for t in top), *view.menu)))

    def _check_autostart(self) -> None:  # rebuild when the login item changed outside the tray
        if self._autostart is not None and self._autostart.is_enabled() != self._autostart_shown:
            self._apply_view()

    def _apply_view(self) -> None:
        view = self._view()
        if self.tray is not None:
            self.tray.apply(view)
        self._schedule_tick(view)

    def _schedule_tick(self, view: TrayView) -> None:
        if view.next_change is None:
            self._tick_at = None
            return
        delay = (view.next_change - self.clock.now()).total_seconds()
        self._tick_at = max(self.clock.monotonic() + delay, self._last_tick + TICK_FLOOR)


def _settings_hidden(settings: Settings) -> frozenset[str]:
    return frozenset(a.name for a in settings.accounts if a.hidden)


def _guarded(action: Callable[[], T], what: str) -> T | None:
    """Run ``action``; log and carry on if it fails (one broken part must not stop the app)."""
    try:
        return action()
    except Exception:
        log.exception("failed while %s", what)
        return None
