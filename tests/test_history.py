"""The history database (real SQLite files in tmp), its listener, and the `history` command."""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from claude_tray.commands.history import parse_since
from claude_tray.model import (
    AccountStatus,
    ExtraUsage,
    Health,
    SourceKind,
    StatusChange,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.usage.history import EXTRA_WINDOW, History, HistoryListener, Reading, default_path
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply

RESET = datetime(2026, 11, 22, 15, 0, 0, 521744, tzinfo=UTC)
WEEK_RESET = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def snapshot(
    at: datetime,
    five: float | None = 42.0,
    week: float = 60.0,
    *,
    account: str = "me",
    reset: datetime = RESET,
    used: float | None = 12.5,
) -> UsageSnapshot:
    windows = (
        UsageWindow("five_hour", "5-hour", five, reset, WindowGroup.SESSION),
        UsageWindow("seven_day", "Weekly", week, WEEK_RESET, WindowGroup.WEEKLY),
    )
    extra = ExtraUsage(True, used, 50.0, "USD", None if used is None else used * 2)
    return UsageSnapshot(account, SourceKind.CLI, at, windows, extra)


def fresh(snap: UsageSnapshot, previous: UsageSnapshot | None = None) -> StatusChange:
    before = AccountStatus(snap.account, Health.FRESH, previous) if previous else None
    return StatusChange(before, AccountStatus(snap.account, Health.FRESH, snap))


def count(path: Path, table: str = "readings") -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def listener(db: Path, clock: FakeClock) -> HistoryListener:
    return HistoryListener(History(db), clock.now, retention_days=90)


def test_first_snapshot_creates_a_wal_database_with_one_row_per_window(
    db: Path, listener: HistoryListener, clock: FakeClock
) -> None:
    listener(fresh(snapshot(clock.now())))
    assert count(db) == 2
    assert count(db, "extra_usage") == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = History(db).readings()
    assert {(r.window, r.utilization, r.resets_at) for r in rows} == {
        ("five_hour", 42.0, RESET),
        ("seven_day", 60.0, WEEK_RESET),
    }
    assert all(r.fetched_at == clock.now() and r.source == "cli" for r in rows)


def test_only_changed_values_are_appended(db: Path, listener: HistoryListener, clock: FakeClock) -> None:
    first = snapshot(clock.now())
    listener(fresh(first))
    for _ in range(5):  # five more polls, nothing moved (reset time jitters by microseconds)
        clock.advance(300)
        listener(fresh(snapshot(clock.now(), reset=RESET + timedelta(microseconds=20)), first))
    assert (count(db), count(db, "extra_usage")) == (2, 1)
    clock.advance(300)
    listener(fresh(snapshot(clock.now(), five=44.0), first))
    assert (count(db), count(db, "extra_usage")) == (3, 1)
    clock.advance(300)
    listener(fresh(snapshot(clock.now(), five=44.0, used=20.0), first))
    assert (count(db), count(db, "extra_usage")) == (3, 2)
    clock.advance(300)
    listener(fresh(snapshot(clock.now(), five=44.0, used=20.0, reset=RESET + timedelta(hours=5)), first))
    assert count(db) == 4  # a reset time that really moved is a change
    assert [r.utilization for r in History(db).readings(window="five_hour")] == [42.0, 44.0, 44.0]


def test_unknown_values_are_stored_as_unknown_not_zero(
    db: Path, listener: HistoryListener, clock: FakeClock
) -> None:
    listener(fresh(snapshot(clock.now(), five=None)))
    five = History(db).readings(window="five_hour")
    assert [r.utilization for r in five] == [None]


@pytest.mark.parametrize(
    "health", [Health.STALE, Health.RATE_LIMITED, Health.OFFLINE, Health.UNAUTHORIZED, Health.ERROR]
)
def test_only_fresh_snapshots_are_recorded(
    db: Path, listener: HistoryListener, clock: FakeClock, health: Health
) -> None:
    snap = snapshot(clock.now())
    listener(StatusChange(None, AccountStatus("me", health, snap)))
    listener(StatusChange(None, AccountStatus("me", Health.STARTING)))
    assert not db.exists()


def test_retention_is_pruned_when_the_listener_starts(db: Path, clock: FakeClock) -> None:
    history = History(db)
    old, kept = clock.now() - timedelta(days=91), clock.now() - timedelta(days=89)
    history.append(
        [Reading("me", "five_hour", "5-hour", 10.0, None, at, "cli") for at in (old, kept)],
        (),
    )
    listener = HistoryListener(history, clock.now, retention_days=90)
    listener(fresh(snapshot(clock.now())))
    assert [r.fetched_at for r in history.readings(window="five_hour")] == [kept, clock.now()]


def test_a_restart_does_not_store_unchanged_values_again(db: Path, clock: FakeClock) -> None:
    HistoryListener(History(db), clock.now)(fresh(snapshot(clock.now())))
    clock.advance(600)
    restarted = HistoryListener(History(db), clock.now)
    restarted(fresh(snapshot(clock.now(), week=61.0)))
    assert count(db) == 3  # only the weekly change
    recent = restarted.recent("me")
    assert [(r.window, r.utilization) for r in recent if r.window == "seven_day"] == [
        ("seven_day", 60.0),
        ("seven_day", 61.0),
    ]
    assert [r.utilization for r in recent if r.window == EXTRA_WINDOW] == [25.0]  # loaded from disk


def test_recent_keeps_about_a_day_in_memory(listener: HistoryListener, clock: FakeClock) -> None:
    previous = None
    for step in range(40):  # 40 hours of a value that changes every hour
        snap = snapshot(clock.now(), five=float(step % 100))
        listener(fresh(snap, previous))
        previous = snap
        clock.advance(3600)
    five = [r for r in listener.recent("me") if r.window == "five_hour"]
    assert 24 <= len(five) <= 27
    assert listener.recent("nobody") == ()


def test_a_broken_database_costs_a_log_line_not_the_daemon(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "history.sqlite3"
    blocked.mkdir()  # a directory where the file should be: every connect fails
    listener = HistoryListener(History(blocked), clock.now)
    with caplog.at_level(logging.WARNING, logger="claude_tray.usage.history"):
        for step in range(3):
            listener(fresh(snapshot(clock.now(), five=float(step))))
            clock.advance(300)
    assert len(caplog.records) == 1
    assert "kept in memory only" in caplog.records[0].getMessage()
    assert [r.utilization for r in listener.recent("me") if r.window == "five_hour"] == [0.0, 1.0, 2.0]


def test_queries_filter_by_account_window_and_time(db: Path, clock: FakeClock) -> None:
    listener = HistoryListener(History(db), clock.now)
    start = clock.now()
    for step in range(4):
        listener(fresh(snapshot(clock.now(), five=float(step), account="work")))
        listener(fresh(snapshot(clock.now(), five=float(step), account="home")))
        clock.advance(3600)
    history = History(db)
    assert len(history.readings(account="work", window="five_hour")) == 4
    assert len(history.readings(account="home", since=start + timedelta(hours=2))) == 2
    assert {e.account for e in history.extras()} == {"work", "home"}


# ------------------------------------------------------------------- the command, as a subprocess


def _history(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "history", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def recorded() -> datetime:
    """Two accounts' worth of history in the real data dir (XDG_DATA_HOME points into tmp)."""
    now = datetime.now(UTC).replace(microsecond=0)
    listener = HistoryListener(History(default_path()), lambda: now)
    for hours, five in ((30, 5.0), (3, 20.0), (1, 30.0)):
        listener.record(snapshot(now - timedelta(hours=hours), five=five, reset=now + timedelta(hours=2)))
    listener.record(snapshot(now - timedelta(hours=1), five=70.0, account="work"))
    return now


def test_history_json_export(recorded: datetime) -> None:
    result = _history("--json", "--account", "me", "--since", "2d")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["version"] == 1
    five = [r for r in document["readings"] if r["window"] == "five_hour"]
    assert [r["utilization"] for r in five] == [5.0, 20.0, 30.0]
    assert {r["account"] for r in document["readings"]} == {"me"}
    assert five[0]["fetched_at"] == (recorded - timedelta(hours=30)).isoformat()
    assert document["extra_usage"][0] == {
        "account": "me",
        "enabled": True,
        "used": 12.5,
        "limit": 50.0,
        "currency": "USD",
        "utilization": 25.0,
        "fetched_at": (recorded - timedelta(hours=30)).isoformat(),
        "source": "cli",
    }


def test_history_csv_export_with_since(recorded: datetime) -> None:
    result = _history("--csv", "--since", "24h")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["account"], r["window"], r["utilization"]) for r in rows} == {
        ("me", "five_hour", "20.0"),
        ("me", "five_hour", "30.0"),
        ("work", "five_hour", "70.0"),
        ("work", "seven_day", "60.0"),
        ("work", "extra_usage", "25.0"),
    }
    extra = next(r for r in rows if r["window"] == "extra_usage")
    assert (extra["used"], extra["limit"], extra["currency"]) == ("12.5", "50.0", "USD")
    assert [r["fetched_at"] for r in rows] == sorted(r["fetched_at"] for r in rows)


def test_history_listing_and_chart(recorded: datetime, tmp_path: Path) -> None:
    result = _history("--account", "me")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("me: ")
    assert "5-hour" in result.stdout and "the reset at" in result.stdout
    out = tmp_path / "chart.png"
    chart = _history("--chart", str(out))
    assert chart.returncode == 0, chart.stderr
    with Image.open(out) as image:
        assert (image.format, image.size) == ("PNG", (900, 600))
    assert out.stat().st_mode & 0o777 == 0o600  # the person's usage pattern, like the history itself


def test_history_without_a_database_says_so_and_creates_nothing() -> None:
    result = _history()
    assert result.returncode == 0
    assert "no history" in result.stdout
    assert not default_path().exists()
    empty = json.loads(_history("--json").stdout)
    assert (empty["readings"], empty["extra_usage"]) == ([], [])


def test_bad_since_is_one_clear_line() -> None:
    result = _history("--since", "yesterday-ish")
    assert result.returncode == 2
    assert "use 90m, 24h, 7d, 2w or a date" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_parse_since_relative(text: str, expected: timedelta) -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert parse_since(text, now) == now - expected


def test_parse_since_absolute() -> None:
    assert parse_since("2026-11-01T00:00:00+00:00") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_since("2026-11-01").tzinfo is not None  # a bare date is local midnight


# ------------------------------------------------- `status` records history and shows the binding wall


def _usage_body(five: float, reset: datetime, week: float, week_reset: datetime) -> bytes:
    return json.dumps(
        {
            "five_hour": {"utilization": five, "resets_at": reset.isoformat()},
            "seven_day": {"utilization": week, "resets_at": week_reset.isoformat()},
        }
    ).encode()


def test_status_records_each_reading_and_forecasts_the_binding_wall(
    server: LoopbackServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claude = isolated_home / ".claude"
    claude.mkdir()
    token = {
        "accessToken": "sk-ant-oat01-history-test",
        "expiresAt": 4102444800000,
        "scopes": ["user:profile"],
    }
    (claude / ".credentials.json").write_text(json.dumps({"claudeAiOauth": token}))
    monkeypatch.setenv("CLAUDE_TRAY_API_BASE", server.url)
    now = datetime.now(UTC)
    # an hour ago the daemon stored 40 %; the window started 2 h ago and resets in 3 h
    HistoryListener(History(default_path()), lambda: now).record(
        snapshot(
            now - timedelta(hours=1), five=40.0, week=20.0, reset=now + timedelta(hours=3), account="default"
        )
    )
    body = _usage_body(70.0, now + timedelta(hours=3), 20.0, now + timedelta(days=6))
    server.script("/api/oauth/usage", Reply(200, body=body))

    result = subprocess.run(
        [sys.executable, "-m", "claude_tray", "status", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    account = json.loads(result.stdout)["accounts"][0]
    forecast = account["forecast"]
    assert (forecast["window"], forecast["outlook"]) == ("five_hour", "hits")
    assert forecast["text"].startswith("at this pace: limit at ")
    limit_at = datetime.fromisoformat(forecast["limit_at"])
    assert abs((limit_at - (now + timedelta(hours=1))).total_seconds()) < 120  # 30 points/h, 30 left
    five = History(default_path()).readings(account="default", window="five_hour")
    assert [r.utilization for r in five] == [
        40.0,
        70.0,
    ]  # the new reading was recorded; unchanged week was not
    assert len(History(default_path()).readings(window="seven_day")) == 2  # reset time moved: a change

    text = subprocess.run(
        [sys.executable, "-m", "claude_tray", "status"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "5-hour: at this pace: limit at" in text.stdout.splitlines()[1]


# ------------------------------------------------------------- the daemon's part: record, forecast, show


def test_forecaster_records_and_keeps_each_accounts_binding_wall(db: Path, clock: FakeClock) -> None:
    from claude_tray.app.parts.history import Forecaster
    from claude_tray.settings.model import Settings

    forecaster = Forecaster(Settings, clock.now, History(db))
    reset = clock.now() + timedelta(hours=3)
    forecaster(fresh(snapshot(clock.now(), five=40.0, reset=reset)))
    clock.advance(3600)
    forecaster(fresh(snapshot(clock.now(), five=70.0, reset=reset)))
    wall = forecaster.walls()["me"]
    assert (wall.window, wall.limit_at) == ("five_hour", clock.now() + timedelta(hours=1))
    assert count(db) == 3  # 40 -> 70 on the 5-hour window, the weekly value once


def test_forecaster_with_history_off_stores_nothing_but_still_forecasts(db: Path, clock: FakeClock) -> None:
    from claude_tray.app.parts.history import Forecaster
    from claude_tray.settings.model import HistorySettings, Settings

    off = Settings(history=HistorySettings(enabled=False))
    forecaster = Forecaster(lambda: off, clock.now, History(db))
    # 50 % two hours into a 5-hour window: the window's own average pace (25 points/h)
    forecaster(fresh(snapshot(clock.now(), five=50.0, reset=clock.now() + timedelta(hours=3))))
    assert not db.exists()
    wall = forecaster.walls()["me"]
    assert wall.window == "five_hour" and wall.limit_at == clock.now() + timedelta(hours=2)


def test_show_history_draws_into_the_cache_dir_and_opens_it(db: Path, clock: FakeClock) -> None:
    from claude_tray.app.parts.history import show_history
    from claude_tray.paths import cache_dir
    from claude_tray.settings.model import Settings

    history = History(db)
    HistoryListener(history, clock.now)(fresh(snapshot(clock.now() - timedelta(hours=2))))
    opened: list[Path] = []
    show_history(history, Settings(), clock.now(), opened.append)
    assert opened == [cache_dir() / "history.png"]
    with Image.open(opened[0]) as image:
        assert image.size == (900, 600)


def test_watch_records_what_changed(server: LoopbackServer, isolated_home: Path, tmp_path: Path) -> None:
    from tests.support.watch import WatchProcess, write_credentials

    write_credentials(isolated_home, "sk-ant-oat01-watch-history-test")
    config = tmp_path / "config.toml"
    config.write_text("[general]\npoll_interval = 0.5\n", encoding="utf-8")
    reset = datetime.now(UTC) + timedelta(hours=3)
    week = datetime.now(UTC) + timedelta(days=3)
    server.script(
        "/api/oauth/usage",
        Reply(200, body=_usage_body(10.0, reset, 50.0, week)),
        Reply(200, body=_usage_body(10.0, reset, 50.0, week)),
        Reply(200, body=_usage_body(12.0, reset, 50.0, week)),
    )
    env = {
        "CLAUDE_TRAY_MIN_INTERVAL": "0.5",
        "CLAUDE_TRAY_CONFIG": str(config),
        "CLAUDE_TRAY_API_BASE": server.url,
    }
    with WatchProcess("--format", "json", env=env) as watch:
        watch.next_doc(lambda doc: any(w["utilization"] == 12.0 for w in doc["windows"]))
        assert watch.stop() == 0
    five = History(default_path()).readings(window="five_hour")
    assert [r.utilization for r in five] == [10.0, 12.0]  # three polls, two distinct values
    assert len(History(default_path()).readings(window="seven_day")) == 1


def test_history_of_an_unknown_account_is_an_error(recorded: datetime) -> None:
    result = _history("--account", "nobody")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no account named 'nobody'" in result.stderr
    assert "default" in result.stderr and "me" in result.stderr and "work" in result.stderr
    assert _history("--account", "work", "--json").returncode == 0, "an account only in the history is known"
    assert _history("--account", "default", "--json").returncode == 0, "a configured account is known"
