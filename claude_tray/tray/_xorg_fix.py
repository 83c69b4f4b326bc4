"""Our subclass of pystray 0.19.5's xorg (XEmbed) icon, fixing two bugs found under test.

Selected by :mod:`claude_tray.tray.icon` only when the xorg backend is active
(``docs/desktop-testing.md`` §8):

* **Clicks never arrive.** pystray creates the icon window without ``ButtonPressMask``, so the
  left-click (default) action never runs. We add the mask after the window exists.
* **Every update re-docks.** pystray sends ``SYSTEM_TRAY_REQUEST_DOCK`` on each icon change;
  the tray re-embeds the window and about one update in four leaves a 1-px-wide icon. We dock
  only while not docked (a tray restart still re-docks through pystray's DestroyNotify path).

It also gives the xorg loop a way to run our code on its own thread (:meth:`post`): the loop
sits in a blocking Xlib read, so a posted callable is queued and the loop is woken with a
client message to our own window. That is the xorg half of the tray's one ``post_to_ui``.
The wake-up travels over a second X connection used only for sending: python-xlib lets a
request made from another thread on the loop's connection read (and queue) the event the loop
is waiting for, while the loop stays blocked in ``select()`` until some later event arrives.
That is how Quit used to hang in about one run in three of the XEmbed desktop test (stuck in
``next_event`` after the window was destroyed from the app thread); stopping now also runs on
the loop's thread (:meth:`stop_from_loop`).

The xorg backend has no menu. Its way out is the left click (the menu's default item, "Refresh
now"), SIGTERM / Ctrl+C, and ``claude-tray --quit``. This module touches private pystray
attributes, hence the ``<0.20`` pin and the desktop test that proves docking and clicks.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

import Xlib.display
import Xlib.protocol.event
import Xlib.X
from pystray import _xorg

__all__ = ["FixedXorgIcon"]

_log = logging.getLogger(__name__)

_EVENT_MASK = Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask


class FixedXorgIcon(_xorg.Icon):  # type: ignore[misc]  # pystray ships no type information
    """pystray's xorg icon with clicks delivered, docking once, and a post-to-loop queue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._posted: collections.deque[Callable[[], None]] = collections.deque()
        self._posted_lock = threading.Lock()
        self._post_atom = self._display.intern_atom("_CLAUDE_TRAY_POST")
        previous = self._message_handlers[Xlib.X.ClientMessage]

        def on_client_message(event: Any) -> None:
            if event.client_type == self._post_atom:
                self._run_posted()
            else:
                previous(event)

        self._message_handlers[Xlib.X.ClientMessage] = on_client_message
        self._window.change_attributes(event_mask=_EVENT_MASK)
        self._display.flush()
        # send-only: it selects no events, so it never reads one meant for the loop
        self._waker = Xlib.display.Display(self._display.get_display_name())
        self._waker_window = self._waker.create_resource_object("window", self._window.id)

    def _assert_docked(self) -> None:
        if self._systray_manager is None:  # dock only when not docked: re-docking loses the icon
            self._dock_window()
        assert self._systray_manager

    def post(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the X loop thread, soon; safe from any thread."""
        with self._posted_lock:
            self._posted.append(action)
            wake = Xlib.protocol.event.ClientMessage(
                window=self._window.id,
                client_type=self._post_atom,
                data=(32, (Xlib.X.CurrentTime, 0, 0, 0, 0)),
            )
            self._waker_window.send_event(wake, event_mask=Xlib.X.NoEventMask)
            self._waker.flush()

    def stop_from_loop(self) -> None:
        """Stop the icon from the X loop's own thread (every Xlib call of the shutdown on one thread)."""
        self.post(self.stop)

    def _run(self) -> None:
        try:
            super()._run()
        finally:
            with self._posted_lock:
                self._waker.close()

    def _run_posted(self) -> None:
        while True:
            with self._posted_lock:
                if not self._posted:
                    return
                action = self._posted.popleft()
            try:
                action()
            except Exception:  # noqa: BLE001 - one bad update must not end the X loop
                _log.exception("tray update failed")
