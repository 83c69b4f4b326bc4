"""One tray per user session: an advisory lock on a small file.

A second ``claude-tray`` would register a second icon and poll on its own, doubling the
requests the endpoint sees. :class:`InstanceLock` takes an exclusive, non-blocking lock
(``flock`` on POSIX, ``msvcrt.locking`` on Windows) on ``tray-<display>.lock`` in the runtime
dir (else the state dir) and writes its pid there. The OS drops the lock when the process
ends, however it ends, so a crash never leaves a stale lock. ``status`` and ``watch`` do not
take it: they stay usable beside the tray.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

__all__ = ["InstanceLock", "default_lock_path"]


def default_lock_path() -> Path:
    """Per user and display: ``$XDG_RUNTIME_DIR/claude-tray/tray-<display>.lock``."""
    from claude_tray.paths import state_dir

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    root = Path(runtime) / "claude-tray" if runtime else state_dir()
    display = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or "session"
    return root / f"tray-{re.sub(r'[^A-Za-z0-9_.-]+', '_', display)}.lock"


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """True when this process is now the one tray; False when another holds the lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """The pid the running tray wrote, if it can be read."""
        with contextlib.suppress(OSError, ValueError):
            return int(self.path.read_text(encoding="ascii").strip() or "x")
        return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
