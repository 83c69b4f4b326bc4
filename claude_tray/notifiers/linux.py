"""Linux (and other freedesktop desktops): ``org.freedesktop.Notifications.Notify`` over D-Bus.

Sent directly through jeepney (installed with SecretStorage) rather than through pystray, which
cannot notify on the xorg backend and sends an empty app name elsewhere. The app name is
"claude-tray", the icon the packaged one, the urgency a hint. A newer notice about the same
account and window replaces the older bubble instead of stacking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from claude_tray.autostart.base import icon_reference
from claude_tray.errors import NotifyError
from claude_tray.notifiers.rules import Notice, NoticeKind

__all__ = ["APP_NAME", "DBusNotifier"]

APP_NAME = "claude-tray"
_REPLACEABLE = (NoticeKind.THRESHOLD, NoticeKind.REFILL)


def _session_bus() -> Any:
    from jeepney.io.blocking import open_dbus_connection

    return open_dbus_connection(bus="SESSION")


class DBusNotifier:
    """One session-bus connection, opened on first use and re-opened after a failure."""

    def __init__(
        self, connect: Callable[[], Any] = _session_bus, icon: str | None = None, timeout: float = 3.0
    ) -> None:
        self._connect = connect
        self._icon = icon_reference() if icon is None else icon
        self._timeout = timeout
        self._connection: Any = None
        self._ids: dict[tuple[str, str], int] = {}  # (account, window) -> notification id
        self._lock = threading.Lock()

    def send(self, notice: Notice) -> None:
        group = (notice.account, notice.window)
        with self._lock:
            replaces = self._ids.get(group, 0) if notice.kind in _REPLACEABLE else 0
            reply = self._call(_notify_message(notice, replaces, self._icon))
            if notice.kind in _REPLACEABLE:
                self._ids[group] = int(reply[0])

    def _call(self, message: Any) -> Any:
        from jeepney import DBusErrorResponse
        from jeepney.wrappers import unwrap_msg

        try:
            if self._connection is None:
                self._connection = self._connect()
            return unwrap_msg(self._connection.send_and_get_reply(message, timeout=self._timeout))
        except DBusErrorResponse as err:
            raise NotifyError(f"the notification server refused: {err.name}") from err
        except KeyError as err:  # jeepney's word for "$DBUS_SESSION_BUS_ADDRESS is unset"
            self._drop()
            raise NotifyError("no desktop session") from err
        except (OSError, TimeoutError, ValueError) as err:
            self._drop()  # a dead bus connection is re-opened on the next notice
            raise NotifyError(f"no notification service on the session bus ({err!r})") from err

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _notify_message(notice: Notice, replaces: int, icon: str) -> Any:
    """The ``Notify(susssasa{sv}i)`` call: app name, replaces id, icon, summary, body, actions, hints, timeout."""
    from jeepney import DBusAddress, new_method_call

    address = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface="org.freedesktop.Notifications",
    )
    hints = {"urgency": ("y", int(notice.urgency)), "desktop-entry": ("s", APP_NAME)}
    body: tuple[object, ...] = (APP_NAME, replaces, icon, notice.title, notice.body, [], hints, -1)
    return new_method_call(address, "Notify", "susssasa{sv}i", body)
