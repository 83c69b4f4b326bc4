"""Windows: a balloon/toast from the tray icon itself (pystray's ``notify``, win32 backend).

This module never imports pystray: the app hands in the tray icon's public ``notify`` callable
(:meth:`claude_tray.tray.icon.TrayIcon.notify`). Without a tray (``claude-tray watch``) there is
nothing to attach a balloon to, and :func:`claude_tray.notifiers.default_notifier` returns a
notifier that only logs.
"""

from __future__ import annotations

from collections.abc import Callable

from claude_tray.errors import NotifyError
from claude_tray.notifiers.rules import Notice

__all__ = ["TrayBalloonNotifier"]


class TrayBalloonNotifier:
    def __init__(self, notify: Callable[[str, str], None]) -> None:
        self._notify = notify  # (message, title), pystray's argument order

    def send(self, notice: Notice) -> None:
        try:
            self._notify(notice.body or notice.title, notice.title)
        except (OSError, RuntimeError, NotImplementedError) as err:
            raise NotifyError(f"the tray icon cannot show a notification: {err}") from err

    def close(self) -> None:
        return None
