"""macOS: a LaunchAgent, ``~/Library/LaunchAgents/io.github.claude-tray.plist``, written with plistlib.

``RunAtLoad`` starts it at login; there is deliberately no ``KeepAlive``: a tray app that quits
(the person chose Quit, or no menu bar) must not be restarted in a loop by launchd. The agent is
picked up at the next login; nothing is loaded into the running session behind the person's back.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claude_tray.autostart.base import APP_ID, FileAutostart

__all__ = ["MacAutostart", "launch_agent"]


def launch_agent(argv: Sequence[str]) -> dict[str, Any]:
    """The LaunchAgent dictionary for ``argv``."""
    return {
        "Label": APP_ID,
        "ProgramArguments": list(argv),
        "RunAtLoad": True,
        "ProcessType": "Interactive",  # a UI app: do not throttle it like a background job
        "LimitLoadToSessionType": "Aqua",  # only in a GUI login, never over ssh
    }


class MacAutostart(FileAutostart):
    """LaunchAgent plist; ``home`` defaults to the current home directory."""

    def __init__(self, home: Path | None = None) -> None:
        super().__init__((home or Path.home()) / "Library" / "LaunchAgents" / f"{APP_ID}.plist")

    def is_enabled(self) -> bool:
        try:
            with self.path.open("rb") as fh:
                agent = plistlib.load(fh)
        except (OSError, plistlib.InvalidFileException, ValueError):
            return False
        # `launchctl disable` or a hand edit may set Disabled; a plist that never runs is "off"
        return isinstance(agent, dict) and agent.get("RunAtLoad") is True and not agent.get("Disabled")

    def enable(self, argv: Sequence[str]) -> None:
        self._write(plistlib.dumps(launch_agent(argv), fmt=plistlib.FMT_XML))
