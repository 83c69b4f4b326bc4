"""One tray per user session: a second ``claude-tray`` says so and exits 0; status still works.

The first instance is this test process holding the real lock file (an ``flock`` is per open
file, so the subprocess sees it exactly as it would see a running tray).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tray.app.instance import InstanceLock, default_lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock semantics checked on POSIX")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CLAUDE_TRAY_API_BASE": "http://127.0.0.1:9"},
        check=False,
    )


def test_a_second_tray_says_so_and_exits_0(isolated_home: Path) -> None:
    first = InstanceLock(default_lock_path())
    assert first.acquire()
    try:
        done = _cli("--wait-for-tray", "0")
        assert done.returncode == 0, done.stderr
        assert f"already running in this session (pid {os.getpid()})" in done.stderr
        status = _cli("status")  # usable beside the tray (fails here only for lack of a login)
        assert "already running" not in status.stderr
    finally:
        first.release()
    after = _cli("--wait-for-tray", "0")  # the lock is gone with its holder
    assert "already running" not in after.stderr


def test_the_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    path = tmp_path / "tray.lock"
    one, two = InstanceLock(path), InstanceLock(path)
    assert one.acquire()
    assert not two.acquire()
    assert two.holder() == os.getpid()
    one.release()
    assert two.acquire()
    two.release()
    assert (path.stat().st_mode & 0o777) == 0o600


def test_the_lock_is_per_display(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":7")
    seven = default_lock_path()
    monkeypatch.setenv("DISPLAY", ":8")
    assert default_lock_path() != seven
    assert seven.name == "tray-_7.lock"
