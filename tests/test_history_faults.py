"""``claude-tray history`` on a database that is garbage, truncated, a directory, a FIFO or read-only.

Each is one clear stderr line and a non-zero exit (or, read-only, a normal listing: reading never
changes the file). The database is created 0600: it holds account names.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.usage.history import History, HistoryError, HistoryListener, default_path


def _history(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "history", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _record(path: Path) -> datetime:
    now = datetime.now(UTC).replace(microsecond=0)
    window = UsageWindow("five_hour", "5-hour", 30.0, now + timedelta(hours=2), WindowGroup.SESSION)
    snap = UsageSnapshot("me@example.com", SourceKind.CLI, now - timedelta(hours=1), (window,), None)
    HistoryListener(History(path), lambda: now).record(snap)
    return now


def _one_clear_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claude-tray: history: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["garbage", "truncated"],
)
def test_a_broken_database_is_one_clear_line(isolated_home: Path, content: bytes) -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    for args in ((), ("--json",), ("--csv",)):
        line = _one_clear_line(_history(*args))
        assert str(path) in line
    assert path.read_bytes() == content  # reading never repairs or rewrites


def test_a_truncated_real_database_is_one_clear_line(isolated_home: Path) -> None:
    path = default_path()
    _record(path)
    data = path.read_bytes()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(data[: len(data) // 3])
    done = _history("--json")
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr
    if done.returncode == 1:
        _one_clear_line(done)


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_database_that_is_not_a_file_is_one_clear_line(isolated_home: Path, kind: str) -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    line = _one_clear_line(_history())
    assert "not a regular file" in line


def test_a_read_only_database_can_still_be_read(isolated_home: Path) -> None:
    path = default_path()
    _record(path)
    # as a copy tool leaves it: a rollback-journal database, then made read-only
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = path.read_bytes()
    path.chmod(0o400)
    try:
        done = _history("--json")
        assert done.returncode == 0, done.stderr
        assert [r["utilization"] for r in json.loads(done.stdout)["readings"]] == [30.0]
        assert path.read_bytes() == before  # the journal mode was not switched
        assert not Path(f"{path}-wal").exists()
    finally:
        path.chmod(0o600)


def test_since_far_in_the_past_means_everything(isolated_home: Path) -> None:
    _record(default_path())
    done = _history("--json", "--since", "99999999w")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["readings"]) == 1


def test_the_database_is_private(isolated_home: Path) -> None:
    path = default_path()
    _record(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0, suffix


def test_an_existing_world_readable_database_is_made_private(isolated_home: Path) -> None:
    path = default_path()
    _record(path)
    path.chmod(0o644)
    _record(path)  # a new History (a restart) writes again
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_history_error_is_raised_by_readers(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"garbage" * 100)
    with pytest.raises(HistoryError, match=r"h\.sqlite3"):
        History(path).readings()
