"""Local files that are not what they should be: FIFOs, /dev/zero, directories, huge files.

Real FIFOs and devices; the CLI runs as a real subprocess with a timeout, so a regression to a
blocking open fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_tray import localfile
from claude_tray.errors import ConfigError, CredentialFileUnreadable
from claude_tray.settings.schema import load_settings
from claude_tray.sources.cli_file import CliFileSource
from tests.support.clock import FakeClock

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")

HANG_GUARD = 10.0


def bounded(fn: Callable[[], object], fifo: Path | None = None) -> BaseException | object:
    """Run ``fn`` on a thread; if it blocks, release the FIFO (open it for writing) and fail."""
    box: list[BaseException | object] = []

    def run() -> None:
        try:
            box.append(fn())
        except BaseException as err:  # noqa: BLE001 - handed back to the test
            box.append(err)

    worker = threading.Thread(target=run, name="test-bounded")
    worker.start()
    worker.join(HANG_GUARD)
    if worker.is_alive() and fifo is not None:
        with fifo.open("wb"):  # a writer appears: the blocked open returns
            pass
        worker.join(HANG_GUARD)
        pytest.fail("reading blocked on a FIFO")
    return box[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_at_once(fifo: Path) -> None:
    err = bounded(lambda: localfile.read_bytes(fifo), fifo)
    assert isinstance(err, localfile.NotRegularFile) and err.strerror == "not a regular file (a named pipe)"


@pytest.mark.parametrize(
    ("target", "words"),
    [("/dev/zero", "a character device"), ("/", "a directory")],
)
def test_devices_and_directories_are_refused(tmp_path: Path, target: str, words: str) -> None:
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(localfile.NotRegularFile, match=words):
        localfile.read_bytes(link)


def test_a_huge_file_is_refused_after_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * (localfile.MAX_LOCAL_FILE + 1))
    with pytest.raises(localfile.FileTooLarge, match="too large"):
        localfile.read_bytes(path)
    path.write_bytes(b"x" * localfile.MAX_LOCAL_FILE)
    assert len(localfile.read_bytes(path)) == localfile.MAX_LOCAL_FILE


def test_a_symlink_to_a_regular_file_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"{}")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert localfile.read_bytes(tmp_path / "link") == b"{}"


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "directory"])
def test_credentials_that_are_not_a_file_are_a_clear_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / ".credentials.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(kind)
    source = CliFileSource(tmp_path, FakeClock())
    err = bounded(source.read, path if kind == "fifo" else None)
    assert isinstance(err, CredentialFileUnreadable)  # "Login file unreadable", not a locked keyring
    assert "not a regular file" in str(err)
    assert bounded(source.fingerprint, path if kind == "fifo" else None)[0] == "unreadable"  # type: ignore[index]


def test_a_settings_fifo_is_a_config_error(fifo: Path) -> None:
    err = bounded(lambda: load_settings(fifo), fifo)
    assert isinstance(err, ConfigError)
    assert "not a regular file (a named pipe)" in str(err.problems[0].message)


def _cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CLAUDE_TRAY_API_BASE": "http://127.0.0.1:9", **env},
        check=False,
    )


@pytest.mark.parametrize("command", [("status",), ("doctor",), ("accounts", "list")])
def test_the_cli_says_what_is_wrong_with_a_credentials_fifo(
    isolated_home: Path, command: tuple[str, ...]
) -> None:
    (isolated_home / ".claude").mkdir()
    os.mkfifo(isolated_home / ".claude" / ".credentials.json")
    done = _cli(isolated_home, *command)  # ends (the timeout would raise), no traceback
    assert "Traceback" not in done.stderr
    if command != ("accounts", "list"):  # the list names accounts without reading logins
        assert "not a regular file" in done.stdout + done.stderr


def test_the_cli_says_what_is_wrong_with_a_settings_fifo(isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    os.mkfifo(config)
    done = _cli(isolated_home, "status", CLAUDE_TRAY_CONFIG=str(config))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "not a regular file (a named pipe)" in done.stderr
