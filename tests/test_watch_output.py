"""What ``watch`` prints: waybar_json (pure) and the listener that writes lines."""

from __future__ import annotations

import io
import json
import queue
import threading
from datetime import UTC, datetime, timedelta

from claude_tray.commands.watch import _Printer
from claude_tray.model import (
    AccountStatus,
    Health,
    SourceKind,
    StatusChange,
    Thresholds,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.report.status import waybar_json
from claude_tray.settings.model import Settings
from tests.support.clock import FakeClock

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def snapshot(five: float | None, week: float | None, opus: float | None = None) -> UsageSnapshot:
    windows = [
        UsageWindow("five_hour", "5-hour", five, NOW + timedelta(hours=2), WindowGroup.SESSION),
        UsageWindow("seven_day", "Weekly", week, NOW + timedelta(days=3), WindowGroup.WEEKLY),
    ]
    if opus is not None:
        windows.append(UsageWindow("seven_day_opus", "Opus weekly", opus, None, WindowGroup.MODEL))
    return UsageSnapshot("work", SourceKind.CLI, NOW - timedelta(minutes=3), tuple(windows))


def test_fresh_line() -> None:
    doc = waybar_json(AccountStatus("work", Health.FRESH, snapshot(42.0, 17.4)), Thresholds(), NOW, UTC)
    assert doc["text"] == "5h 42% · 7d 17%"
    assert doc["class"] == ["fresh", "calm"]
    assert doc["percentage"] == 42
    tooltip = str(doc["tooltip"])
    assert tooltip.splitlines()[0] == "work: updated 11:57"
    assert "5-hour: 42%, resets 14:00" in tooltip
    assert "via usage API" in tooltip


def test_class_follows_the_fullest_of_all_windows() -> None:
    doc = waybar_json(
        AccountStatus("work", Health.FRESH, snapshot(10.0, 20.0, opus=96.0)), Thresholds(), NOW, UTC
    )
    assert doc["class"] == ["fresh", "critical"]
    assert doc["percentage"] == 96


def test_no_data_is_never_zero_percent() -> None:
    status = AccountStatus("work", Health.UNAUTHORIZED, None, "Login expired", "open Claude Code once")
    doc = waybar_json(status, Thresholds(), NOW, UTC)
    assert doc["text"] == "login problem"
    assert doc["class"] == ["unauthorized"]
    assert "percentage" not in doc
    assert "0%" not in json.dumps(doc)
    assert "Login expired [unauthorized]: open Claude Code once" in str(doc["tooltip"])
    unknown = waybar_json(AccountStatus("work", Health.FRESH, snapshot(None, None)), Thresholds(), NOW, UTC)
    assert unknown["text"] == "5h ? · 7d ?"
    assert "percentage" not in unknown


def test_kept_data_says_its_state() -> None:
    status = AccountStatus(
        "work", Health.RATE_LIMITED, snapshot(80.0, 50.0), "Rate limited", "next try 12:30"
    )
    doc = waybar_json(status, Thresholds(), NOW, UTC)
    assert doc["text"] == "5h 80% · 7d 50% (rate limited)"
    assert doc["class"] == ["rate_limited", "warn"]


def printer(fmt: str, out: io.StringIO, followed: str | None = None) -> tuple[_Printer, threading.Event]:
    stop = threading.Event()
    nudges: queue.SimpleQueue[str] = queue.SimpleQueue()
    return _Printer(fmt, followed, Settings(), FakeClock(), out, stop, nudges), stop


def test_printer_writes_one_json_line_per_visible_change() -> None:
    out = io.StringIO()
    listener, _ = printer("json", out)
    first = AccountStatus("work", Health.FRESH, snapshot(42.0, 17.0))
    listener(StatusChange(None, first))
    moved = AccountStatus("work", Health.FRESH, snapshot(42.0, 17.0), changed_at=NOW)
    listener(StatusChange(first, moved))  # changed_at is not in the line: nothing new to print
    listener(StatusChange(moved, AccountStatus("work", Health.OFFLINE, snapshot(42.0, 17.0), "Offline")))
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["health"] for line in lines] == ["fresh", "offline"]


def test_waybar_printer_follows_one_account() -> None:
    out = io.StringIO()
    listener, _ = printer("waybar", out, followed="work")
    listener(StatusChange(None, AccountStatus("home", Health.FRESH, snapshot(1.0, 2.0))))
    listener(StatusChange(None, AccountStatus("work", Health.FRESH, snapshot(42.0, 17.0))))
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["text"] == "5h 42% · 7d 17%"


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_closed_reader_stops_watch() -> None:
    listener, stop = printer("json", ClosedPipe())
    listener(StatusChange(None, AccountStatus("work", Health.FRESH, snapshot(42.0, 17.0))))
    assert stop.is_set()


def test_json_lines_carry_forecast_and_sessions_like_status_json() -> None:
    from claude_tray.usage.forecast import Forecast, Outlook

    out = io.StringIO()
    listener, _ = printer("json", out)
    wall = Forecast("work", "five_hour", "5-hour", Outlook.HITS, 42.0, NOW + timedelta(hours=2), 30.0, NOW)
    listener.walls = lambda: {"work": wall}
    listener(StatusChange(None, AccountStatus("work", Health.FRESH, snapshot(42.0, 17.0))))
    listener(StatusChange(None, AccountStatus("home", Health.FRESH, snapshot(1.0, 2.0))))
    work, home = (json.loads(line) for line in out.getvalue().splitlines())
    assert work["forecast"]["outlook"] == "hits" and work["forecast"]["window"] == "five_hour"
    assert home["forecast"] is None  # the key is there, as in status --json
    assert work["sessions"] == [] and home["sessions"] == []
