"""Windows: the ``claude-tray`` value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.

The only module that imports ``winreg``, lazily, and only when no registry object is injected
(tests inject a fake). Task Manager's "Disable" does not delete the Run value; it marks it in
``...\\Explorer\\StartupApproved\\Run``, so that mark is read too, and cleared when the person
turns autostart on again.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, cast

from claude_tray.autostart.base import Autostart
from claude_tray.errors import AutostartError

__all__ = ["RUN_KEY", "VALUE_NAME", "Registry", "WindowsAutostart", "command_line"]

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
VALUE_NAME = "claude-tray"
_DISABLED_MARK = 0x03  # first byte of a StartupApproved value when Task Manager disabled it


_Handle = AbstractContextManager[Any]  # winreg key handles close on exit


class Registry(Protocol):
    """The part of ``winreg`` this module uses (its names, hence noqa N802)."""

    HKEY_CURRENT_USER: int
    KEY_READ: int
    KEY_SET_VALUE: int
    REG_SZ: int

    def OpenKey(self, key: int, sub_key: str, reserved: int = 0, access: int = ...) -> _Handle: ...  # noqa: N802
    def CreateKey(self, key: int, sub_key: str) -> _Handle: ...  # noqa: N802
    def QueryValueEx(self, key: Any, name: str) -> tuple[Any, int]: ...  # noqa: N802
    def SetValueEx(self, key: Any, name: str, reserved: int, type: int, value: str) -> None: ...  # noqa: N802
    def DeleteValue(self, key: Any, name: str) -> None: ...  # noqa: N802


def _winreg() -> Registry:
    import winreg

    return cast(Registry, winreg)


def command_line(argv: Sequence[str]) -> str:
    """``argv`` quoted the way Windows splits a command line (paths with spaces survive)."""
    words = list(argv)
    interpreter = Path(words[0])
    if interpreter.name.lower() == "python.exe" and interpreter.with_name("pythonw.exe").exists():
        words[0] = str(interpreter.with_name("pythonw.exe"))  # no console window at every login
    return subprocess.list2cmdline(words)


class WindowsAutostart(Autostart):
    """A value in the current user's Run key."""

    def __init__(self, registry: Registry | None = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = _winreg()
        return self._registry

    @property
    def location(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{VALUE_NAME}"

    def _read(self, sub_key: str) -> Any:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, sub_key, 0, reg.KEY_READ) as key:
                return reg.QueryValueEx(key, VALUE_NAME)[0]
        except FileNotFoundError:
            return None

    def is_enabled(self) -> bool:
        value = self._read(RUN_KEY)
        if not isinstance(value, str) or not value.strip():
            return False
        mark = self._read(APPROVED_KEY)
        return not (isinstance(mark, bytes) and mark[:1] == bytes([_DISABLED_MARK]))

    def enable(self, argv: Sequence[str]) -> None:
        reg = self.registry
        try:
            with reg.CreateKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.SetValueEx(key, VALUE_NAME, 0, reg.REG_SZ, command_line(argv))
        except OSError as err:
            raise AutostartError(f"cannot write {self.location}: {err}") from err
        self._delete(APPROVED_KEY)  # an explicit "on" overrides an old Task Manager "Disable"

    def disable(self) -> None:
        self._delete(RUN_KEY)
        self._delete(APPROVED_KEY)

    def _delete(self, sub_key: str) -> None:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, sub_key, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, VALUE_NAME)
        except FileNotFoundError:
            return
        except OSError as err:
            raise AutostartError(f"cannot remove HKEY_CURRENT_USER\\{sub_key}\\{VALUE_NAME}: {err}") from err
