"""macOS LaunchAgent, tested on any OS with HOME in tmp_path: plistlib round trip and content."""

from __future__ import annotations

import plistlib
from pathlib import Path

from claude_tray.autostart.macos import MacAutostart, launch_agent

ARGV = ["/Users/me/.local/bin/claude-tray"]


def test_the_agent_round_trips_through_plistlib(isolated_home: Path) -> None:
    autostart = MacAutostart()
    path = isolated_home / "Library" / "LaunchAgents" / "io.github.claude-tray.plist"
    assert autostart.location == str(path)
    assert not autostart.is_enabled()
    autostart.enable(ARGV)
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml") and b"<!DOCTYPE plist" in raw
    agent = plistlib.loads(raw)
    assert agent == launch_agent(ARGV)
    assert plistlib.loads(plistlib.dumps(agent)) == agent
    assert agent["Label"] == "io.github.claude-tray"
    assert agent["ProgramArguments"] == ARGV
    assert agent["RunAtLoad"] is True
    assert "KeepAlive" not in agent  # a Quit must stay quit
    assert autostart.is_enabled()


def test_interpreter_fallback_is_written_as_separate_arguments(isolated_home: Path) -> None:
    argv = ["/Users/me/venv with space/bin/python", "-m", "claude_tray"]
    MacAutostart().enable(argv)
    agent = plistlib.loads(MacAutostart().path.read_bytes())
    assert agent["ProgramArguments"] == argv


def test_state_comes_from_the_plist(isolated_home: Path) -> None:
    autostart = MacAutostart()
    autostart.enable(ARGV)
    agent = plistlib.loads(autostart.path.read_bytes())
    autostart.path.write_bytes(plistlib.dumps({**agent, "Disabled": True}))
    assert not autostart.is_enabled()
    autostart.path.write_bytes(b"garbage")
    assert not autostart.is_enabled()
    autostart.path.unlink()  # deleted by hand: off, and not recreated by asking
    assert not autostart.is_enabled() and not autostart.path.exists()
    autostart.disable()  # absent: no error
