"""Start claude-tray at login: one module per OS, chosen by ``sys.platform``.

``get_autostart()`` returns the right :class:`~claude_tray.autostart.base.Autostart` for this
machine. Every OS module can be constructed (and is tested) on any OS: paths and the registry
are injected.
"""

from __future__ import annotations

import sys

from claude_tray.autostart.base import Autostart, UnsupportedAutostart, launch_command

__all__ = ["Autostart", "get_autostart", "launch_command"]


def get_autostart(platform: str = sys.platform) -> Autostart:
    """e.g. LinuxAutostart writing ``~/.config/autostart/claude-tray.desktop`` on Linux."""
    if platform == "win32":
        from claude_tray.autostart.windows import WindowsAutostart

        return WindowsAutostart()
    if platform == "darwin":
        from claude_tray.autostart.macos import MacAutostart

        return MacAutostart()
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        from claude_tray.autostart.linux import LinuxAutostart

        return LinuxAutostart()
    return UnsupportedAutostart(platform)
