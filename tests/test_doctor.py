"""``claude-tray doctor``: the pure report over injected facts, the last-poll record, and real runs.

The subprocess runs use the isolated HOME (no display, no session bus), a real credentials
file, and a real ``claude-tray watch`` against the loopback API to produce the last-poll record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.model import AccountStatus, Health, SourceKind, StatusChange, UsageSnapshot
from claude_tray.report.doctor import (
    HOST_HINT,
    AccountProbe,
    AutostartProbe,
    BackendProbe,
    Level,
    Probes,
    SettingsProbe,
    diagnose,
)
from claude_tray.report.doctor_text import format_report, report_json
from claude_tray.sources import SourceReport
from claude_tray.usage.last_poll import LastPollRecorder, PollRecord, parse_records, read_records, to_json
from tests.support.clock import FakeClock
from tests.support.dates import epoch_ms
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import WatchProcess, write_credentials

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
FOUND = SourceReport(
    SourceKind.CLI, "/h/.claude/.credentials.json", available=True, reason="login found", found=True
)
MISSING = SourceReport(
    SourceKind.CLI,
    "/h/.claude/.credentials.json",
    available=True,
    reason="no Claude Code login at /h/.claude/.credentials.json",
    hint="run `claude` and log in",
)


def healthy() -> Probes:
    """A Linux desktop where everything works: the baseline each table row changes one fact of."""
    return Probes(
        version="0.1.0",
        python="3.11.2 (CPython, /usr/bin/python3)",
        python_ok=True,
        platform="Linux-6.1-x86_64",
        linux_desktop=True,
        display=True,
        backend=BackendProbe(
            ("appindicator", "gtk", "xorg"),
            "appindicator",
            "first of appindicator, gtk, xorg that loaded",
            host="StatusNotifierWatcher",
        ),
        session_bus=True,
        sni_watcher=True,
        keyring="SecretService Keyring",
        session_key_env=False,
        settings=SettingsProbe("/h/.config/claude-tray/config.toml", exists=True),
        autostart=AutostartProbe(
            supported=True, enabled=False, location="/h/.config/autostart/claude-tray.desktop"
        ),
        accounts=(AccountProbe("default", "auto", (FOUND,)),),
        now=NOW,
    )


def levels(probes: Probes) -> dict[str, Level]:
    return {f.topic.strip(): f.level for f in diagnose(probes).findings if f.account is None}


def finding(probes: Probes, topic: str) -> tuple[Level, str, str]:
    found = [f for f in diagnose(probes).findings if f.topic.strip() == topic]
    assert found, f"no finding {topic!r}"
    return found[0].level, found[0].text, found[0].hint


def test_a_working_desktop_is_ok() -> None:
    report = diagnose(healthy())
    assert report.ok
    assert levels(healthy())["Tray backend"] is Level.OK
    assert finding(healthy(), "gtk") == (Level.INFO, "not tried: appindicator loaded first", "")
    assert finding(healthy(), "StatusNotifierWatcher")[0] is Level.OK
    assert finding(healthy(), "Tray host") == (Level.OK, "StatusNotifierWatcher", "")
    assert finding(healthy(), "Account default")[1].startswith("auto -> cli: login found")


@pytest.mark.parametrize(
    ("change", "topic", "level", "needed"),
    [
        ({"display": False, "backend": None}, "Display", Level.FAIL, True),
        ({"python_ok": False}, "Python", Level.FAIL, True),
        ({"sni_watcher": False}, "StatusNotifierWatcher", Level.WARN, False),
        ({"session_bus": False, "sni_watcher": None}, "StatusNotifierWatcher", Level.WARN, False),
        ({"keyring": None}, "Keyring", Level.INFO, False),  # only web accounts need one
        ({"settings": SettingsProbe("/c.toml", exists=False)}, "Settings", Level.OK, False),
        (
            {"settings": SettingsProbe("/c.toml", True, ("/c.toml:3: [general.poll_interval] too low",))},
            "Settings",
            Level.FAIL,
            True,
        ),
    ],
)
def test_each_fact_decides_its_own_line(
    change: dict[str, object], topic: str, level: Level, needed: bool
) -> None:
    probes = replace(healthy(), **change)  # type: ignore[arg-type]
    assert finding(probes, topic)[0] is level
    assert diagnose(probes).ok is not needed


def test_backends_that_failed_say_why_and_none_loading_is_fatal() -> None:
    rejected = (
        ("appindicator", "ValueError: Namespace AyatanaAppIndicator3 not available"),
        ("gtk", "ImportError: gi"),
    )
    xorg = BackendProbe(
        ("appindicator", "gtk", "xorg"), "xorg", "first of ...", rejected, host="XEmbed system tray"
    )
    probes = replace(healthy(), backend=xorg, sni_watcher=False)
    assert finding(probes, "appindicator") == (Level.INFO, f"not used: {rejected[0][1]}", "")
    level, text, hint = finding(probes, "Tray backend")
    assert level is Level.WARN
    assert "no menu" in text
    assert "--system-site-packages" in hint
    assert diagnose(probes).ok, "xorg with a tray host still shows the icon"
    nothing = replace(healthy(), backend=BackendProbe(("appindicator", "gtk", "xorg"), rejected=rejected))
    assert finding(nothing, "Tray backend")[0] is Level.FAIL
    assert not diagnose(nothing).ok


def test_no_tray_host_is_fatal_and_points_at_the_gnome_extension() -> None:
    probes = replace(healthy(), backend=replace(healthy().backend, host=None), sni_watcher=False)  # type: ignore[type-var]
    level, text, hint = finding(probes, "Tray host")
    assert level is Level.FAIL
    assert text == "nothing here shows appindicator icons"
    assert "AppIndicator extension" in hint
    assert finding(probes, "StatusNotifierWatcher")[2] == "", "the fix is said once, on the failing line"
    with_xembed = replace(probes, backend=replace(probes.backend, host="XEmbed system tray"))  # type: ignore[type-var]
    assert finding(with_xembed, "StatusNotifierWatcher")[2] == HOST_HINT


def test_a_web_account_needs_a_keyring_unless_the_key_is_in_the_environment() -> None:
    web = SourceReport(SourceKind.WEB, "OS keyring", available=False, reason="no OS keyring is available")
    probes = replace(healthy(), keyring=None, accounts=(AccountProbe("work", "web", (web,)),))
    assert finding(probes, "Keyring")[0] is Level.FAIL
    assert finding(replace(probes, session_key_env=True), "Keyring")[0] is Level.INFO


@pytest.mark.parametrize(
    ("problem", "fix"), [("locked", "unlock it"), ("no default collection", "create a default")]
)
def test_a_locked_keyring_or_one_without_a_default_collection_is_not_ok(problem: str, fix: str) -> None:
    web = SourceReport(SourceKind.WEB, "OS keyring", available=True, reason="keyring found")
    probes = replace(healthy(), keyring_problem=problem, accounts=(AccountProbe("work", "web", (web,)),))
    level, text, hint = finding(probes, "Keyring")
    assert (level, text) == (Level.FAIL, f"SecretService Keyring: {problem}")
    assert hint.startswith(fix) and "login-web" in hint
    assert finding(replace(probes, accounts=()), "Keyring")[0] is Level.WARN, "not needed yet: a warning"


def test_an_account_without_a_login_fails_with_the_sources_reason_and_hint() -> None:
    probes = replace(healthy(), accounts=(AccountProbe("default", "auto", (MISSING,)),))
    level, text, hint = finding(probes, "Account default")
    assert level is Level.FAIL
    assert text == "auto -> cli available: no Claude Code login at /h/.claude/.credentials.json"
    assert hint == "run `claude` and log in"
    assert not diagnose(probes).ok


def test_auto_on_macos_is_fine_when_the_file_fallback_has_the_login() -> None:
    keychain = SourceReport(SourceKind.KEYCHAIN, "Keychain item", available=True, reason="no Keychain item")
    probes = replace(healthy(), accounts=(AccountProbe("default", "auto", (keychain, FOUND)),))
    assert finding(probes, "Account default")[0] is Level.OK


def record(health: Health, **kw: object) -> PollRecord:
    base = {
        "message": "",
        "hint": "",
        "recorded_at": NOW - timedelta(minutes=3),
        "fetched_at": None,
        "next_attempt_at": None,
    }
    return PollRecord("default", health, **{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("last", "level", "text"),
    [
        (None, Level.INFO, "unknown (no running tray or `watch` has recorded this account yet)"),
        (
            record(Health.FRESH, fetched_at=NOW - timedelta(minutes=3)),
            Level.OK,
            "fresh (recorded 3m ago, last good reading 3m ago)",
        ),
        (
            record(Health.RATE_LIMITED, message="Rate limited", hint="next try 14:05"),
            Level.WARN,
            "rate_limited: Rate limited (recorded 3m ago)",
        ),
    ],
)
def test_last_poll_line(last: PollRecord | None, level: Level, text: str) -> None:
    probes = replace(healthy(), accounts=(AccountProbe("default", "auto", (FOUND,), last),))
    got = [f for f in diagnose(probes).findings if f.topic.strip() == "last poll"]
    assert (got[0].level, got[0].text, got[0].account) == (level, text, "default")
    assert diagnose(probes).ok, "a past outcome is news, not a missing part"


def test_text_and_json_forms() -> None:
    probes = replace(healthy(), display=False, backend=None)
    text = format_report(diagnose(probes))
    assert "XX  Display" in text
    assert "-> without a tray, `claude-tray status` and `claude-tray watch` work in a terminal" in text
    assert text.endswith("1 problem to fix (marked XX)\n")
    assert format_report(diagnose(healthy())).endswith("everything needed is present\n")
    document = report_json(diagnose(probes))
    assert document["ok"] is False
    assert {"topic": "Display", "account": None, "level": "fail"}.items() <= document["findings"][3].items()  # type: ignore[index]


# --------------------------------------------------------------------------- the last-poll record


def status(account: str, health: Health, fetched: datetime | None = None) -> AccountStatus:
    snapshot = None
    if fetched is not None:
        snapshot = UsageSnapshot(account, SourceKind.CLI, fetched, ())
    return AccountStatus(account, health, snapshot, message="m", hint="h")


def test_recorder_keeps_each_accounts_latest_and_other_daemons_accounts(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "state" / "last_poll.json"
    tray, watch = LastPollRecorder(path, clock.now), LastPollRecorder(path, clock.now)
    tray(StatusChange(None, status("work", Health.FRESH, clock.now())))
    watch(StatusChange(None, status("home", Health.OFFLINE)))
    clock.advance(60)
    tray(StatusChange(None, status("work", Health.RATE_LIMITED, clock.now() - timedelta(seconds=60))))
    records = read_records(path)
    assert sorted(records) == ["home", "work"]
    assert records["work"].health is Health.RATE_LIMITED
    assert records["work"].recorded_at == clock.now()
    assert records["work"].fetched_at == clock.now() - timedelta(seconds=60)
    assert records["home"].fetched_at is None
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"format": 99, "accounts": {}}',
        '{"format": 1, "accounts": {"a": {"health": "weird"}}}',
    ],
)
def test_a_broken_record_file_reads_as_nothing_recorded(text: str) -> None:
    assert parse_records(text) == {}


def test_records_round_trip_and_refuse_naive_times() -> None:
    records = {"a": PollRecord("a", Health.STALE, "Data is old", "", NOW, NOW, None)}
    assert parse_records(to_json(records)) == records
    naive = to_json(records).replace("+00:00", "")
    assert parse_records(naive) == {}


# --------------------------------------------------------------------------- real runs


def run_doctor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "doctor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@pytest.fixture
def headless_env() -> dict[str, str]:
    """The isolated HOME, no display and no session bus (as over ssh)."""
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "PYSTRAY_BACKEND"):
        env.pop(name, None)
    return env


def test_doctor_without_display_or_login_says_what_to_fix(
    isolated_home: Path, headless_env: dict[str, str]
) -> None:
    done = run_doctor(env=headless_env)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("XX  Display ") and line.endswith("none ($DISPLAY and $WAYLAND_DISPLAY are unset)")
        for line in lines
    )
    assert any(line.startswith("!!  StatusNotifierWatcher  unknown: no D-Bus session bus") for line in lines)
    assert f"no Claude Code login at {isolated_home}/.claude/.credentials.json" in done.stdout
    assert "not written yet: the defaults apply" in done.stdout
    assert "2 problems to fix" in done.stdout
    assert done.stderr == ""


def test_doctor_reads_the_login_and_the_last_poll_a_watch_recorded(
    isolated_home: Path, headless_env: dict[str, str], server: LoopbackServer, tmp_path: Path
) -> None:
    token = "sk-ant-oat01-doctor-test-token"
    expires_ms = epoch_ms(timedelta(days=30))
    credentials = write_credentials(isolated_home, token, expires_at_ms=expires_ms)
    before = credentials.read_bytes(), credentials.stat().st_mtime_ns
    body = fixture_bytes("api/usage/leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json")
    server.script("/api/oauth/usage", Reply(200, body=body))
    with WatchProcess("--format", "json", env={**headless_env, "CLAUDE_TRAY_API_BASE": server.url}) as watch:
        watch.next_doc(lambda doc: doc["health"] in ("fresh", "stale"))
        assert watch.stop() == 0
    done = run_doctor("--json", env=headless_env)
    assert done.returncode == 1, "still no display"
    findings = json.loads(done.stdout)["findings"]
    by_topic = {(f["topic"], f["account"]): f for f in findings}
    account = by_topic[("Account default", "default")]
    assert account["level"] == "ok"
    expires = datetime.fromtimestamp(expires_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert account["text"].startswith(f"auto -> cli: login found, expires {expires}")
    last = by_topic[("last poll", "default")]
    assert last["level"] in ("ok", "warn")  # fresh, or stale: the fixture's windows reset long ago
    assert "recorded just now" in last["text"]
    assert [f["topic"] for f in findings if f["level"] == "fail"] == ["Display"]
    assert token not in done.stdout + done.stderr
    assert (credentials.read_bytes(), credentials.stat().st_mtime_ns) == before, (
        "read-only toward Claude Code"
    )
    assert server.count() == 1, "doctor itself sends nothing"
