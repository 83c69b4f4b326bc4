"""``claude-tray`` where no tray can exist: one clear line, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def run_tray(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "PYSTRAY_BACKEND")
    }
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_no_display_is_one_line_pointing_to_status_and_watch() -> None:
    result = run_tray()
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("claude-tray: no display")
    assert "claude-tray status" in lines[0] and "claude-tray watch" in lines[0]


def test_run_and_demo_take_the_same_way_out() -> None:
    for args in (("run",), ("--demo",)):
        result = run_tray(*args)
        assert (result.returncode, len(result.stderr.splitlines())) == (2, 1), result.stderr
        assert "Traceback" not in result.stderr
