"""The forecast as tables: readings relative to a fixed `now` -> outlook, times and wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from claude_tray.model import UsageWindow, WindowGroup
from claude_tray.usage.forecast import (
    FIVE_HOURS,
    SEVEN_DAYS,
    Forecast,
    Outlook,
    binding_wall,
    current_segment,
    describe,
    describe_pace,
    forecast_all,
    forecast_window,
    pace,
    window_length,
    window_pace,
)
from claude_tray.usage.history import EXTRA_WINDOW, Reading

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # a Sunday
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)


def series(window: str, *points: tuple[timedelta, float | None, timedelta | None]) -> list[Reading]:
    """(age, utilization, resets_in) triples -> readings of one window, in the given order."""
    return [
        Reading("me", window, window, u, None if resets is None else NOW + resets, NOW - age, "cli")
        for age, u, resets in points
    ]


FIVE = "five_hour"
WEEK = "seven_day"

CASES = {
    "rising fast hits before the reset": (
        series(FIVE, (2 * H, 20, 3 * H), (H, 40, 3 * H), (30 * M, 55, 3 * H), (0 * M, 70, 3 * H)),
        Outlook.HITS,
        "at this pace: limit at 13:00, before the reset at 15:00",
    ),
    "slow rise clears with the projected end": (
        series(FIVE, (H, 40, 3 * H), (0 * M, 45, 3 * H)),
        Outlook.CLEARS,
        "won't hit the limit before the reset at 15:00 (ends near 60%)",
    ),
    "flat usage clears at the current value": (
        series(FIVE, (2 * H, 50, 3 * H)),
        Outlook.CLEARS,
        "won't hit the limit before the reset at 15:00 (ends near 50%)",
    ),
    "reset mid-series: only the new window counts": (
        series(FIVE, (3 * H, 90, -30 * M), (40 * M, 95, -30 * M), (20 * M, 2, 270 * M), (0 * M, 6, 270 * M)),
        Outlook.CLEARS,
        "won't hit the limit before the reset at 16:30 (ends near 60%)",
    ),
    "a drop to near zero close to the reset time starts a new window (resets_at lagging)": (
        series(FIVE, (90 * M, 60, 20 * M), (60 * M, 70, 20 * M), (0 * M, 3, 20 * M)),
        Outlook.UNKNOWN,
        "no forecast: not enough history yet",
    ),
    "a partial reading far from the reset is noise, not a new window": (
        series(FIVE, (2 * H, 20, 3 * H), (H, 40, 3 * H), (30 * M, 0, 3 * H), (0 * M, 70, 3 * H)),
        Outlook.HITS,
        "at this pace: limit at 13:00, before the reset at 15:00",
    ),
    "a small dip is noise: the slope runs from the running maximum": (
        series(FIVE, (H, 40, 3 * H), (30 * M, 46, 3 * H), (0 * M, 45, 3 * H)),
        Outlook.CLEARS,
        "won't hit the limit before the reset at 15:00 (ends near 60%)",
    ),
    "status line 81% then the API's 76% keeps the weekly forecast": (
        series(WEEK, (24 * H, 60, 72 * H), (H, 81, 72 * H), (0 * M, 76, 72 * H + 20 * S)),
        Outlook.HITS,
        "at this pace: limit at Tue 00:00, before the reset at Wed 12:00",
    ),
    "resets_at moving on by a whole week is a new window even without a drop to zero": (
        series(WEEK, (48 * H, 70, 24 * H), (0 * M, 30, 24 * H + SEVEN_DAYS)),
        Outlook.UNKNOWN,
        "no forecast: not enough history yet",
    ),
    "ending near 100% never reads as won't hit the limit": (
        series(FIVE, (H, 40, 2 * H), (0 * M, 60, 2 * H)),
        Outlook.CLEARS,
        "at this pace: about at the limit by the reset at 14:00",
    ),
    "full window waits for the reset": (
        series(FIVE, (H, 97, 3 * H), (0 * M, 100, 3 * H)),
        Outlook.AT_LIMIT,
        "at the limit until the reset at 15:00",
    ),
    "one fresh reading without a window start is not a slope": (
        series(WEEK, (5 * M, 12, None)),
        Outlook.UNKNOWN,
        "no forecast: not enough history yet",
    ),
    "the reset time passed since the last reading": (
        series(FIVE, (2 * H, 50, -H)),
        Outlook.UNKNOWN,
        "no forecast: the window has reset since the last reading",
    ),
    "unknown utilization is never a forecast": (
        series(FIVE, (H, None, 3 * H), (0 * M, None, 3 * H)),
        Outlook.UNKNOWN,
        "no forecast: no known value",
    ),
    "weekly from its window start: 50% after four of seven days": (
        series(WEEK, (0 * M, 50, 72 * H)),
        Outlook.CLEARS,
        "won't hit the limit before the reset at Wed 12:00 (ends near 88%)",
    ),
    "weekly rising 20 points a day hits on Tuesday": (
        series(WEEK, (24 * H, 40, 72 * H), (0 * M, 60, 72 * H)),
        Outlook.HITS,
        "at this pace: limit at Tue 12:00, before the reset at Wed 12:00",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_forecast_table(name: str) -> None:
    readings, outlook, text = CASES[name]
    forecast = forecast_window(readings, NOW)
    assert forecast is not None
    assert forecast.outlook is outlook
    assert describe(forecast, NOW, UTC) == text


def test_rates_come_from_the_current_window_only() -> None:
    readings, _, _ = CASES["reset mid-series: only the new window counts"]
    assert [r.utilization for r in current_segment(readings)] == [2, 6]
    forecast = forecast_window(readings, NOW)
    assert forecast is not None
    assert forecast.rate == pytest.approx(12.0)  # 0 % at the window start (30 min ago) -> 6 %


def test_hits_carries_the_limit_time() -> None:
    readings, _, _ = CASES["rising fast hits before the reset"]
    forecast = forecast_window(readings, NOW)
    assert forecast is not None
    assert forecast.rate == pytest.approx(30.0)
    assert forecast.limit_at == NOW + H
    assert forecast.resets_at == NOW + 3 * H


def test_no_readings_no_forecast() -> None:
    assert forecast_window([], NOW) is None


def test_extra_usage_runs_to_the_end_of_the_month() -> None:
    readings = [
        Reading("me", EXTRA_WINDOW, "Extra usage", u, None, NOW - age, "cli")
        for age, u in ((2 * H, 70.0), (0 * M, 90.0))
    ]
    forecast = forecast_window(readings, NOW)
    assert forecast is not None
    assert forecast.resets_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert describe(forecast, NOW, UTC) == "at this pace: limit at 13:00, before the month ends"


def test_december_extra_usage_resets_in_january() -> None:
    december = NOW.replace(month=12)
    readings = [Reading("me", EXTRA_WINDOW, "Extra usage", 1.0, None, december - 2 * H, "cli")]
    forecast = forecast_window(readings, december)
    assert forecast is not None
    assert forecast.resets_at == datetime(2027, 1, 1, tzinfo=UTC)


def f(
    window: str, outlook: Outlook, *, limit_in: timedelta | None = None, ends: float | None = None
) -> Forecast:
    limit_at = NOW + limit_in if limit_in is not None else None
    return Forecast("me", window, window, outlook, 50.0, NOW + 4 * H, 1.0, limit_at, ends)


@pytest.mark.parametrize(
    ("forecasts", "binding"),
    [
        ([f("a", Outlook.HITS, limit_in=2 * H), f("b", Outlook.AT_LIMIT)], "b"),
        ([f("a", Outlook.HITS, limit_in=2 * H), f("b", Outlook.HITS, limit_in=H)], "b"),
        ([f("a", Outlook.CLEARS, ends=64), f("b", Outlook.HITS, limit_in=30 * H)], "b"),
        ([f("a", Outlook.CLEARS, ends=64), f("b", Outlook.CLEARS, ends=81)], "b"),
        ([f("a", Outlook.UNKNOWN), f("b", Outlook.CLEARS, ends=3)], "b"),
        ([f("a", Outlook.UNKNOWN)], None),
        ([], None),
    ],
)
def test_binding_wall_table(forecasts: list[Forecast], binding: str | None) -> None:
    wall = binding_wall(forecasts)
    assert (wall.window if wall else None) == binding


def test_forecast_all_puts_the_binding_wall_first() -> None:
    readings = [
        *CASES["slow rise clears with the projected end"][0],
        *CASES["weekly rising 20 points a day hits on Tuesday"][0],
        *series("weekly_scoped:Fable", (0 * M, 10, None)),
    ]
    windows = [x.window for x in forecast_all(readings, NOW)]
    assert windows == [WEEK, FIVE, "weekly_scoped:Fable"]


@pytest.mark.parametrize(
    ("utilization", "resets_in", "length", "delta", "text"),
    [
        (80.0, 2 * H, FIVE_HOURS, 20.0, "20% ahead of pace"),
        (57.0, 45 * M, FIVE_HOURS, -28.0, "28% behind pace"),  # ClaudeBar#151: 85 % through, healthy
        (53.0, timedelta(days=6.405), SEVEN_DAYS, 44.5, "44% ahead of pace"),  # 8.5 % through the week
        (60.5, 2 * H, FIVE_HOURS, 0.5, "on pace"),
        (10.0, 6 * H, FIVE_HOURS, 10.0, "10% ahead of pace"),  # reset further out than a window: 0 elapsed
        (None, 2 * H, FIVE_HOURS, None, ""),
        (50.0, None, FIVE_HOURS, None, ""),
        (50.0, 2 * H, None, None, ""),
    ],
)
def test_pace_table(
    utilization: float | None,
    resets_in: timedelta | None,
    length: timedelta | None,
    delta: float | None,
    text: str,
) -> None:
    resets_at = NOW + resets_in if resets_in is not None else None
    got = pace(utilization, resets_at, length, NOW)
    assert got == (pytest.approx(delta) if delta is not None else None)
    assert describe_pace(got) == text


def test_window_pace_uses_the_window_length_from_its_key() -> None:
    window = UsageWindow("seven_day", "Weekly", 50.0, NOW + timedelta(days=3.5), WindowGroup.WEEKLY)
    assert window_pace(window, NOW) == pytest.approx(0.0)
    assert window_length("five_hour") == FIVE_HOURS
    assert window_length("weekly_scoped:Fable") == SEVEN_DAYS
    assert window_length("seven_day_opus") == SEVEN_DAYS
    assert window_length("iguana_necktie") is None


def test_account_wall_counts_the_snapshot_on_screen_as_the_latest_reading() -> None:
    from claude_tray.model import ExtraUsage, SourceKind, UsageSnapshot
    from claude_tray.usage.forecast import account_wall, forecast_json

    stored = series(FIVE, (H, 40, 3 * H))  # history stored 40 % an hour ago
    snapshot = UsageSnapshot(
        "me",
        SourceKind.CLI,
        NOW,
        (UsageWindow(FIVE, FIVE, 70.0, NOW + 3 * H, WindowGroup.SESSION),),
        ExtraUsage(enabled=True, used=5.0, limit=100.0, currency="USD", utilization=5.0),
    )
    wall = account_wall(stored, snapshot, NOW)
    assert wall is not None
    assert (wall.window, wall.outlook, wall.limit_at) == (FIVE, Outlook.HITS, NOW + H)
    assert forecast_json(wall, NOW, UTC) == {
        "window": FIVE,
        "label": FIVE,
        "outlook": "hits",
        "limit_at": (NOW + H).isoformat(),
        "resets_at": (NOW + 3 * H).isoformat(),
        "ends_near": None,
        "rate_per_hour": pytest.approx(30.0),
        "text": "at this pace: limit at 13:00, before the reset at 15:00",
    }
    assert account_wall([], None, NOW) is None


def test_the_menu_shows_the_binding_wall_first_and_offers_the_history() -> None:
    from claude_tray.model import AccountStatus, Health, SourceKind, UsageSnapshot
    from claude_tray.settings.model import Settings
    from claude_tray.tray.menu import Action, MenuContribution, MenuEntry
    from claude_tray.tray.view import build_view
    from claude_tray.usage.forecast import account_wall

    windows = (
        UsageWindow(FIVE, "5-hour", 70.0, NOW + 3 * H, WindowGroup.SESSION),
        UsageWindow(WEEK, "Weekly", 60.0, NOW + 72 * H, WindowGroup.WEEKLY),
    )
    status = AccountStatus("me", Health.FRESH, UsageSnapshot("me", SourceKind.CLI, NOW, windows))
    stored = series(FIVE, (H, 40, 3 * H))
    wall = account_wall(stored, status.snapshot, NOW)
    assert wall is not None
    history = (MenuEntry("Show history...", Action.SHOW_HISTORY),)
    view = build_view([status], Settings(), NOW, tz=UTC, menu=MenuContribution({"me": wall}, actions=history))
    labels = [e.label for e in view.menu if not e.separator]
    assert labels[0] == "5-hour: at this pace: limit at 13:00, before the reset at 15:00"
    assert labels[1].startswith("5-hour: 70%")
    history = [e for e in view.menu if e.action is Action.SHOW_HISTORY]
    assert [e.label for e in history] == ["Show history..."]
    plain = build_view([status], Settings(), NOW, tz=UTC)
    assert not [e for e in plain.menu if e.action is Action.SHOW_HISTORY]
    assert plain.menu[0].label.startswith("5-hour: 70%")


def test_the_headline_names_only_windows_in_the_current_reading() -> None:
    """History knows an Opus weekly from the API; the status line's reading has no Opus row."""
    from claude_tray.model import SourceKind, UsageSnapshot
    from claude_tray.usage.forecast import account_forecasts, account_wall

    opus = "seven_day_opus"
    stored = series(opus, (24 * H, 40, 72 * H), (H, 90, 72 * H)) + series(FIVE, (H, 10, 3 * H))
    windows = (UsageWindow(FIVE, FIVE, 12.0, NOW + 3 * H, WindowGroup.SESSION),)
    snapshot = UsageSnapshot("me", SourceKind.STATUSLINE, NOW, windows)
    assert {f.window for f in account_forecasts(stored, snapshot, NOW)} == {FIVE}
    wall = account_wall(stored, snapshot, NOW)
    assert wall is not None and wall.window == FIVE
    empty = UsageSnapshot("me", SourceKind.STATUSLINE, NOW, ())
    assert account_wall(stored, empty, NOW) is None  # no window shown: no forecast named


def test_a_dip_never_hides_the_weekly_wall_behind_a_clearing_window() -> None:
    """The issue's sequence: after 81 % -> 76 % the weekly still binds, not "won't hit"."""
    from claude_tray.model import SourceKind, UsageSnapshot
    from claude_tray.usage.forecast import account_wall

    stored = series(WEEK, (24 * H, 60, 72 * H), (H, 81, 72 * H)) + series(FIVE, (2 * H, 10, 3 * H))
    windows = (
        UsageWindow(FIVE, FIVE, 10.0, NOW + 3 * H, WindowGroup.SESSION),
        UsageWindow(WEEK, WEEK, 76.0, NOW + 72 * H, WindowGroup.WEEKLY),
    )
    wall = account_wall(stored, UsageSnapshot("me", SourceKind.CLI, NOW, windows), NOW)
    assert wall is not None
    assert (wall.window, wall.outlook) == (WEEK, Outlook.HITS)


def test_the_menu_drops_a_cached_wall_for_a_window_the_reading_lacks() -> None:
    from claude_tray.model import AccountStatus, Health, SourceKind, UsageSnapshot
    from claude_tray.settings.model import Settings
    from claude_tray.tray.menu import MenuContribution
    from claude_tray.tray.view import build_view

    opus = Forecast(
        "me", "seven_day_opus", "Opus weekly", Outlook.HITS, 90.0, NOW + 72 * H, 1.0, NOW + 10 * H
    )
    windows = (UsageWindow(FIVE, "5-hour", 12.0, NOW + 3 * H, WindowGroup.SESSION),)
    status = AccountStatus("me", Health.FRESH, UsageSnapshot("me", SourceKind.STATUSLINE, NOW, windows))
    view = build_view([status], Settings(), NOW, tz=UTC, menu=MenuContribution({"me": opus}))
    assert not [e.label for e in view.menu if "Opus" in e.label]
