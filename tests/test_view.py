"""The tray view model: a pure function of (statuses, settings, now), tested as tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from claude_tray.model import (
    AccountStatus,
    ExtraUsage,
    Health,
    IconSpec,
    Severity,
    SourceKind,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.settings.model import AccountSettings, GeneralSettings, IconSettings, Settings
from claude_tray.tray.menu import Action, MenuEntry, TrayView
from claude_tray.tray.view import build_view

NOW = datetime(2026, 11, 22, 12, 15, 37, tzinfo=UTC)


def snapshot(
    five: float | None = 42.4,
    week: float | None = 85.0,
    *,
    account: str = "default",
    age: timedelta = timedelta(minutes=3),
    five_reset: timedelta | None = timedelta(hours=2, minutes=14, seconds=30),
    extra: ExtraUsage | None = None,
    models: tuple[UsageWindow, ...] = (),
) -> UsageSnapshot:
    windows = (
        UsageWindow(
            "five_hour", "5-hour", five, NOW + five_reset if five_reset else None, WindowGroup.SESSION
        ),
        UsageWindow("seven_day", "Weekly", week, NOW + timedelta(days=3, hours=4), WindowGroup.WEEKLY),
        *models,
    )
    return UsageSnapshot(account, SourceKind.CLI, NOW - age, windows, extra)


def fresh(account: str = "default", **kw: object) -> AccountStatus:
    return AccountStatus(account, Health.FRESH, snapshot(account=account, **kw))  # type: ignore[arg-type]


def labels(entries: tuple[MenuEntry, ...]) -> list[str]:
    return [e.label for e in entries if not e.separator]


def view_of(*statuses: AccountStatus, settings: Settings | None = None, **kw: object) -> TrayView:
    return build_view(list(statuses), settings or Settings(), NOW, tz=UTC, **kw)  # type: ignore[arg-type]


def test_one_fresh_account_reads_like_the_issue() -> None:
    extra = ExtraUsage(True, 47.52, 140.0, "USD", 33.9)
    opus = UsageWindow("seven_day_opus", "Opus weekly", 12.0, NOW + timedelta(days=2), WindowGroup.MODEL)
    view = view_of(fresh(extra=extra, models=(opus,)))
    assert labels(view.menu)[:5] == [
        "5-hour: 42% · resets in 2h 14m (14:30) · 13% behind pace",
        "Weekly: 85% · resets in 3d 4h (Wed 16:15) · 30% ahead of pace",
        "Opus weekly: 12% · resets in 2d (Tue 12:15) · 59% behind pace",
        "Extra usage: $47.52 of $140.00 (34%)",
        "updated 3m ago · via usage API",
    ]
    assert view.title == "Claude usage: 5-hour 42% · Weekly 85%"
    info = [e for e in view.menu if not e.separator and e.action is None]
    assert all(not e.enabled for e in info)


def test_actions_and_their_order() -> None:
    view = view_of(fresh(), autostart=True)
    actions = [(e.label, e.action, e.checked) for e in view.menu if e.action is not None]
    assert actions == [
        ("Refresh now", Action.REFRESH, None),
        ("Edit settings...", Action.EDIT_SETTINGS, None),
        ("Open usage page", Action.OPEN_USAGE_PAGE, None),
        ("Start at login", Action.TOGGLE_AUTOSTART, True),
        ("Quit", Action.QUIT, None),
    ]
    assert [e.label for e in view.menu if e.default] == ["Refresh now"]
    assert "Start at login" not in labels(view_of(fresh()).menu)  # no autostart support: not offered


def test_extra_usage_uncapped_and_off() -> None:
    uncapped = view_of(fresh(extra=ExtraUsage(True, 12.0, None, "USD", None)))
    assert "Extra usage: $12.00 spent, uncapped" in labels(uncapped.menu)
    off = view_of(fresh(extra=ExtraUsage(False, None, None, "USD", None)))
    assert not [label for label in labels(off.menu) if label.startswith("Extra usage")]


@pytest.mark.parametrize(
    ("health", "message", "hint", "line"),
    [
        (Health.RATE_LIMITED, "Rate limited", "next try 14:05", "Rate limited - next try 14:05"),
        (
            Health.UNAUTHORIZED,
            "Login expired",
            "open Claude Code once to refresh its login",
            "Login expired - open Claude Code once to refresh its login",
        ),
        (
            Health.BLOCKED,
            "Blocked by Cloudflare",
            "use the CLI source",
            "Blocked by Cloudflare - use the CLI source",
        ),
        (Health.OFFLINE, "Offline", "", "Offline"),
        (Health.STALE, "", "", "Stale"),
    ],
)
def test_state_line_with_the_fix_when_not_fresh(health: Health, message: str, hint: str, line: str) -> None:
    status = AccountStatus("default", health, snapshot(), message, hint)
    view = view_of(status)
    assert line in labels(view.menu)
    assert view.icon.health is health
    assert view.icon.outer == 42.0  # the last good numbers stay on screen


def test_fresh_has_no_state_line() -> None:
    rows = labels(view_of(fresh()).menu)
    assert rows[2:4] == ["updated 3m ago · via usage API", "Refresh now"]


def test_no_data_is_never_zero_percent() -> None:
    starting = AccountStatus("default", Health.STARTING, None, "Starting", "first reading on its way")
    view = view_of(starting)
    assert view.icon == IconSpec(None, None, None, Health.STARTING)
    assert labels(view.menu)[0] == "Starting - first reading on its way"
    assert not [label for label in labels(view.menu) if "0%" in label]
    unknown = view_of(fresh(five=None), settings=Settings(icon=IconSettings(show_percent=True)))
    assert unknown.icon.outer is None and unknown.icon.text is None
    assert "5-hour: no data" in labels(unknown.menu)
    assert "5-hour ?" in unknown.title


def test_empty_status_list_shows_starting() -> None:
    view = build_view([], Settings(), NOW)
    assert view.icon.health is Health.STARTING
    assert view.title == "Claude usage"


@pytest.mark.parametrize(
    ("five", "week", "expected"),
    [
        (10.0, 20.0, Severity.CALM),
        (10.0, 70.0, Severity.WARN),  # the inner ring is worse: it colours the icon
        (91.0, 20.0, Severity.CRITICAL),
        (100.0, 95.0, Severity.FULL),
        (69.6, 1.0, Severity.WARN),  # shown as 70%, so coloured like 70%
        (None, 30.0, Severity.CALM),
        (None, None, None),
    ],
)
def test_icon_severity_is_the_worse_ring(
    five: float | None, week: float | None, expected: Severity | None
) -> None:
    assert view_of(fresh(five=five, week=week)).icon.severity is expected


def test_sub_percent_changes_give_an_equal_view() -> None:
    first, second = view_of(fresh(five=42.2)), view_of(fresh(five=42.4))
    assert first == second
    assert first.icon == IconSpec(
        42.0, 85.0, Severity.WARN, Health.FRESH, outer_pace=26 / 48, inner_pace=26 / 48
    )
    assert view_of(fresh(five=42.6)).icon.outer == 43.0


def test_percent_text_only_when_asked() -> None:
    settings = Settings(icon=IconSettings(show_percent=True))
    assert view_of(fresh(), settings=settings).icon.text == "42"
    assert view_of(fresh()).icon.text is None


def test_rings_follow_the_icon_settings() -> None:
    opus = UsageWindow("seven_day_opus", "Opus weekly", 12.0, None, WindowGroup.MODEL)
    settings = Settings(icon=IconSettings(outer="seven_day_opus", inner="five_hour"))
    view = view_of(fresh(models=(opus,)), settings=settings)
    assert (view.icon.outer, view.icon.inner) == (12.0, 42.0)
    assert view.title == "Claude usage: Opus weekly 12% · 5-hour 42%"


def test_a_reset_since_the_reading_shows_zero_with_a_note() -> None:
    status = fresh(five=93.0, five_reset=timedelta(minutes=-5), age=timedelta(hours=1))
    view = view_of(status)
    assert labels(view.menu)[0] == "5-hour: 0% · reset since last reading"
    assert view.icon.outer == 0.0
    assert view.icon.severity is Severity.WARN  # the weekly 85% still counts


def test_the_poller_reset_note_is_honoured() -> None:
    # the poller already applied as_of(): utilization 0, resets_at None, and a note in detail
    window = UsageWindow("five_hour", "5-hour", 0.0, None, WindowGroup.SESSION)
    snap = replace(snapshot(), windows=(window,))
    status = AccountStatus("default", Health.STALE, snap, detail=("5-hour: reset since last reading",))
    assert labels(view_of(status).menu)[0] == "5-hour: 0% · reset since last reading"


def two_accounts() -> tuple[AccountStatus, AccountStatus]:
    work = fresh("work", five=95.0)
    home = AccountStatus("home", Health.UNAUTHORIZED, snapshot(10.0, 5.0, account="home"), "Login expired")
    return work, home


def test_two_accounts_get_a_section_each_and_a_hide_submenu() -> None:
    view = view_of(*two_accounts())
    rows = labels(view.menu)
    assert rows[0] == "work" and rows.index("home") > rows.index("work")
    assert "Login expired" in rows
    hide = next(e for e in view.menu if e.label == "Hide account")
    assert [(e.label, e.action, e.account) for e in hide.submenu] == [
        ("work", Action.HIDE_ACCOUNT, "work"),
        ("home", Action.HIDE_ACCOUNT, "home"),
    ]
    assert view.title.startswith("work: 5-hour 95%") and "home: 5-hour 10%" in view.title


def test_more_than_two_accounts_get_submenus() -> None:
    statuses = (*two_accounts(), fresh("third", five=1.0))
    view = view_of(*statuses)
    subs = [e for e in view.menu if e.submenu]
    assert [e.label.split(":")[0] for e in subs] == ["work", "home", "third"]
    assert subs[0].submenu[0].label.startswith("5-hour: 95%")
    assert subs[1].submenu[-1] == MenuEntry("Hide this account", Action.HIDE_ACCOUNT, account="home")
    assert "Hide account" not in labels(view.menu)


def test_hiding_is_local_and_show_all_appears() -> None:
    work, home = two_accounts()
    view = view_of(work, home, hidden=frozenset({"work"}))
    rows = labels(view.menu)
    assert "work" not in rows and rows[0].startswith("5-hour: 10%")
    assert "Show all (1 hidden)" in rows
    assert view.icon.health is Health.UNAUTHORIZED  # the icon follows what is shown
    everything = view_of(work, home, hidden=frozenset({"work", "home"}))
    assert labels(everything.menu)[0] == "All accounts hidden"
    assert everything.icon.outer == 95.0  # with nothing shown, the icon still tells the truth


def test_icon_shows_the_worst_account() -> None:
    work, home = two_accounts()
    assert view_of(home, work).icon.outer == 95.0  # critical beats a login problem at 10 %
    calm_broken = AccountStatus("home", Health.UNAUTHORIZED, snapshot(10.0, 5.0, account="home"))
    calm_fine = fresh("work", five=12.0, week=5.0)
    assert view_of(calm_fine, calm_broken).icon.health is Health.UNAUTHORIZED  # equal fill: the broken one


def test_icon_shows_the_active_account_when_asked() -> None:
    work, home = two_accounts()
    settings = Settings(
        general=GeneralSettings(icon_account="active"),
        accounts=(AccountSettings(name="work"), AccountSettings(name="home", active=True)),
    )
    assert view_of(work, home, settings=settings).icon.outer == 10.0
    unmarked = replace(settings, accounts=(AccountSettings(name="work"), AccountSettings(name="home")))
    assert view_of(work, home, settings=unmarked).icon.outer == 95.0  # nobody marked: the worst


def test_next_change_is_when_a_label_flips() -> None:
    # fetched 3 min ago at :37 s; the weekly reset is exactly 3d 4h away, so it flips in 1 s
    view = view_of(fresh())
    assert view.next_change == NOW + timedelta(seconds=1)
    later = build_view([fresh()], Settings(), view.next_change, tz=UTC)
    assert later.menu != view.menu
    assert later.next_change is not None and later.next_change > view.next_change


def test_next_change_skips_instants_where_nothing_reads_differently() -> None:
    # only ages: "3m ago" becomes "4m ago" when the age crosses 4 minutes
    snap = UsageSnapshot("default", SourceKind.CLI, NOW - timedelta(seconds=200), ())
    view = view_of(AccountStatus("default", Health.FRESH, snap))
    assert view.next_change == NOW - timedelta(seconds=200) + timedelta(minutes=4, seconds=1)


def test_nothing_time_dependent_means_no_ticking() -> None:
    starting = AccountStatus("default", Health.STARTING, None, "Starting")
    assert view_of(starting).next_change is None


def test_next_change_does_not_make_views_unequal() -> None:
    first = view_of(fresh())
    assert replace(first, next_change=None) == first
