"""``claude-tray doctor`` on a real (headless) desktop: Xvfb, a private session bus, an SNI watcher.

doctor asks the bus itself (NameHasOwner over jeepney) and loads the real pystray backend, so
this proves it sees the StatusNotifierWatcher when one runs, and says so when it is gone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.conftest import stop_process
from tests.support.watch import write_credentials

pytestmark = pytest.mark.desktop


def doctor(**env: str) -> tuple[int, dict[str, dict[str, str]]]:
    done = subprocess.run(
        [sys.executable, "-m", "claude_tray", "doctor", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=False,
    )
    findings = json.loads(done.stdout)["findings"]
    return done.returncode, {f["topic"]: f for f in findings if f["account"] is None}


def test_doctor_sees_the_watcher_on_the_session_bus_and_misses_it_when_gone(
    xvfb: str, sni_watcher: subprocess.Popen[str], isolated_home: Path
) -> None:
    write_credentials(isolated_home, "sk-ant-oat01-doctor-desktop-token")
    code, found = doctor(PYSTRAY_BACKEND="appindicator")
    if found["Tray backend"]["level"] == "fail":
        pytest.skip(f"appindicator backend not loadable here: {found['appindicator']['text']}")
    assert found["StatusNotifierWatcher"]["level"] == "ok"
    assert found["Tray host"]["text"] == "StatusNotifierWatcher"
    assert found["Tray backend"]["text"] == "appindicator (PYSTRAY_BACKEND=appindicator)"
    assert code == 0, "display, backend, host, settings and login all present"

    stop_process(sni_watcher)
    code, found = doctor(PYSTRAY_BACKEND="appindicator")
    assert found["StatusNotifierWatcher"]["level"] == "warn"
    assert found["StatusNotifierWatcher"]["text"].startswith("absent")
    assert found["Tray host"]["level"] == "fail", "no watcher and no XEmbed tray: nothing shows the icon"
    assert "AppIndicator extension" in found["Tray host"]["hint"]
    assert code == 1
