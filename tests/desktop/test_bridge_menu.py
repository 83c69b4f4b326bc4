"""The one-click status-line bridge, end to end over D-Bus: the menu offers it while the usage API
refuses this app, one click writes Claude Code's settings.json (and nothing else under its dir),
and Claude Code's next turn feeds the tray its numbers without a request."""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_tray.app.parts.bridge import BRIDGE_LABEL, NO_NUMBERS_LINE, UNDO_LABEL
from claude_tray.commands.statusline import is_ours
from tests.desktop.helpers import traytest as tt
from tests.desktop.helpers.app import TrayProcess, write_login, write_settings
from tests.desktop.test_tray_sni import Item, needs_appindicator
from tests.support.fixtures import fixture_bytes, fixture_json
from tests.support.http import LoopbackServer, Reply

pytestmark = pytest.mark.desktop

USAGE = "/api/oauth/usage"
REFUSED = Reply(
    429,
    {"Retry-After": "0"},
    fixture_bytes("api/errors/anthropics__claude-code__issue-30930__oauth_usage_429_body.json"),
)
STATUSLINE_FIXTURE = "transcripts/ryoppippi__ccusage__apps_ccusage_test_statusline-test.json"


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def claude_code_turn(command: str, five: float, week: float) -> None:
    """Run the installed status-line command as Claude Code does: its JSON on stdin, via a shell."""
    import time

    payload = fixture_json(STATUSLINE_FIXTURE)
    now = int(time.time())
    payload["rate_limits"] = {
        "five_hour": {"used_percentage": five, "resets_at": now + 7200},
        "seven_day": {"used_percentage": week, "resets_at": now + 3 * 86400},
    }
    done = subprocess.run(
        command, shell=True, input=json.dumps(payload).encode(), capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 0 and b"5h" in done.stdout, done


@needs_appindicator
def test_one_click_installs_the_bridge_and_claude_code_then_feeds_the_tray(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    claude = isolated_home / ".claude"
    (claude / "settings.json").write_text('{\n  "model": "opus"\n}\n')
    write_settings(isolated_home, "[general]\npoll_interval = 1\n")
    server.script(USAGE, REFUSED)  # the endpoint turns claude-tray away, every time
    before = tree(claude)
    app = start_tray(
        "--verbose",
        PYSTRAY_BACKEND="appindicator",
        CLAUDE_TRAY_API_BASE=server.url,
        CLAUDE_TRAY_MIN_INTERVAL="0.5",
    )
    item = Item()
    labels = item.wait_label(lambda x: x.startswith("Usage API refused this app"), "the refused state line")
    labels = item.wait_label(lambda x: x == BRIDGE_LABEL, "the bridge item")
    assert NO_NUMBERS_LINE in labels  # the first run read nothing: one line says why the item is there
    state = next(x for x in labels if x.startswith("Usage API refused this app"))
    assert "statusline install" in state and "says nothing about your usage" in state
    assert tree(claude) == before  # offering it wrote nothing

    item.click(BRIDGE_LABEL)

    def installed() -> dict[str, object] | None:
        data = json.loads((claude / "settings.json").read_text())
        return data if is_ours(data.get("statusLine")) else None

    settings = tt.wait_for(installed, 10, what="claude-tray's status line in settings.json")
    assert settings["model"] == "opus"  # every other key kept
    after = tree(claude)
    assert {k: v for k, v in after.items() if k != "settings.json"} == {
        k: v for k, v in before.items() if k != "settings.json"
    }  # credentials: same bytes, same mtime
    labels = item.wait_label(lambda x: x == UNDO_LABEL, "the item turned into its undo")
    assert BRIDGE_LABEL not in labels
    requests_so_far = server.count(USAGE)

    command = settings["statusLine"]["command"]  # type: ignore[index]
    assert shlex.split(command)[-2:] == ["--config-dir", str(claude)]
    claude_code_turn(command, five=23.0, week=45.0)
    labels = item.wait_label(lambda x: x.startswith("5-hour: 23%"), "numbers from the status line")
    assert any("via Claude Code status line" in x for x in labels), labels
    assert NO_NUMBERS_LINE not in labels
    assert server.count(USAGE) >= requests_so_far
    sent = server.count(USAGE)
    assert not server.wait_for_count(
        sent + 1, USAGE, timeout=3
    )  # polled every 1 s: a fresh record, no request
    assert not (isolated_home / ".claude.json").exists()  # never written

    item.click(UNDO_LABEL)  # what `claude-tray statusline uninstall` does: the file as it was
    tt.wait_for(
        lambda: (claude / "settings.json").read_bytes() == before["settings.json"][0] or None, 10, what="undo"
    )
    item.wait_label(lambda x: x == BRIDGE_LABEL, "the offer again")
    assert tree(claude)[".credentials.json"] == before[".credentials.json"]
    item.click("Quit")
    assert app.wait_exit() == 0


@needs_appindicator
def test_the_menu_shows_claude_codes_cached_numbers_with_their_own_time_while_the_api_refuses(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    from datetime import UTC, datetime, timedelta

    write_login(isolated_home)
    write_settings(isolated_home, "[general]\npoll_interval = 1\n")
    now = datetime.now(UTC)  # the tray runs on the real clock
    body = {
        "five_hour": {"utilization": 37.0, "resets_at": (now + timedelta(hours=3)).isoformat()},
        "seven_day": {"utilization": 52.0, "resets_at": (now + timedelta(days=2)).isoformat()},
        "seven_day_sonnet": {"utilization": 4.0, "resets_at": (now + timedelta(days=2)).isoformat()},
    }
    claude_json = isolated_home / ".claude.json"
    cached = {
        "fetchedAtMs": int((now - timedelta(hours=2, minutes=10)).timestamp() * 1000),
        "utilization": body,
    }
    claude_json.write_text(json.dumps({"numStartups": 9, "cachedUsageUtilization": cached}, indent=2))
    server.script(USAGE, REFUSED)
    before = tree(isolated_home / ".claude"), claude_json.read_bytes(), claude_json.stat().st_mtime_ns
    app = start_tray(
        "--verbose",
        PYSTRAY_BACKEND="appindicator",
        CLAUDE_TRAY_API_BASE=server.url,
        CLAUDE_TRAY_MIN_INTERVAL="0.5",
    )
    item = Item()
    labels = item.wait_label(
        lambda x: x.startswith("Usage API refused this app - next try"), "the state line"
    )
    assert any(x.startswith("5-hour: 37% · resets in 2h") for x in labels), labels
    assert any(x.startswith("Sonnet weekly: 4% · resets in") for x in labels), labels
    assert "updated 2h 10m ago · via Claude Code's usage cache" in labels
    assert BRIDGE_LABEL in labels and NO_NUMBERS_LINE not in labels  # numbers exist: no first-run line
    item.click("Quit")
    assert app.wait_exit() == 0
    assert (
        tree(isolated_home / ".claude"),
        claude_json.read_bytes(),
        claude_json.stat().st_mtime_ns,
    ) == before
