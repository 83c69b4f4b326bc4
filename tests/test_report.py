"""The shared readout: JSON shape and the readable text, with a fixed clock and time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from claude_tray.model import (
    AccountStatus,
    ExtraUsage,
    Health,
    SourceKind,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.report.formats import format_duration, format_percent
from claude_tray.report.status import account_json, format_text, status_document
from claude_tray.report.wording import extra_text, format_clock, format_money, format_reset

NOW = datetime(2026, 11, 22, 12, 16, tzinfo=UTC)  # a Sunday
SNAPSHOT = UsageSnapshot(
    "work",
    SourceKind.CLI,
    datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
    (
        UsageWindow("five_hour", "5-hour", 48.0, NOW + timedelta(hours=2, minutes=14), WindowGroup.SESSION),
        UsageWindow(
            "seven_day", "Weekly", 64.5, datetime(2026, 11, 27, 6, 0, tzinfo=UTC), WindowGroup.WEEKLY
        ),
        UsageWindow("weekly_scoped:Fable", "Fable weekly", 5.0, None, WindowGroup.MODEL),
    ),
    ExtraUsage(True, 47.52, 140.0, "USD", 33.94),
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0s"),
        (45, "45s"),
        (840, "14m"),
        (3600, "1h"),
        (8040, "2h 14m"),
        (86400 * 3 + 3600 * 4 + 59, "3d 4h"),
        (86400, "1d"),
    ],
)
def test_durations(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_clock_and_reset_wording() -> None:
    assert format_clock(NOW + timedelta(hours=2, minutes=14), NOW, UTC) == "14:30"
    assert format_clock(datetime(2026, 11, 27, 6, 0, tzinfo=UTC), NOW, UTC) == "Fri 06:00"
    assert format_clock(datetime(2026, 12, 2, 15, 40, tzinfo=UTC), NOW, UTC) == "2 Dec 15:40"
    assert format_clock(NOW, NOW, timezone(timedelta(hours=-5))) == "07:16"
    assert format_reset(NOW + timedelta(hours=2, minutes=14), NOW, UTC) == "resets in 2h 14m (14:30)"
    assert format_reset(NOW - timedelta(minutes=1), NOW, UTC) == "reset due (12:15)"


def test_numbers_and_money() -> None:
    assert [format_percent(v) for v in (None, 0.0, 12.5, 99.4, 104.0)] == ["?", "0%", "13%", "99%", "104%"]
    assert format_money(1234.5, "EUR") == "€1,234.50"
    assert format_money(7.63, "CHF") == "7.63 CHF"
    assert extra_text(ExtraUsage(True, 47.52, 140.0, "USD", 33.94)) == "$47.52 of $140.00 (34%)"
    assert extra_text(ExtraUsage(True, 12.0, None, "USD", None)) == "$12.00 spent, uncapped"
    assert extra_text(ExtraUsage(False, 1.0, 2.0, "USD", 50.0)) == "off"
    assert extra_text(ExtraUsage(True, 3.25, 20.5, "USD", 15.85, currency_assumed=True)).endswith(
        "USD assumed)"
    )


def test_fresh_text() -> None:
    text = format_text([AccountStatus("work", Health.FRESH, SNAPSHOT)], NOW, UTC)
    assert text.splitlines() == [
        "work (via usage API): updated 12:00",
        "  5-hour          48%  resets in 2h 14m (14:30)",
        "  Weekly          65%  resets in 4d 17h (Fri 06:00)",
        "  Fable weekly     5%",
        "  Extra usage   $47.52 of $140.00 (34%)",
    ]


def test_not_fresh_text_shows_state_and_hint_and_keeps_the_last_good_numbers() -> None:
    limited = AccountStatus("work", Health.RATE_LIMITED, SNAPSHOT, "Rate limited", "next try 12:30")
    lines = format_text(
        [limited, AccountStatus("home", Health.NO_CREDENTIALS, source=SourceKind.WEB)], NOW, UTC
    ).splitlines()
    assert lines[0] == "work (via usage API): Rate limited [rate_limited]: next try 12:30"
    assert lines[1] == "  last reading 16m ago (12:00)"  # the age of the numbers below
    assert lines[2].startswith("  5-hour          48%")
    assert lines[-2:] == ["home (via claude.ai session): no credentials [no_credentials]", "  no data yet"]


def test_json_shape() -> None:
    document = status_document(
        [
            AccountStatus("work", Health.FRESH, SNAPSHOT),
            AccountStatus(
                "home",
                Health.UNAUTHORIZED,
                message="Login expired",
                hint="open Claude Code",
                source=SourceKind.KEYCHAIN,
            ),
        ]
    )
    assert document["version"] == 2
    work, home = document["accounts"]  # type: ignore[misc]
    assert work["windows"][0] == {
        "key": "five_hour",
        "label": "5-hour",
        "utilization": 48.0,
        "resets_at": "2026-11-22T14:30:00+00:00",
        "group": "session",
        "utilization_computed": False,
        "dollars": None,
        "locked_reason": None,
        "active": None,
        "drives_icon": True,
        "read_at": None,
    }
    assert work["extra_usage"] == {
        "enabled": True,
        "used": 47.52,
        "limit": 140.0,
        "currency": "USD",
        "utilization": 33.94,
        "currency_assumed": False,
        "state": "on",
        "disabled_reason": None,
        "user_disabled": None,
        "spend_limit_reached": None,
    }
    assert work["seven_day_breakdown"] is None
    assert (work["health"], work["message"], work["fetched_at"], work["source"]) == (
        "fresh",
        None,
        "2026-11-22T12:00:00+00:00",
        "cli",
    )
    assert home == account_json(
        AccountStatus(
            "home",
            Health.UNAUTHORIZED,
            message="Login expired",
            hint="open Claude Code",
            source=SourceKind.KEYCHAIN,
        )
    )
    assert (home["source"], home["health"], home["message"], home["windows"], home["extra_usage"]) == (
        "keychain",
        "unauthorized",
        "Login expired",
        [],
        None,
    )
    required = {"name", "source", "health", "message", "fetched_at", "windows", "extra_usage"}
    assert required <= set(work) and required <= set(home)
