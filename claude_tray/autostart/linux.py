"""Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/claude-tray.desktop``.

The entry is delayed (``X-GNOME-Autostart-Delay``) so the panel's tray host is up before the
icon asks for it. It counts as enabled only while the file exists and the desktop has not
switched it off (``Hidden=true`` or ``X-GNOME-Autostart-enabled=false``, what GNOME Tweaks and
KDE write), so the state shown is always the file's.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from claude_tray.autostart.base import FileAutostart, icon_reference

__all__ = ["STARTUP_DELAY", "LinuxAutostart", "desktop_entry", "exec_value"]

STARTUP_DELAY = 10  # seconds; enough for a panel to register its StatusNotifierWatcher
FILE_NAME = "claude-tray.desktop"

# Desktop Entry spec, "The Exec key": these characters force an argument into double quotes
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def exec_value(argv: Sequence[str]) -> str:
    """``argv`` as an Exec= value: quoted where the spec requires, ``%`` doubled, backslashes escaped."""
    words = []
    for arg in argv:
        word = arg.replace("%", "%%")
        if not word or _RESERVED.search(word):
            word = '"' + re.sub(r'(["`$\\])', r"\\\1", word) + '"'
        words.append(word)
    # the value is also a desktop-file "string", whose own escape for a backslash is a backslash
    return " ".join(words).replace("\\", "\\\\")


def desktop_entry(argv: Sequence[str], icon: str) -> str:
    """The whole .desktop file; passes desktop-file-validate."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Claude Tray\n"
        "Comment=Claude plan usage in the system tray\n"
        f"Exec={exec_value(argv)}\n"
        f"Icon={icon}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        f"X-GNOME-Autostart-Delay={STARTUP_DELAY}\n"
        "# written by `claude-tray autostart on`; `claude-tray autostart off` removes it\n"
    )


class LinuxAutostart(FileAutostart):
    """XDG autostart entry; ``config_home`` defaults to $XDG_CONFIG_HOME, else ~/.config."""

    def __init__(self, config_home: Path | None = None, env: Mapping[str, str] | None = None) -> None:
        if config_home is None:
            configured = (os.environ if env is None else env).get("XDG_CONFIG_HOME", "")
            # the spec says to ignore a relative value
            config_home = Path(configured) if Path(configured).is_absolute() else Path.home() / ".config"
        super().__init__(config_home / "autostart" / FILE_NAME)

    def is_enabled(self) -> bool:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
        try:
            parser.read_string(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, configparser.Error):
            return False
        if not parser.has_section("Desktop Entry"):
            return False
        entry = parser["Desktop Entry"]
        hidden = entry.get("Hidden", "false").strip().lower() == "true"
        switched_off = entry.get("X-GNOME-Autostart-enabled", "true").strip().lower() == "false"
        return not hidden and not switched_off

    def enable(self, argv: Sequence[str]) -> None:
        self._write(desktop_entry(argv, icon_reference()).encode("utf-8"))
