"""macOS: Notification Center through ``osascript`` (``display notification``).

pystray's macOS backend has no notifications, and a framework-free path works in a pipx install
and a frozen app alike. The AppleScript string literals are escaped here, so a title or body can
never break out of its quotes. The runner is injected (tests record the argv on any OS).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence

from claude_tray.errors import NotifyError
from claude_tray.notifiers.rules import Notice

__all__ = ["OsascriptNotifier", "applescript"]

OSASCRIPT = "/usr/bin/osascript"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def applescript(notice: Notice) -> str:
    """``display notification "body" with title "claude-tray" subtitle "title"``."""
    return f"display notification {_quote(notice.body)} with title {_quote('claude-tray')} subtitle {_quote(notice.title)}"


def _run(argv: Sequence[str]) -> int:
    return subprocess.run(list(argv), check=False, capture_output=True, timeout=10).returncode


class OsascriptNotifier:
    def __init__(self, run: Callable[[Sequence[str]], int] = _run) -> None:
        self._run = run

    def send(self, notice: Notice) -> None:
        try:
            status = self._run([OSASCRIPT, "-e", applescript(notice)])
        except (OSError, subprocess.TimeoutExpired) as err:
            raise NotifyError(f"osascript failed: {err}") from err
        if status != 0:
            raise NotifyError(f"osascript exited with status {status}")

    def close(self) -> None:
        return None
