"""The login-item interface every OS module implements, and the command it launches.

State is always read back from the file, plist or registry value itself (never remembered), and
nothing here is called except on the person's explicit request: if they delete the entry by hand,
claude-tray does not put it back.
"""

from __future__ import annotations

import abc
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from claude_tray.errors import AutostartError
from claude_tray.i18n import _

__all__ = ["APP_ID", "Autostart", "FileAutostart", "UnsupportedAutostart", "icon_reference", "launch_command"]

APP_ID = "io.github.claude-tray"  # reverse-DNS id, the same as the macOS bundle identifier


class Autostart(abc.ABC):
    """One login-item mechanism. ``SUPPORTED`` is False where nothing can be done."""

    SUPPORTED: ClassVar[bool] = True

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the entry lives, for people: ``~/.config/autostart/claude-tray.desktop``."""

    @abc.abstractmethod
    def is_enabled(self) -> bool:
        """True if claude-tray starts at login, read from the entry itself each time."""

    @abc.abstractmethod
    def enable(self, argv: Sequence[str]) -> None:
        """Create or overwrite the login entry so it runs ``argv``. Raises AutostartError."""

    @abc.abstractmethod
    def disable(self) -> None:
        """Remove the login entry; no error if it is absent. Raises AutostartError."""


class FileAutostart(Autostart):
    """An entry that is one file (XDG .desktop, LaunchAgent plist): written atomically, removed on off."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        return str(self.path)

    def _write(self, data: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(self.path)
        except OSError as err:
            raise AutostartError(f"cannot write {self.path}: {err.strerror or err}") from err

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as err:
            raise AutostartError(f"cannot remove {self.path}: {err.strerror or err}") from err


class UnsupportedAutostart(Autostart):
    """For platforms with no known login-item mechanism: always off, cannot be turned on."""

    SUPPORTED: ClassVar[bool] = False

    def __init__(self, platform: str) -> None:
        self.platform = platform

    @property
    def location(self) -> str:
        return f"(no autostart support on {self.platform})"

    def is_enabled(self) -> bool:
        return False

    def enable(self, argv: Sequence[str]) -> None:  # noqa: ARG002 - nothing to run it with
        raise AutostartError(
            f"starting at login is not supported on {self.platform}",
            hint=_("start claude-tray from your session's startup programs"),
        )

    def disable(self) -> None:
        return None


def launch_command(
    *,
    which: Callable[[str], str | None] = shutil.which,
    argv0: str | None = None,
    executable: str | None = None,
    frozen: bool | None = None,
) -> list[str]:
    """The absolute command that starts the tray: the installed ``claude-tray``, else this interpreter.

    Login sessions often have a shorter PATH than a terminal, so the entry never relies on it.
    Symlinks are kept, not resolved: pipx's ``~/.local/bin/claude-tray`` and a venv's ``python``
    are links whose targets change on upgrade (or would lose the venv).
    """
    executable = executable or sys.executable
    if getattr(sys, "frozen", False) if frozen is None else frozen:  # PyInstaller: the exe is the app
        return [str(Path(executable).absolute())]
    found = which("claude-tray")
    if found:
        return [str(Path(found).absolute())]
    started = Path(sys.argv[0] if argv0 is None else argv0)
    if started.name in ("claude-tray", "claude-tray.exe") and started.is_file():
        return [str(started.absolute())]
    return [str(Path(executable).absolute()), "-m", "claude_tray"]


def icon_reference() -> str:
    """The app icon for .desktop files and notifications: the packaged PNG's path, else the theme name."""
    packaged = Path(__file__).resolve().parent.parent / "data" / "claude-tray.png"
    return str(packaged) if packaged.is_file() else "claude-tray"
