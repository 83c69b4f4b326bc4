"""Shared fixtures: every test gets a private HOME/XDG tree, and no test may leak a thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_tray.i18n.catalogs import compile_catalogs
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer

# The catalogs are compiled at build time; an editable checkout compiles them here (tests/run
# does too), so a .po edited since is what the tests read.
compile_catalogs()
# The suite speaks English whatever the developer's locale; tests of other languages set their own.
os.environ["LANGUAGE"] = "en"

# The developer's own desktop session, if pytest was started inside one. Tests must never reach
# it (real notifications, a real keyring, a real tray); the desktop fixtures start private ones.
_OUTER_SESSION = {
    name: os.environ.get(name) for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")
}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME and XDG dirs inside tmp_path, so no test ever touches a real user's files.

    The whole environment is restored afterwards, including variables a test (or code it runs
    in-process, like the demo) set directly in ``os.environ``: one test's testing knob must
    never change the next test's numbers.
    """
    saved = dict(os.environ)
    home = tmp_path / "home"
    for sub in (".config", ".local/share", ".local/state", ".cache", "run"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "run").chmod(0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
    monkeypatch.setenv("NO_AT_BRIDGE", "1")
    for name, outer in _OUTER_SESSION.items():
        if outer is not None and os.environ.get(name) == outer:
            monkeypatch.delenv(name)
    for var in list(os.environ):
        if var.startswith("CLAUDE_TRAY_") or var == "CLAUDE_CONFIG_DIR":
            monkeypatch.delenv(var)
    yield home
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    """Fail any test that leaves a thread running (watchdog's fixture)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leaked:
        thread.join(timeout=2.0)  # give a thread that is already stopping its last moments
    leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"threads leaked: {[t.name for t in leaked]}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
