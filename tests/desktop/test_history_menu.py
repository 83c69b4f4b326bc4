"""The history in the real tray: the binding-wall forecast leads the menu, "Show history..." opens a chart.

claude-tray runs with the appindicator backend against a loopback API; the menu is read and
clicked over dbusmenu. ``xdg-open`` is a stand-in script first on PATH that records what it
was asked to open, so the test sees the exact file the desktop's viewer would get.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.helpers import traytest as tt
from tests.desktop.helpers.app import TrayProcess, usage_body, write_login
from tests.desktop.test_tray_sni import Item, needs_appindicator
from tests.support.http import LoopbackServer, Reply

pytestmark = pytest.mark.desktop


def recording_opener(bindir: Path, log: Path) -> None:
    bindir.mkdir(parents=True, exist_ok=True)
    opener = bindir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n', encoding="utf-8")
    opener.chmod(0o755)


@needs_appindicator
def test_forecast_line_and_show_history(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    isolated_home: Path,
    tmp_path: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    opened = tmp_path / "opened.txt"
    recording_opener(tmp_path / "bin", opened)
    # weekly 61 % four days into the week: the window's own pace reaches 100 % before the reset
    server.script("/api/oauth/usage", Reply(200, body=usage_body(42.0, 61.0)))
    env = {"PYSTRAY_BACKEND": "appindicator", "CLAUDE_TRAY_API_BASE": server.url}
    app = start_tray(PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}", **env)
    item = Item()
    labels = item.wait_label(lambda x: x.startswith("5-hour: 42%"), "the first reading")
    assert labels[0].startswith("Weekly: at this pace: limit at "), labels
    assert ", before the reset at " in labels[0]

    item.click("Show history...")
    path = Path(tt.wait_for(lambda: opened.exists() and opened.read_text().strip(), 10, what="xdg-open"))
    assert path == isolated_home / ".cache" / "claude-tray" / "history.png"
    with Image.open(path) as chart:
        assert (chart.format, chart.size) == ("PNG", (900, 600))
    assert (isolated_home / ".local" / "share" / "claude-tray" / "history.sqlite3").exists()
    item.click("Quit")
    assert app.wait_exit() == 0
