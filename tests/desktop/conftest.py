"""Desktop fixtures: a private D-Bus session, Xvfb, trayer, an SNI watcher, claude-tray itself.

Each fixture starts its own process and stops it by PID (terminate, then kill after 3 s); a
missing executable skips the test instead of failing it. Adapted from the shared kit
(``docs/desktop-testing.md`` §16). Processes are observed only from outside: X screenshots,
the XEmbed selection, SNI properties and dbusmenu over D-Bus.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.desktop.helpers import traytest
from tests.desktop.helpers.app import TrayProcess
from tests.desktop.helpers.processes import announce_display, missing, start_xvfb, stop_process

HELPERS = Path(__file__).resolve().parent / "helpers"


def need(*executables: str) -> None:
    absent = missing(*executables)
    if absent:
        pytest.skip(f"missing executables: {', '.join(absent)}")


def _swap_env(name: str, value: str) -> str | None:
    old = os.environ.get(name)
    os.environ[name] = value
    return old


def _restore_env(name: str, old: str | None) -> None:
    if old is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = old


@pytest.fixture(scope="session")
def session_bus() -> Iterator[str]:
    """A private session bus (like dbus-run-session); activatable services still work."""
    need("dbus-daemon")
    proc = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    old = _swap_env("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    stop_process(proc)  # services it activated exit with it
    _restore_env("DBUS_SESSION_BUS_ADDRESS", old)


@pytest.fixture(scope="session")
def xvfb(session_bus: str) -> Iterator[str]:
    """Xvfb on the lowest free display (-displayfd); DISPLAY exported for children."""
    need("Xvfb")
    proc, display = start_xvfb(["-screen", "0", "800x600x24", "-nolisten", "tcp"])
    old = _swap_env("DISPLAY", display)
    announce_display()
    yield os.environ["DISPLAY"]
    stop_process(proc)
    _restore_env("DISPLAY", old)


@pytest.fixture
def xembed_tray(xvfb: str) -> Iterator[subprocess.Popen[bytes]]:
    """A fresh trayer (XEmbed system tray) per test, ready once it owns _NET_SYSTEM_TRAY_S0."""
    need("trayer")
    proc = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32",
         "--SetDockType", "true", "--transparent", "false", "--tint", "0xffffff"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    traytest.wait_for(traytest.tray_owner, 10, what="the XEmbed tray selection owner")
    yield proc
    stop_process(proc)
    traytest.wait_for(lambda: traytest.tray_owner() is None, 5, what="the tray to go away")


@pytest.fixture
def sni_watcher(session_bus: str) -> Iterator[subprocess.Popen[str]]:
    """A StatusNotifierWatcher (pure Python) that libayatana registers its item with."""
    proc = subprocess.Popen(
        [sys.executable, str(HELPERS / "sni_watcher.py")], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "watcher ready"
    yield proc
    stop_process(proc)


@pytest.fixture
def notification_sink(session_bus: str, tmp_path: Path) -> Iterator[Path]:
    """The fake org.freedesktop.Notifications, recording to a JSON-lines file.

    With the GTK backends pystray asks for the notification service at start; without one on
    the bus, D-Bus activation would start a real one (dunst) that outlives the test and takes
    the name from later tests' fake server (docs/desktop-testing.md §11).
    """
    out = tmp_path / "notifications.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(HELPERS / "fake_notifyd.py"), str(out)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    yield out
    stop_process(proc)


@pytest.fixture
def start_tray(tmp_path: Path, notification_sink: Path) -> Iterator[Callable[..., TrayProcess]]:
    """``start_tray(*args, **env)`` runs ``claude-tray`` as a subprocess; leftovers are stopped."""
    started: list[TrayProcess] = []

    def start(*args: str, **env: str) -> TrayProcess:
        proc = TrayProcess(list(args), env=env, log_path=tmp_path / f"claude-tray-{len(started)}.log")
        started.append(proc)
        return proc

    yield start
    for proc in started:
        stop_process(proc.proc)
        proc.close()
