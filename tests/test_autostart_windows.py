"""Windows Run key, tested on any OS through an injected fake registry (tests/support/fake_winreg.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from claude_tray.autostart.windows import RUN_KEY, WindowsAutostart, command_line
from tests.support.fake_winreg import REG_BINARY, REG_SZ, FakeWinreg

APPROVED = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
EXE = r"C:\Users\Me Myself\AppData\Local\Programs\claude-tray\claude-tray.exe"


def test_enable_writes_a_quoted_command_line_in_the_users_run_key() -> None:
    reg = FakeWinreg()
    autostart = WindowsAutostart(reg)
    assert not autostart.is_enabled()  # the Run key may not even exist yet
    autostart.enable([EXE, "--flag"])
    assert reg.value(RUN_KEY, "claude-tray") == f'"{EXE}" --flag'
    assert reg.keys[RUN_KEY.lower()]["claude-tray"][1] == REG_SZ
    assert autostart.is_enabled()
    assert all(h.closed for h in reg.handles)  # every handle closed
    assert autostart.location == rf"HKEY_CURRENT_USER\{RUN_KEY}\claude-tray"


def test_disable_removes_only_our_value() -> None:
    reg = FakeWinreg()
    reg.set(RUN_KEY, "OneDrive", r'"C:\OneDrive.exe" /background')
    autostart = WindowsAutostart(reg)
    autostart.enable([EXE])
    autostart.disable()
    autostart.disable()  # absent: no error
    assert not autostart.is_enabled()
    assert reg.value(RUN_KEY, "OneDrive") == r'"C:\OneDrive.exe" /background'


def test_task_manager_disable_is_read_and_an_explicit_on_clears_it() -> None:
    reg = FakeWinreg()
    autostart = WindowsAutostart(reg)
    autostart.enable([EXE])
    reg.set(APPROVED, "claude-tray", bytes([3]) + bytes(11), REG_BINARY)  # Task Manager: Disabled
    assert not autostart.is_enabled()
    assert reg.value(RUN_KEY, "claude-tray")  # the value itself is still there
    autostart.enable([EXE])
    assert autostart.is_enabled()
    assert reg.value(APPROVED, "claude-tray") is None


def test_a_value_deleted_by_hand_reads_as_off() -> None:
    reg = FakeWinreg()
    autostart = WindowsAutostart(reg)
    autostart.enable([EXE])
    del reg.keys[RUN_KEY.lower()]["claude-tray"]
    assert not autostart.is_enabled()
    assert reg.value(RUN_KEY, "claude-tray") is None  # not recreated


def test_command_line_prefers_pythonw_for_the_interpreter_fallback(tmp_path: Path) -> None:
    python = tmp_path / "Python 3.12" / "python.exe"
    python.parent.mkdir()
    python.touch()
    assert command_line([str(python), "-m", "claude_tray"]) == subprocess.list2cmdline(
        [str(python), "-m", "claude_tray"]
    )
    (python.parent / "pythonw.exe").touch()
    assert command_line([str(python), "-m", "claude_tray"]) == subprocess.list2cmdline(
        [str(python.parent / "pythonw.exe"), "-m", "claude_tray"]
    )
