"""claude-tray as a subprocess against a loopback API: a login, a settings file, usage bodies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.desktop.helpers.traytest import wait_for
from tests.support.watch import write_credentials

TOKEN = "sk-ant-oat01-desktop-test-token"  # never a real one; must never appear in any output


def write_login(home: Path) -> Path:
    """Claude Code's credentials file in the isolated HOME, holding the test token."""
    return write_credentials(home, TOKEN)


def write_settings(home: Path, text: str) -> Path:
    """``$XDG_CONFIG_HOME/claude-tray/config.toml`` (the isolated HOME's)."""
    path = Path(os.environ.get("XDG_CONFIG_HOME", home / ".config")) / "claude-tray" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def usage_body(five: float, week: float, *, five_left: timedelta = timedelta(hours=2, minutes=14)) -> bytes:
    """An OAuth usage response in the real shape, with reset times relative to now."""
    now = datetime.now(UTC)
    return json.dumps(
        {
            "five_hour": {"utilization": five, "resets_at": (now + five_left).isoformat()},
            "seven_day": {"utilization": week, "resets_at": (now + timedelta(days=3)).isoformat()},
        }
    ).encode()


class TrayProcess:
    """``python -m claude_tray ARGS`` with extra environment; output kept in a log file."""

    def __init__(self, args: list[str], *, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "claude_tray", *args],
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_exit(self, timeout: float = 10.0) -> int:
        try:
            wait_for(lambda: self.proc.poll() is not None, timeout, what="claude-tray to exit")
        except AssertionError as err:
            raise AssertionError(f"{err}; its output:\n{self.output()}") from None
        return int(self.proc.returncode)

    def close(self) -> None:
        self._log.close()

    def alive(self) -> bool:
        return self.proc.poll() is None
