"""Per-OS notification senders, chosen by ``sys.platform``; each implements ``notify.Notifier``.

* Linux/BSD: :class:`~claude_tray.notifiers.linux.DBusNotifier` (org.freedesktop.Notifications);
* macOS: :class:`~claude_tray.notifiers.macos.OsascriptNotifier` (Notification Center);
* Windows: :class:`~claude_tray.notifiers.windows.TrayBalloonNotifier` via the tray icon;
* anywhere else, or Windows without a tray: :class:`LogNotifier` (the log only).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from claude_tray.notifiers.rules import Notice, Notifier

__all__ = ["LogNotifier", "default_notifier"]

log = logging.getLogger(__name__)


class LogNotifier:
    """Where no desktop path exists: the notice goes to the log, so it is not lost silently."""

    def send(self, notice: Notice) -> None:
        log.warning("%s: %s", notice.title, notice.body)

    def close(self) -> None:
        return None


def default_notifier(
    platform: str = sys.platform, tray_notify: Callable[[str, str], None] | None = None
) -> Notifier:
    """The sender for this OS; ``tray_notify`` is the tray icon's notify (used on Windows)."""
    if platform == "darwin":
        from claude_tray.notifiers.macos import OsascriptNotifier

        return OsascriptNotifier()
    if platform == "win32":
        if tray_notify is None:
            return LogNotifier()
        from claude_tray.notifiers.windows import TrayBalloonNotifier

        return TrayBalloonNotifier(tray_notify)
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        from claude_tray.notifiers.linux import DBusNotifier

        return DBusNotifier()
    return LogNotifier()
