"""What history adds to a running daemon: recording, the binding-wall forecast, "Show history...".

:class:`Forecaster` is a poller listener shared by the tray (:func:`app_part`, one entry in
``app.PART_FACTORIES``) and ``claude-tray watch``: it records each fresh snapshot (when
``[history] enabled``) and recomputes that account's binding wall right then, on the poller
thread. The menu reads the cached walls, so the forecast line changes when a reading arrives,
never on a countdown tick (no menu rebuild while nothing changed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from claude_tray.i18n import _
from claude_tray.model import StatusChange
from claude_tray.settings.model import Settings
from claude_tray.usage.forecast import Forecast, account_wall
from claude_tray.usage.history import History, HistoryListener, default_path

if TYPE_CHECKING:
    from claude_tray.app.part import AppContext, Part

__all__ = ["Forecaster", "app_part", "show_history"]

log = logging.getLogger(__name__)


class Forecaster:
    """Records fresh snapshots (if enabled) and keeps each account's binding wall up to date."""

    def __init__(
        self, settings: Callable[[], Settings], now: Callable[[], datetime], history: History
    ) -> None:
        self._settings = settings
        self._now = now
        self.history = history
        self.recorder = HistoryListener(history, now, settings().history.retention_days)
        self._walls: dict[str, Forecast] = {}
        self._lock = threading.Lock()

    def __call__(self, change: StatusChange) -> None:
        snapshot = change.current.snapshot
        if snapshot is None:
            return
        enabled = self._settings().history.enabled
        if enabled:
            self.recorder(change)
        recent = self.recorder.recent(change.current.account) if enabled else ()
        wall = account_wall(recent, snapshot, self._now())
        with self._lock:
            if wall is None:
                self._walls.pop(change.current.account, None)
            else:
                self._walls[change.current.account] = wall

    def walls(self) -> Mapping[str, Forecast]:
        with self._lock:
            return dict(self._walls)


def show_history(history: History, settings: Settings, now: datetime, open_file: Callable[..., None]) -> None:
    """Draw the chart into the cache dir and hand it to the desktop's image viewer."""
    from claude_tray.paths import cache_dir
    from claude_tray.render.chart import write_chart  # Pillow only when a chart is drawn

    path = write_chart(history, cache_dir() / "history.png", now, settings.thresholds)
    open_file(path)


def app_part(app: AppContext) -> Part:
    """The tray's part: the forecaster as a listener, and the "Show history..." action."""
    from claude_tray.app.part import Part
    from claude_tray.settings.opener import open_file
    from claude_tray.tray.menu import Action, MenuContribution, MenuEntry

    forecaster = Forecaster(lambda: app.settings, app.clock.now, History(default_path()))

    def show() -> None:
        show_history(forecaster.history, app.settings, app.clock.now(), open_file)

    offered = app.settings.history.enabled
    item = (MenuEntry(_("Show history..."), Action.SHOW_HISTORY),) if offered else ()

    def menu() -> MenuContribution:
        return MenuContribution(headlines=forecaster.walls(), actions=item)

    actions = {Action.SHOW_HISTORY: lambda _account: show()} if offered else {}
    return Part("history", listener=forecaster, actions=actions, menu=menu)
