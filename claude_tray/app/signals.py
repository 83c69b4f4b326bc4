"""Signals as commands: SIGINT/SIGTERM/SIGHUP become a callback on a thread of their own.

A signal handler must never touch pystray (with the xorg backend the main thread sits in a
blocking Xlib read and the handler would deadlock it), so ``on_signal`` must only enqueue
(``queue.SimpleQueue.put`` is safe there). Two paths deliver it, because which one works
depends on the loop: the Python-level handler runs on the main thread whenever Python code
runs there (the Xlib loop; PyGObject 3.42 wakes the GLib loop for it through its own wakeup
fd), and where nothing wakes the main thread (PyGObject builds that leave an existing wakeup
fd alone) the C-level handler's byte on our socket (``signal.set_wakeup_fd``) reaches the
``claude-tray-signals`` thread. A signal may so arrive twice; quitting is idempotent.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from collections.abc import Callable

__all__ = ["SignalRelay"]

log = logging.getLogger(__name__)


class SignalRelay:
    """Calls ``on_signal(signum)`` on the ``claude-tray-signals`` thread for each signal."""

    SIGNALS = tuple(
        s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
    )

    def __init__(self, on_signal: Callable[[int], None]) -> None:
        """``on_signal`` may run inside a signal handler: it must only enqueue."""
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._writer.setblocking(False)  # noqa: FBT003 - the socket API
        self._thread = threading.Thread(target=self._listen, name="claude-tray-signals")
        self._previous_fd = -1
        self._previous: dict[int, object] = {}

    def start(self) -> None:
        """Install the handlers and start listening. Main thread only (a Python rule)."""
        self._previous = {signum: signal.getsignal(signum) for signum in self.SIGNALS}
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self.install_handlers()
        self._thread.start()

    def install_handlers(self) -> None:
        """(Re)install the Python handlers; pystray's GTK start resets SIGINT to the default."""
        for signum in self.SIGNALS:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        self._on_signal(signum)  # no logging here: its locks are not safe in a handler

    def stop(self) -> None:
        """Stop listening and put the previous handlers back. Main thread only."""
        if self._thread.is_alive():
            self._writer.send(b"\0")  # 0 is no signal: it tells the listener to finish
            self._thread.join()
            signal.set_wakeup_fd(self._previous_fd)
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]  # getsignal's own result
        self._reader.close()
        self._writer.close()

    def _listen(self) -> None:
        while True:
            for signum in self._reader.recv(64):
                if signum == 0:
                    return
                log.info("signal %d: quitting", signum)
                self._on_signal(signum)
