"""An in-memory stand-in for the ``winreg`` module (the part claude_tray.autostart.windows uses).

Behaves like the real one where it matters: a missing key or value raises FileNotFoundError
(winreg's WinError 2), handles are context managers, keys are case-insensitive, access rights
are checked (reading through a KEY_SET_VALUE handle fails like it does on Windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

HKEY_CURRENT_USER = 0x80000001
KEY_READ = 0x20019
KEY_SET_VALUE = 0x0002
REG_SZ = 1
REG_BINARY = 3


@dataclass
class Handle:
    path: str
    access: int
    closed: bool = False

    def __enter__(self) -> Handle:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.closed = True


@dataclass
class FakeWinreg:
    HKEY_CURRENT_USER: int = HKEY_CURRENT_USER
    KEY_READ: int = KEY_READ
    KEY_SET_VALUE: int = KEY_SET_VALUE
    REG_SZ: int = REG_SZ
    keys: dict[str, dict[str, tuple[Any, int]]] = field(default_factory=dict)
    handles: list[Handle] = field(default_factory=list)

    def _path(self, hive: int, sub_key: str) -> str:
        assert hive == HKEY_CURRENT_USER, "claude-tray only ever touches the current user's hive"
        return sub_key.lower()

    def OpenKey(self, key: int, sub_key: str, reserved: int = 0, access: int = KEY_READ) -> Handle:
        path = self._path(key, sub_key)
        if path not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        handle = Handle(path, access)
        self.handles.append(handle)
        return handle

    def CreateKey(self, key: int, sub_key: str) -> Handle:
        path = self._path(key, sub_key)
        self.keys.setdefault(path, {})
        handle = Handle(path, KEY_READ | KEY_SET_VALUE)
        self.handles.append(handle)
        return handle

    def QueryValueEx(self, key: Handle, name: str) -> tuple[Any, int]:
        assert not key.closed and key.access & KEY_READ == KEY_READ, "read needs an open KEY_READ handle"
        values = self.keys[key.path]
        if name.lower() not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return values[name.lower()]

    def SetValueEx(self, key: Handle, name: str, reserved: int, type: int, value: Any) -> None:
        assert not key.closed and key.access & KEY_SET_VALUE, "write needs an open KEY_SET_VALUE handle"
        self.keys[key.path][name.lower()] = (value, type)

    def DeleteValue(self, key: Handle, name: str) -> None:
        assert not key.closed and key.access & KEY_SET_VALUE, "delete needs an open KEY_SET_VALUE handle"
        values = self.keys[key.path]
        if name.lower() not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del values[name.lower()]

    # for tests: what Task Manager's "Disable" writes, and a plain read-back
    def value(self, sub_key: str, name: str) -> Any:
        return self.keys.get(sub_key.lower(), {}).get(name.lower(), (None, 0))[0]

    def set(self, sub_key: str, name: str, value: Any, kind: int = REG_SZ) -> None:
        self.keys.setdefault(sub_key.lower(), {})[name.lower()] = (value, kind)
