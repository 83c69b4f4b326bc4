"""What a running daemon adds to the poller: notifications, event commands, settings hot reload.

Shared by the tray (:func:`app_part`, one entry in ``app.PART_FACTORIES``) and ``claude-tray
watch`` (:func:`build_live`, checked from its main loop). A saved settings file is applied
without a restart; an invalid one keeps the running settings and says file:line and what is
wrong, once, as a notification (and, in the tray, as a line at the top of the menu).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.clock import Clock
from claude_tray.errors import ConfigError, NotifyError
from claude_tray.model import StatusChange
from claude_tray.notifiers.events import EventListener
from claude_tray.notifiers.rules import NotificationListener, Notifier
from claude_tray.settings.file import problem_lines
from claude_tray.settings.model import Settings
from claude_tray.settings.reload import SettingsReloader, reload_every

if TYPE_CHECKING:
    from claude_tray.app.part import AppContext, Part

__all__ = ["Live", "app_part", "build_live"]


@dataclass(frozen=True, slots=True)
class Live:
    notifications: NotificationListener
    reloader: SettingsReloader
    events: EventListener  # the [events] command

    def listener(self, change: StatusChange) -> None:
        """Give to ``poller.add_listener``."""
        self.notifications(change)
        self.events(change)

    def check(self) -> None:
        """Call every :func:`~claude_tray.settings.reload.reload_every` seconds from the daemon's loop."""
        self.reloader.check()

    def close(self) -> None:
        self.notifications.close()
        self.events.close()


def build_live(
    path: Path,
    settings: Settings,
    clock: Clock,
    *,
    apply: Callable[[Settings], None],
    notifier: Notifier | None = None,
    show_problem: Callable[[str | None], None] = lambda _text: None,
    tz: tzinfo | None = None,
) -> Live:
    """``apply`` switches the daemon to new settings; ``show_problem`` puts a state line on screen."""
    if notifier is None:
        from claude_tray.notifiers import default_notifier

        notifier = default_notifier()
    listener = NotificationListener(notifier, settings, clock, tz)
    events = EventListener(settings, clock)

    def applied(new: Settings) -> None:
        listener.settings_applied(new)
        events.settings_applied(new)
        apply(new)

    def invalid(error: ConfigError) -> None:
        listener.settings_invalid(error)
        events.settings_invalid(error)
        show_problem(problem_lines(error)[0] if error.problems else error.message)

    def recovered() -> None:
        listener.settings_applied(reloader.current)
        events.settings_applied(reloader.current)
        show_problem(None)

    reloader = SettingsReloader(path, settings, apply=applied, invalid=invalid, recovered=recovered)
    return Live(listener, reloader, events)


def app_part(app: AppContext) -> Part:
    """The tray's part: notifications and event commands on status changes, a reload check every
    few seconds."""
    from claude_tray.app.part import Part
    from claude_tray.notifiers import default_notifier
    from claude_tray.paths import settings_file

    def tray_notify(message: str, title: str) -> None:  # Windows: balloons hang off the tray icon
        notify = getattr(app.tray, "notify", None)
        if notify is None:
            raise NotifyError("this tray cannot show notifications")
        notify(message, title)

    live = build_live(
        settings_file(),
        app.settings,
        app.clock,
        apply=app.apply_settings,
        notifier=default_notifier(tray_notify=tray_notify),
        show_problem=app.show_problem,
    )
    return Part(
        "settings-and-notifications",
        listener=live.listener,
        every=reload_every(),
        check=live.check,
        stop=live.close,
    )
