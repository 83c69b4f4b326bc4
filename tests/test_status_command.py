"""``claude-tray status`` end to end: a real subprocess, a real loopback server, a real login file.

Every usage fixture goes through the whole data path (credentials file -> HTTP -> parser ->
JSON). The Claude Code credentials file must be byte-identical, with the same mtime, afterwards,
and neither the OAuth token nor a session key may appear in anything the command prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.dates import epoch_ms
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply
from tests.test_parse import EXPECTED

TOKEN = "sk-ant-oat01-STATUS-E2E-TOKEN-0123456789"
SESSION_KEY = "sk-ant-sid01-STATUS-E2E-SESSION-9876543210"
USAGE = "/api/oauth/usage"
NEW_WINDOW_FIELDS = {"utilization_computed", "dollars", "locked_reason", "active", "drives_icon"}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        document = json.loads(self.stdout)
        assert isinstance(document, dict)
        return document

    def account(self, index: int = 0) -> dict[str, object]:
        accounts = self.json()["accounts"]
        assert isinstance(accounts, list)
        entry = accounts[index]
        assert isinstance(entry, dict)
        return entry


@pytest.fixture
def login(isolated_home: Path) -> Path:
    """A Claude Code login that expires in 2100, as Claude Code writes it (mode 0600)."""
    directory = isolated_home / ".claude"
    directory.mkdir()
    path = directory / ".credentials.json"
    oauth = {
        "accessToken": TOKEN,
        "refreshToken": "sk-ant-ort01-STATUS-E2E-REFRESH",
        "expiresAt": 4102444800000,
    }
    oauth |= {"scopes": ["user:inference", "user:profile"], "subscriptionType": "max"}
    path.write_text(json.dumps({"claudeAiOauth": oauth}))
    path.chmod(0o600)
    return path


def status(server: LoopbackServer, *args: str, config: str | None = None, **env: str) -> Run:
    environment = {
        **os.environ,
        "CLAUDE_TRAY_API_BASE": server.url,
        "CLAUDE_TRAY_WEB_BASE": server.url,
        **env,
    }
    if config is not None:
        path = Path(os.environ["HOME"]) / "config.toml"
        path.write_text(config)
        environment["CLAUDE_TRAY_CONFIG"] = str(path)
    done = subprocess.run(
        [sys.executable, "-m", "claude_tray", "status", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    for secret in (TOKEN, SESSION_KEY, "STATUS-E2E"):
        assert secret not in done.stdout and secret not in done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def unchanged(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_mode


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=lambda r: r.rsplit("/", 1)[-1][:60])
def test_every_fixture_end_to_end(server: LoopbackServer, login: Path, relative: str) -> None:
    server.script(USAGE, Reply(200, body=fixture_bytes(relative)))
    before = unchanged(login)
    run = status(server, "--json")
    assert unchanged(login) == before  # read-only toward Claude Code
    assert (run.code, run.stderr) == (0, "")
    account = run.account()
    windows, extra = EXPECTED[relative]
    assert (account["name"], account["source"], account["health"], account["message"]) == (
        "default",
        "cli",
        "fresh",
        None,
    )
    assert isinstance(account["fetched_at"], str) and datetime.fromisoformat(account["fetched_at"]).tzinfo
    shown = account["windows"]
    assert isinstance(shown, list)
    keys = ("key", "label", "utilization", "resets_at", "group", "read_at")
    assert [{k: w[k] for k in keys} for w in shown] == [
        {"key": k, "label": label, "utilization": u, "resets_at": r, "group": g, "read_at": None}
        for k, label, u, r, g in windows
    ]
    # the late-2026 fields are always present (null / false when the server sent nothing)
    assert all(set(w) >= NEW_WINDOW_FIELDS for w in shown)
    expected_extra = None
    if extra is not None:
        expected_extra = {
            "enabled": extra.enabled,
            "used": extra.used,
            "limit": extra.limit,
            "currency": extra.currency,
            "utilization": extra.utilization,
            "currency_assumed": extra.currency_assumed,
            "state": extra.state.value,
            "disabled_reason": extra.disabled_reason,
            "user_disabled": extra.user_disabled,
            "spend_limit_reached": extra.spend_limit_reached,
        }
    assert account["extra_usage"] == expected_extra
    assert "seven_day_breakdown" in account
    [request] = server.seen
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["anthropic-beta"] == "oauth-2025-04-20"
    assert request.headers["User-Agent"].startswith("claude-tray/")


def test_readable_output(server: LoopbackServer, login: Path) -> None:
    body = fixture_bytes(
        "api/usage/steipete__CodexBar__ClaudeOAuthTests.swift_L307_oauth_usage_extra_usage_no_currency.json"
    )
    server.script(USAGE, Reply(200, body=body))
    run = status(server)
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert lines[0].startswith("default (via usage API): updated ")
    assert lines[1].split()[:2] == ["5-hour", "1%"]
    assert "$3.25 of $20.50 (16%)" in lines[2] and "USD assumed" in lines[2]


@pytest.mark.parametrize(
    ("reply", "health", "message"),
    [
        (
            Reply(
                401,
                body=fixture_bytes(
                    "api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json"
                ),
            ),
            "unauthorized",
            "Login rejected (401)",
        ),
        (
            Reply(
                403,
                body=fixture_bytes(
                    "api/errors/anthropics__claude-code__issue-24996__oauth_usage_403_missing_user_profile_scope.json"
                ),
            ),
            "unauthorized",
            "Login rejected (403)",
        ),
        (Reply(429, headers={"Retry-After": "600"}), "rate_limited", "Rate limited"),
        (Reply(503), "offline", "Server error 503"),
        (
            Reply(200, body=b"<html>maintenance</html>", content_type="text/html"),
            "error",
            "Unexpected response",
        ),
    ],
    ids=["401", "403-scope", "429", "503", "html-200"],
)
def test_failures_exit_1_with_one_stderr_line(
    server: LoopbackServer, login: Path, reply: Reply, health: str, message: str
) -> None:
    server.script(USAGE, reply)
    run = status(server, "--json")
    account = run.account()
    assert run.code == 1
    assert (account["health"], account["message"], account["windows"], account["fetched_at"]) == (
        health,
        message,
        [],
        None,
    )
    assert account["hint"]
    [line] = run.stderr.splitlines()
    assert line.startswith(f"claude-tray: default: {message}")
    if health == "rate_limited":
        assert isinstance(account["next_attempt_at"], str)


def test_no_login_at_all(server: LoopbackServer) -> None:
    run = status(server, "--json")
    assert run.code == 1 and run.account()["health"] == "no_credentials"
    assert server.count() == 0  # nothing to send, nothing sent
    assert ".credentials.json" in run.stderr


def test_expired_login_is_not_sent(server: LoopbackServer, login: Path) -> None:
    expired = epoch_ms(-timedelta(days=1))
    login.write_text(json.dumps({"claudeAiOauth": {"accessToken": TOKEN, "expiresAt": expired}}))
    run = status(server, "--json")
    assert (run.code, run.account()["health"], run.account()["message"]) == (
        1,
        "unauthorized",
        "Login expired",
    )
    assert server.count() == 0


def test_web_account_from_the_environment_and_account_filter(server: LoopbackServer, login: Path) -> None:
    orgs = fixture_bytes(
        "api/web/steipete__CodexBar__ClaudeUsageTests.swift_L765_organizations_api_hybrid.json"
    )
    usage = fixture_bytes(
        "api/web/steipete__CodexBar__ClaudeWebEnterpriseUsageTests.swift_L8_web_usage_five_hour_null.json"
    )
    server.script("/api/organizations", Reply(200, body=orgs))
    server.script("/api/organizations/org-hybrid/usage", Reply(200, body=usage))
    server.script("/api/organizations/org-hybrid/overage_spend_limit", Reply(404))
    config = '[[accounts]]\nname = "cli"\nsource = "cli"\n\n[[accounts]]\nname = "team"\nsource = "web"\n'
    run = status(server, "--json", "--account", "team", config=config, CLAUDE_TRAY_SESSION_KEY=SESSION_KEY)
    assert run.code == 0
    assert [a["name"] for a in run.json()["accounts"]] == ["team"]  # type: ignore[union-attr]
    assert run.account()["source"] == "web" and run.account()["windows"][0]["key"] == "seven_day"  # type: ignore[index]
    assert server.count(USAGE) == 0
    assert all(r.headers["Cookie"] == f"sessionKey={SESSION_KEY}" for r in server.seen)


def test_unknown_account_and_bad_settings(server: LoopbackServer) -> None:
    run = status(server, "--account", "nope", config='[[accounts]]\nname = "a"\nsource = "cli"\n')
    assert (run.code, run.stdout) == (1, "")
    assert run.stderr == "claude-tray: no account named 'nope' (configured: a)\n"
    run = status(server, config="[general]\npoll_interval = 5\n")
    assert run.code == 1 and "poll_interval" in run.stderr and len(run.stderr.splitlines()) == 1


def test_a_failed_read_shows_the_last_stored_reading_with_its_age_and_next_try(
    server: LoopbackServer, login: Path
) -> None:
    body = fixture_bytes(
        "api/usage/steipete__CodexBar__ClaudeOAuthTests.swift_L307_oauth_usage_extra_usage_no_currency.json"
    )
    server.script(USAGE, Reply(200, body=body))
    assert status(server).code == 0  # stores the reading in the history
    server.script(USAGE, Reply(503))
    run = status(server)
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("default (via usage API): Server error 503 [offline]")
    assert lines[1].startswith("  last reading just now (")
    assert "no data yet" not in run.stdout
    assert [line.split()[:2] for line in lines if line.strip().startswith("5-hour")] == [["5-hour", "1%"]]
    document = status(server, "--json").account()
    assert document["health"] == "offline" and document["fetched_at"] is not None
    assert [w["key"] for w in document["windows"]][:1] == ["five_hour"]  # type: ignore[index]
    server.script(USAGE, Reply(429, headers={"Retry-After": "600"}))
    limited = status(server)
    assert "next try allowed at " in limited.stdout
    assert "(in 10m)" in limited.stdout or "(in 9m)" in limited.stdout  # Retry-After 600 s, floored
    assert "  last reading " in limited.stdout
