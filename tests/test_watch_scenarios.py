"""``claude-tray watch`` end to end: a real subprocess against a real 127.0.0.1 server.

The 60 s floor is lowered with the testing knob ``CLAUDE_TRAY_MIN_INTERVAL=0.5`` and the
settings file asks for ``poll_interval = 0.5``. The knob also scales the backoff bases by
0.5 / 60 (429 penalty 1 s .. 15 s, transient 0.25 s .. 7.5 s, Cloudflare 15 s, credential
re-check 0.125 s), so each scenario takes seconds while keeping the shapes of normal use.
Server-sent Retry-After values are never scaled.
"""

from __future__ import annotations

import itertools
import json
import signal
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import fixture_bytes, fixture_json
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import WatchProcess, write_credentials

USAGE = "/api/oauth/usage"
BODY_429 = fixture_bytes("api/errors/anthropics__claude-code__issue-30930__oauth_usage_429_body.json")
BODY_401 = fixture_bytes("api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json")
CHALLENGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>"


def _ok_body() -> bytes:
    """The claudometer fixture with its reset times moved into the future (it dates from January)."""
    data = fixture_json("api/usage/leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json")
    soon = datetime.now(UTC) + timedelta(hours=3)
    for window in data.values():
        window["resets_at"] = soon.isoformat()
    return json.dumps(data).encode()


OK_BODY = _ok_body()


def health(name: str) -> Any:
    return lambda doc: doc["health"] == name


@pytest.fixture
def watch_env(tmp_path: Path, isolated_home: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text("[general]\npoll_interval = 0.5\n", encoding="utf-8")
    write_credentials(isolated_home, "sk-ant-oat01-first-test-token")
    return {"CLAUDE_TRAY_MIN_INTERVAL": "0.5", "CLAUDE_TRAY_CONFIG": str(config)}


def gaps(server: LoopbackServer) -> list[float]:
    times = [r.at for r in server.seen if r.path.split("?")[0] == USAGE]
    return [b - a for a, b in itertools.pairwise(times)]


def test_fresh_then_429_with_retry_after_then_fresh(
    server: LoopbackServer, watch_env: dict[str, str], isolated_home: Path
) -> None:
    creds = isolated_home / ".claude" / ".credentials.json"
    before = (creds.read_bytes(), creds.stat().st_mtime_ns)
    server.script(
        USAGE,
        Reply(200, body=OK_BODY),
        Reply(429, {"Retry-After": "2"}, body=BODY_429),
        Reply(200, body=OK_BODY),
    )
    with WatchProcess("--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        first = w.next_doc(health("fresh"))
        limited = w.next_doc(health("rate_limited"))
        again = w.next_doc(health("fresh"))
        assert w.stop() == 0
    assert first["windows"], "the fixture's windows are shown"
    assert {"forecast", "sessions"} <= first.keys(), "each line is an account object of status --json"
    assert first["sessions"] == []
    assert limited["windows"] == first["windows"], "the last good reading stays through a 429"
    assert limited["fetched_at"] == first["fetched_at"]
    assert "next try" in limited["hint"]
    assert again["fetched_at"] > first["fetched_at"]
    assert gaps(server)[0] >= 0.5, "never faster than the interval"
    assert gaps(server)[1] >= 2.0 - 0.05, "Retry-After: 2 is honoured"
    assert all(r.headers["User-Agent"].startswith("claude-tray/") for r in server.seen)
    assert (creds.read_bytes(), creds.stat().st_mtime_ns) == before, "Claude Code's file untouched"


def test_401_stops_until_the_credentials_file_is_replaced(
    server: LoopbackServer, watch_env: dict[str, str], isolated_home: Path
) -> None:
    server.script(USAGE, Reply(401, body=BODY_401), Reply(200, body=OK_BODY))
    with WatchProcess("--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        stopped = w.next_doc(health("unauthorized"))
        assert stopped["hint"]
        assert not server.wait_for_count(2, USAGE, timeout=2.0), "zero requests while stopped"
        write_credentials(isolated_home, "sk-ant-oat01-second-test-token")
        w.next_doc(health("fresh"), timeout=5.0)
        assert w.stop() == 0
    tokens = [r.headers["Authorization"] for r in server.seen]
    assert tokens[:2] == ["Bearer sk-ant-oat01-first-test-token", "Bearer sk-ant-oat01-second-test-token"]


def test_server_errors_back_off_exponentially_keeping_the_last_reading(
    server: LoopbackServer, watch_env: dict[str, str]
) -> None:
    server.script(USAGE, Reply(200, body=OK_BODY), Reply(500, body=b'{"error": "boom"}'))
    with WatchProcess("--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        good = w.next_doc(health("fresh"))
        offline = w.next_doc(health("offline"))
        assert server.wait_for_count(5, USAGE, timeout=10.0)
        assert w.stop() == 0
    assert offline["message"] == "Server error 500"
    assert offline["windows"] == good["windows"], "stale data kept, never blanked to 0%"
    waits = gaps(server)[1:4]  # 0.25, 0.5, 1 s (+-10 %)
    assert 0.2 <= waits[0] <= 0.5
    assert all(later >= 1.5 * earlier for earlier, later in itertools.pairwise(waits)), waits


def test_connection_refused_is_offline_and_quits_cleanly_on_sigint(watch_env: dict[str, str]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with WatchProcess(
        "--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": f"http://127.0.0.1:{port}"}
    ) as w:
        doc = w.next_doc(health("offline"))
        assert doc["windows"] == [], "no data is no data, not 0%"
        assert w.stop(signal.SIGINT) == 0


def test_cloudflare_html_403_is_blocked_not_a_bad_login(
    server: LoopbackServer, watch_env: dict[str, str]
) -> None:
    server.script(USAGE, Reply(403, body=CHALLENGE, content_type="text/html; charset=UTF-8"))
    with WatchProcess("--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        doc = w.next_doc(health("blocked"))
        assert doc["message"] == "Blocked by Cloudflare"
        assert not server.wait_for_count(2, USAGE, timeout=1.5), "a long pause after a block"
        assert w.stop() == 0


def test_waybar_lines(server: LoopbackServer, watch_env: dict[str, str]) -> None:
    server.script(USAGE, Reply(200, body=OK_BODY), Reply(429, body=BODY_429))
    with WatchProcess("--format", "waybar", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        fresh = w.next_doc(lambda d: "fresh" in d["class"])
        limited = w.next_doc(lambda d: "rate_limited" in d["class"])
        assert w.stop() == 0
    assert set(fresh) == {"text", "tooltip", "class", "percentage"}
    assert "%" in fresh["text"]
    assert isinstance(fresh["percentage"], int)
    assert "Rate limited" in limited["tooltip"]
    assert limited["text"].startswith(fresh["text"])


def test_sigusr1_refreshes_before_the_interval(
    server: LoopbackServer, watch_env: dict[str, str], tmp_path: Path
) -> None:
    slow = tmp_path / "slow.toml"
    slow.write_text("[general]\npoll_interval = 60\n", encoding="utf-8")
    server.script(USAGE, Reply(200, body=OK_BODY))
    env = {**watch_env, "CLAUDE_TRAY_CONFIG": str(slow), "CLAUDE_TRAY_API_BASE": server.url}
    with WatchProcess("--format", "json", env=env) as w:
        w.next_doc(health("fresh"))
        assert w.proc is not None
        w.proc.send_signal(signal.SIGUSR1)
        assert server.wait_for_count(2, USAGE, timeout=5.0), "the refresh did not wait 60 s"
        assert w.stop() == 0


def test_waybar_out_of_credits_and_an_unknown_limit_at_100_percent(
    server: LoopbackServer, watch_env: dict[str, str]
) -> None:
    """The late-2026 body from issue 14: out of credits in EUR, an inactive unknown limit at 100 %."""
    data = fixture_json("api/usage_authored/claude-tray__spend_out_of_credits_EUR.json")
    soon = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    for key in ("five_hour", "seven_day"):
        data[key]["resets_at"] = soon
    data["limits"] = [{"kind": "inactive_pool", "percent": 100, "is_active": False, "scope": None}]
    server.script(USAGE, Reply(200, body=json.dumps(data).encode()))
    with WatchProcess("--format", "waybar", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        line = w.next_doc(lambda d: "fresh" in d["class"])
        assert w.stop() == 0
    assert line["class"] == ["fresh", "calm", "out_of_credits"]  # calm: 35 % and 52 %, not "full"
    assert line["text"] == "5h 35% · 7d 52% · extra usage out of credits"
    assert line["percentage"] == 52
    assert "Inactive pool: 100% · not in effect" in line["tooltip"]
    assert "Extra usage: out of credits · €534.11 of €550.00 (97%)" in line["tooltip"]
    assert "USD assumed" not in line["tooltip"]


def test_no_session_bus_says_notifications_are_off_once_in_words(
    server: LoopbackServer, watch_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)

    def body(five: float) -> bytes:
        data = json.loads(OK_BODY)
        data["five_hour"]["utilization"] = five
        return json.dumps(data).encode()

    server.script(USAGE, Reply(200, body=body(50)), Reply(200, body=body(85)), Reply(200, body=body(96)))
    with WatchProcess("--format", "json", env={**watch_env, "CLAUDE_TRAY_API_BASE": server.url}) as w:
        w.next_doc(lambda doc: 96 in [x["utilization"] for x in doc["windows"]])  # two thresholds crossed
        assert w.stop() == 0
    said = [line for line in w.stderr if "notifications off" in line]
    assert len(said) == 1 and said[0].endswith("no desktop session: notifications off"), w.stderr
    assert not any("KeyError" in line or "DBUS_SESSION_BUS_ADDRESS" in line for line in w.stderr)
