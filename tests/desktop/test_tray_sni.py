"""End to end on the appindicator backend: the real claude-tray, a loopback API, a private bus.

The app runs as a subprocess (PYSTRAY_BACKEND=appindicator) and is observed from outside only:
its StatusNotifierItem's properties, its menu over com.canonical.dbusmenu, the icon PNG named by
IconName, and the requests reaching the loopback server.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from claude_tray.model import Severity
from claude_tray.render.theme import GREY_FILL, SEVERITY_COLOURS
from tests.desktop.helpers import traytest as tt
from tests.desktop.helpers.app import TOKEN, TrayProcess, usage_body, write_login, write_settings
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply

pytestmark = pytest.mark.desktop

USAGE = "/api/oauth/usage"
WARN_RGB = SEVERITY_COLOURS[Severity.WARN][:3]
CALM_RGB = SEVERITY_COLOURS[Severity.CALM][:3]
FULL_RGB = SEVERITY_COLOURS[Severity.FULL][:3]
GREY_RGB = GREY_FILL[:3]


def has_appindicator() -> bool:
    probe = (
        "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('AyatanaAppIndicator3', '0.1');"
        "from gi.repository import AyatanaAppIndicator3"
    )
    import sys

    return subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0


needs_appindicator = pytest.mark.skipif(not has_appindicator(), reason="no PyGObject/AyatanaAppIndicator3")


class Item:
    """The one SNI item claude-tray registered, read fresh on every call."""

    def __init__(self) -> None:
        self.bus, self.path = tt.wait_for(lambda: (tt.sni_items() or [None])[0], 10, what="the SNI item")

    def props(self) -> dict[str, Any]:
        return tt.sni_item_props(self.bus, self.path)

    def labels(self) -> list[str]:
        return tt.dbusmenu_labels(self.bus, self.props()["Menu"])

    def click(self, label: str) -> None:
        tt.dbusmenu_click(self.bus, self.props()["Menu"], label)

    def wait_label(self, predicate: Callable[[str], bool], what: str) -> list[str]:
        def matched() -> list[str] | None:
            labels = self.labels()
            return labels if any(predicate(x) for x in labels) else None

        return tt.wait_for(matched, 10, what=what)

    def icon(self) -> Image.Image:
        return Image.open(self.props()["IconName"]).convert("RGB")


@pytest.fixture
def app_env(isolated_home: Path, server: LoopbackServer) -> dict[str, str]:
    write_login(isolated_home)
    write_settings(isolated_home, "[general]\npoll_interval = 1\n")
    return {
        "PYSTRAY_BACKEND": "appindicator",
        "CLAUDE_TRAY_API_BASE": server.url,
        "CLAUDE_TRAY_MIN_INTERVAL": "0.5",
    }


@needs_appindicator
def test_menu_icon_and_states_follow_the_api(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    app_env: dict[str, str],
    start_tray: Callable[..., TrayProcess],
) -> None:
    server.script(USAGE, Reply(200, body=usage_body(42.0, 75.0)))
    app = start_tray("--verbose", **app_env)
    item = Item()
    labels = item.wait_label(lambda x: x.startswith("5-hour: 42%"), "the 5-hour row")
    five = next(x for x in labels if x.startswith("5-hour"))
    assert "resets in 2h" in five, five
    assert any(x.startswith("Weekly: 75% · resets in") for x in labels), labels
    assert "Refresh now" in labels and "Quit" in labels
    # libayatana applies the title in its own idle callback, a moment after the menu
    props = tt.wait_for(
        lambda: (p := item.props())["Title"] == "Claude usage: 5-hour 42% · Weekly 75%" and p,
        5,
        what="the title",
    )
    assert props["Status"] == "Active"
    assert tt.colour_count(item.icon(), WARN_RGB, 20) > 50  # weekly 75% > warn 70: amber rings
    fresh_icon = props["IconName"]

    server.script(
        USAGE,
        Reply(
            429,
            {"Retry-After": "1"},
            fixture_bytes("api/errors/anthropics__claude-code__issue-30930__oauth_usage_429_body.json"),
        ),
    )
    labels = item.wait_label(lambda x: x.startswith("Rate limited - next try"), "the rate-limit state line")
    assert any(x.startswith("5-hour: 42%") for x in labels)  # the last good numbers stay
    assert item.props()["IconName"] != fresh_icon  # a new icon (the pause glyph), still amber
    assert tt.colour_count(item.icon(), WARN_RGB, 20) > 50

    body_401 = fixture_bytes("api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json")
    server.script(USAGE, Reply(401, body=body_401))
    item.wait_label(lambda x: x.startswith("Login rejected (401) - "), "the login state line")

    # unauthorized: the rings turn grey (numbers not trusted); only the "!" stays amber
    def grey_icon() -> Image.Image | None:
        icon = item.icon()
        return icon if tt.colour_count(icon, GREY_RGB, 20) > 300 else None

    grey = tt.wait_for(grey_icon, 5, what="grey rings")
    assert tt.colour_count(grey, WARN_RGB, 20) < 300
    tt.wait_for(lambda: item.props()["Title"].endswith("(login rejected (401))"), 5, what="the title")
    assert TOKEN not in app.output()

    assert app.alive()
    item.click("Quit")
    assert app.wait_exit() == 0


@needs_appindicator
def test_out_of_credits_and_an_unknown_limit_read_true_in_the_menu_and_the_icon(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    app_env: dict[str, str],
    start_tray: Callable[..., TrayProcess],
) -> None:
    """Issue 14's body: out of credits in EUR (from ``spend``) and an inactive unknown limit at 100 %."""
    body = json.loads(usage_body(35.0, 52.0))
    body["extra_usage"] = {"is_enabled": False, "utilization": 97.11}
    used, limit = ({"amount_minor": n, "currency": "EUR", "exponent": 2} for n in (53411, 55000))
    body["spend"] = {"used": used, "limit": limit, "enabled": False, "disabled_reason": "out_of_credits"}
    body["limits"] = [{"kind": "inactive_pool", "percent": 100, "is_active": False, "scope": None}]
    server.script(USAGE, Reply(200, body=json.dumps(body).encode()))
    app = start_tray(**app_env)
    item = Item()
    labels = item.wait_label(lambda x: x.startswith("Extra usage:"), "the extra-usage row")
    assert labels[0] == "Extra usage: out of credits · €534.11 of €550.00 (97%)"  # the first thing read
    assert "Inactive pool: 100% · not in effect" in labels
    tt.wait_for(lambda: item.props()["Title"].endswith("· extra usage out of credits"), 5, what="the title")
    icon = item.icon()
    assert tt.colour_count(icon, CALM_RGB, 20) > 50  # 35 % and 52 %: calm, whatever the unknown limit says
    assert tt.colour_count(icon, FULL_RGB, 20) == 0
    item.click("Quit")
    assert app.wait_exit() == 0


@needs_appindicator
def test_refresh_now_sends_a_request(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    app_env: dict[str, str],
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_settings(isolated_home, "[general]\npoll_interval = 3600\n")  # no poll would come by itself
    server.script(USAGE, Reply(200, body=usage_body(10.0, 20.0)))
    app = start_tray("--verbose", **app_env)
    item = Item()
    item.wait_label(lambda x: x.startswith("5-hour: 10%"), "the first reading")
    assert tt.colour_count(item.icon(), CALM_RGB, 20) > 50
    before = server.count(USAGE)
    server.script(USAGE, Reply(200, body=usage_body(55.0, 20.0)))
    item.click("Refresh now")
    assert server.wait_for_count(before + 1, USAGE, timeout=5)
    item.wait_label(lambda x: x.startswith("5-hour: 55%"), "the refreshed reading")
    app.proc.terminate()  # SIGTERM is a clean quit too
    assert app.wait_exit() == 0


@needs_appindicator
def test_the_first_run_writes_the_commented_default_settings(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    config = write_settings(isolated_home, "")
    config.unlink()  # where the tray looks, and nothing there yet
    server.script(USAGE, Reply(200, body=usage_body(42.0, 75.0)))
    app = start_tray(PYSTRAY_BACKEND="appindicator", CLAUDE_TRAY_API_BASE=server.url)
    item = Item()
    item.wait_label(lambda x: x.startswith("5-hour: 42%"), "the first reading")
    text = config.read_text()
    assert "poll_interval" in text and text.lstrip().startswith("#"), "every key with its comment"
    item.click("Quit")
    assert app.wait_exit() == 0


@needs_appindicator
def test_demo_plays_the_scripted_day_without_touching_home(
    xvfb: str, sni_watcher: subprocess.Popen[str], isolated_home: Path, start_tray: Callable[..., TrayProcess]
) -> None:
    app = start_tray("--demo", PYSTRAY_BACKEND="appindicator")
    item = Item()
    labels = item.wait_label(
        lambda x: x.startswith("5-hour: 4% · resets in 4h 59m"), "the demo's first reading"
    )
    assert "Extra usage: $0.00 of $50.00 (0%)" in labels
    assert any(x.endswith("· demo data from a built-in fake server") for x in labels)
    assert not any("Claude Code login" in x for x in labels), "the demo's login is fake: never 'via' it"
    item.click("Refresh now")  # jumps to the next step of the day
    item.wait_label(lambda x: x.startswith("5-hour: 18%"), "the demo's next step")
    item.click("Quit")
    assert app.wait_exit() == 0
    assert not (isolated_home / ".claude").exists()
    assert not list((isolated_home / ".config").iterdir())  # no settings file of the person's
    assert not list((isolated_home / ".local" / "state").iterdir())  # no state either


@needs_appindicator
def test_the_menu_over_dbus_speaks_the_users_language(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    app_env: dict[str, str],
    start_tray: Callable[..., TrayProcess],
) -> None:
    """LANGUAGE=de: the rows, the actions and the title are German, numbers German-formatted."""
    server.script(USAGE, Reply(200, body=usage_body(42.0, 75.0)))
    app = start_tray(**app_env, LANGUAGE="de", LANG="de_DE.UTF-8")
    item = Item()
    labels = item.wait_label(lambda x: x.startswith("5 Stunden: 42\xa0%"), "the German 5-hour row")
    assert any(x.startswith("Wöchentlich: 75\xa0% · wird in") for x in labels), labels
    assert {"Jetzt aktualisieren", "Einstellungen bearbeiten...", "Nutzungsseite öffnen", "Beenden"} <= set(
        labels
    )
    assert not {"Refresh now", "Quit"} & set(labels)
    tt.wait_for(
        lambda: item.props()["Title"] == "Claude-Nutzung: 5 Stunden 42\xa0% · Wöchentlich 75\xa0%",
        5,
        what="the title",
    )
    item.click("Beenden")
    assert app.wait_exit() == 0
