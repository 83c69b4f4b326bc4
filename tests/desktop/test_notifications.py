"""Notifications end to end: `claude-tray watch` as a subprocess, a scripted loopback API, and a
fake org.freedesktop.Notifications server on a private D-Bus session that records every Notify().

Exactly one notification per crossing, none on repeated polls; the refill comes from the usage
dropping; login lost and back; an invalid settings file is reported with file:line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.helpers.traytest import wait_for
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import WatchProcess, write_credentials

pytestmark = pytest.mark.desktop

HELPERS = Path(__file__).resolve().parent / "helpers"

USAGE = "/api/oauth/usage"
BODY_401 = fixture_bytes("api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json")


class Notifications:
    """The Notify() calls the fake server recorded, one dict per call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def wait(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        return wait_for(
            lambda: len(self.all()) >= count and self.all(), timeout, what=f"{count} notification(s)"
        )


@pytest.fixture
def notifications(session_bus: str, tmp_path: Path) -> Iterator[Notifications]:
    """The fake notification server on the private bus (no X needed)."""
    out = tmp_path / "notifications.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(HELPERS / "fake_notifyd.py"), str(out)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    yield Notifications(out)
    proc.terminate()  # ours, by PID
    try:
        proc.wait(3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


def _usage(five_hour: float) -> Reply:
    resets = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    return Reply(
        200, body=json.dumps({"five_hour": {"utilization": five_hour, "resets_at": resets}}).encode()
    )


def test_one_notification_per_edge_through_dbus(
    notifications: Notifications, server: LoopbackServer, tmp_path: Path, isolated_home: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[general]\npoll_interval = 0.25\n")
    write_credentials(isolated_home, "sk-ant-oat01-notify-test-token")
    # 50 -> 85 (crosses 80) -> 85, 90 (repeats) -> 97 (crosses 95) -> 97 -> 3 (refill) -> 3, 3, ...
    script = [_usage(v) for v in (50, 50, 85, 85, 90, 97, 97, 3, 3)]
    server.script(USAGE, *script)
    env = {
        "CLAUDE_TRAY_MIN_INTERVAL": "0.25",
        "CLAUDE_TRAY_CONFIG": str(config),
        "CLAUDE_TRAY_API_BASE": server.url,
    }
    with WatchProcess("--format", "json", env=env) as watch:
        assert server.wait_for_count(len(script) + 3, USAGE)  # every scripted reply, then repeats
        watch.next_doc(lambda doc: doc["windows"] and doc["windows"][0]["utilization"] == 3)
        crossing_80, crossing_95, refill = notifications.wait(3)
        assert server.wait_for_count(len(script) + 6, USAGE)  # more polls at 3 %...
        assert len(notifications.all()) == 3  # ...say nothing

        assert (crossing_80["summary"], crossing_80["body"].split(".")[0]) == (
            "5-hour limit at 85%",
            "Passed 80%",
        )
        assert (crossing_95["summary"], crossing_95["body"].split(".")[0]) == (
            "5-hour limit at 97%",
            "Passed 95%",
        )
        assert (refill["summary"], refill["body"].split(".")[0]) == (
            "5-hour limit refilled",
            "Now 3% (was 97%)",
        )
        assert [n["hints"]["urgency"] for n in (crossing_80, crossing_95, refill)] == [1, 2, 0]
        assert crossing_95["replaces_id"] == crossing_80["id"]  # the newer bubble replaces the older
        for note in (crossing_80, crossing_95, refill):
            assert note["app_name"] == "claude-tray"
            assert note["hints"]["desktop-entry"] == "claude-tray"
            assert Path(note["app_icon"]).is_file() or note["app_icon"] == "claude-tray"

        # login lost (401 stops polling), then back once the credentials file changes
        server.script(USAGE, Reply(401, body=BODY_401))
        lost = notifications.wait(4)[3]
        assert lost["summary"] == "login stopped working"
        assert "401" in lost["body"]
        server.script(USAGE, _usage(4))
        write_credentials(isolated_home, "sk-ant-oat01-notify-test-token-2")
        back = notifications.wait(5)[4]
        assert back["summary"] == "login works again"

        # an invalid edit: the daemon keeps running and says file:line once
        config.write_text("[general]\npoll_interval = 0.01\n")
        invalid = notifications.wait(6)[5]
        assert invalid["summary"] == "claude-tray settings not applied"
        assert invalid["body"].startswith(f"{config}:2: [general.poll_interval] poll_interval is 0.01 s")
        polled = server.count(USAGE)
        assert server.wait_for_count(polled + 3, USAGE)  # still polling, at the old interval
        assert len(notifications.all()) == 6
        assert watch.stop() == 0
