"""The XEmbed path: claude-tray on pystray's xorg backend (with our fix) docked in trayer.

Checked from outside with screenshots (Pillow ImageGrab) and the X window tree: the icon docks
and is drawn, stays docked (same socket, full size) through 20+ icon updates, and a left click
reaches the app (the default action, Refresh now, sends a request).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_tray.model import Severity
from claude_tray.render.theme import SEVERITY_COLOURS
from tests.desktop.helpers import traytest as tt
from tests.desktop.helpers.app import TrayProcess, usage_body, write_login, write_settings
from tests.support.http import LoopbackServer, Reply

pytestmark = pytest.mark.desktop

USAGE = "/api/oauth/usage"
CALM_RGB = SEVERITY_COLOURS[Severity.CALM][:3]
FULL_RGB = SEVERITY_COLOURS[Severity.FULL][:3]
UPDATES = 22


def icon_pixels(rgb: tuple[int, int, int]) -> int | None:
    """Pixels of ``rgb`` inside the docked icon; None while it is not docked.

    Counting inside the icon's own geometry matters: notification popups on the same screen
    show the app icon too.
    """
    root = tt.root_id()
    docked = [icon for icon in tt.docked_icons() if icon[0] != root]
    if len(docked) != 1:
        return None
    _parent, x, y, width, height = docked[0]
    return tt.colour_count(tt.grab().crop((x, y, x + width, y + height)), rgb, 30)


@pytest.mark.skipif(not shutil.which("xdotool"), reason="xdotool missing")
def test_docks_draws_stays_docked_and_takes_a_click(
    xembed_tray: subprocess.Popen[bytes],
    server: LoopbackServer,
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    write_settings(isolated_home, "[general]\npoll_interval = 0.1\n")
    # every reading changes the icon (calm green, then crimson and back), then a 401 stops polling
    readings = [Reply(200, body=usage_body(100.0 if i % 2 else 10.0, 5.0)) for i in range(UPDATES)]
    server.script(USAGE, *readings, Reply(401, body=b'{"error": {"message": "expired"}}'))
    app = start_tray(
        "--verbose", PYSTRAY_BACKEND="xorg", CLAUDE_TRAY_API_BASE=server.url, CLAUDE_TRAY_MIN_INTERVAL="0.05"
    )

    # generous: under the full suite's load the first reading goes through a fetch worker process
    tt.wait_for(lambda: (icon_pixels(CALM_RGB) or 0) > 20, 30, what="the docked icon drawn green")
    root = tt.root_id()
    sockets, sizes, colours = set(), set(), set()
    while server.count(USAGE) <= UPDATES:
        for parent, _x, _y, width, height in tt.docked_icons():
            sockets.add(parent)
            sizes.add((width, height))
        if (icon_pixels(FULL_RGB) or 0) > 20:
            colours.add("full")
        assert app.alive(), app.output()
    assert sockets != {root} and len(sockets) == 1, f"re-docked: parents seen {sockets} (root {root})"
    assert min(w for w, _h in sizes) > 1, f"icon sizes seen: {sizes}"
    assert colours == {"full"}, "the icon never showed the crimson of a full window"

    # polling has stopped on the 401 and the icon is still docked
    tt.wait_for(lambda: "401" in app.output(), 5, what="the 401")
    [(_parent, x, y, width, height)] = tt.docked_icons()
    assert width > 1 and height > 1
    subprocess.run(
        ["xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1"], check=True
    )
    # the left click runs the default action, Refresh now; the app logs the poller's answer.
    # (That the refresh then sends a request is checked on the SNI path, where no credential
    # re-check runs every few milliseconds as it does here with the interval floor at 0.05 s.)
    tt.wait_for(lambda: "refresh: " in app.output(), 5, what="the click to reach the app")
    app.proc.terminate()
    assert app.wait_exit() == 0


def test_no_tray_host_is_one_line(xvfb: str, start_tray: Callable[..., TrayProcess]) -> None:
    # a display but nothing owning the XEmbed tray selection (and no SNI watcher for xorg)
    app = start_tray("--wait-for-tray", "0.3", PYSTRAY_BACKEND="xorg")
    assert app.wait_exit() == 2
    [line] = app.output().splitlines()
    assert line.startswith("claude-tray: no tray host") and "claude-tray status" in line
