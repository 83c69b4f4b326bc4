"""Late-2026 usage shapes through every reader: menu, title, ``status`` text and JSON, waybar,
notifications and the icon, for every usage fixture (real bodies and claude-tray's own).

One table over all fixtures says what a person sees at a glance; the tests below it pin the
wording of money (minor units, exponents, "off" vs "out of credits"), limits the program does
not understand, dollar windows and the weekly breakdown.
"""

from __future__ import annotations

import doctest
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest

from claude_tray.api import shapes
from claude_tray.api.parse import parse_overage_spend_limit, parse_usage
from claude_tray.model import (
    AccountStatus,
    Dollars,
    ExtraState,
    ExtraUsage,
    Health,
    Severity,
    SourceKind,
    StatusChange,
    UsageSnapshot,
    UsageWindow,
)
from claude_tray.notifiers.rules import NoticeKind, NoticeRules
from claude_tray.poller.staleness import as_of
from claude_tray.report import wording
from claude_tray.report.status import account_json, format_text, waybar_json
from claude_tray.settings.model import NotificationSettings, Settings
from claude_tray.tray.view import build_view, icon_spec
from claude_tray.usage.forecast import account_wall
from claude_tray.usage.history import readings_of
from tests.support.fixtures import fixture_json
from tests.test_parse import EXPECTED, A, U, W

# Before every reset time in the fixtures, so no window reads "reset since last reading".
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def status_of(relative: str, health: Health = Health.FRESH) -> AccountStatus:
    snapshot = parse_usage(fixture_json(relative), account="default", source=SourceKind.CLI, fetched_at=NOW)
    return AccountStatus("default", health, snapshot)


def menu(status: AccountStatus) -> list[str]:
    return [e.label for e in build_view([status], Settings(), NOW, tz=UTC).menu if not e.separator]


# fixture -> (icon severity, waybar text, waybar class, the menu's extra-usage row or None)
GLANCE: dict[str, tuple[Severity | None, str, list[str], str | None]] = {
    U + "deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json": (
        Severity.CALM,
        "5h 48% · 7d 64%",
        ["fresh", "calm"],
        "Extra usage: $0.00 of $10.00 (0%) (currency not stated; USD assumed)",
    ),
    U + "leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_null_models.json": (
        Severity.CALM,
        "5h 1% · 7d 2%",
        ["fresh", "calm"],
        None,
    ),
    U + "leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json": (
        Severity.CALM,
        "5h 12% · 7d 55%",
        ["fresh", "calm"],
        None,
    ),
    U + "mlcousek__claude_trayapp__docs-data-sources.md__usage-dollar-windows-spend.json": (
        Severity.CALM,
        "5h 51% · 7d 9%",
        ["fresh", "calm"],
        "Extra usage: $0.00 of $100.00 (0%)",
    ),
    U + "mynavitechtus-dungnv__claude-usage__docs-api-response.md__usage-limits-breakdown.json": (
        Severity.CALM,
        "5h 16% · 7d 42%",
        ["fresh", "calm"],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L247_oauth_usage_limits_no_is_active.json": (
        Severity.CALM,
        "5h 10% · 7d 20%",
        ["fresh", "calm"],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L279_oauth_usage_extra_usage_no_limit.json": (
        None,
        "fresh",
        ["fresh"],
        "Extra usage: $1,234.56 spent, uncapped (currency not stated; USD assumed)",
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L300_oauth_usage_resets_at_no_timezone.json": (
        Severity.CALM,
        "5h 0%",
        ["fresh", "calm"],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L317_oauth_usage_resets_at_epoch_number.json": (
        Severity.CALM,
        "5h 0%",
        ["fresh", "calm"],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L188_oauth_usage_limits_array_fable_REAL_SHAPE.json": (
        Severity.CALM,
        "5h 11% · 7d 9%",
        ["fresh", "calm"],
        None,
    ),
    U
    + "steipete__CodexBar__ClaudeOAuthTests.swift_L289_oauth_usage_design_omelette_routines_cowork_nulls.json": (
        Severity.CALM,
        "5h 13%",
        ["fresh", "calm"],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L307_oauth_usage_extra_usage_no_currency.json": (
        Severity.CALM,
        "5h 1%",
        ["fresh", "calm"],
        "Extra usage: $3.25 of $20.50 (16%) (currency not stated; USD assumed)",
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L346_oauth_usage_enterprise_extra_usage_only_EUR.json": (
        None,
        "fresh",
        ["fresh"],
        "Extra usage: €7.63 of €20.00 (38%)",
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L468_oauth_usage_opus_no_resets_at.json": (
        Severity.CALM,
        "5h 10%",
        ["fresh", "calm"],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L781_oauth_usage_extra_usage_disabled.json": (
        Severity.CALM,
        "5h 1%",
        ["fresh", "calm"],
        None,  # switched off: no row (and never "out of credits")
    ),
    U + "steipete__CodexBar__ClaudeUsageTests.swift_L892_usage_no_five_hour_key.json": (
        Severity.CALM,
        "7d 42%",
        ["fresh", "calm"],
        None,
    ),
    U + "steipete__CodexBar__ClaudeUsageTests.swift_L908_usage_five_hour_missing_utilization.json": (
        Severity.CALM,
        "7d 9%",
        ["fresh", "calm"],
        None,
    ),
    W + "linuxlewis__claude-usage__ClaudeUsageTests_ClaudeUsageTests.swift_L33_web_usage_realistic.json": (
        Severity.CALM,
        "5h 17% · 7d 11%",
        ["fresh", "calm"],
        None,
    ),
    W + "steipete__CodexBar__ClaudeWebEnterpriseUsageTests.swift_L22_web_usage_all_null_extra_usage.json": (
        None,
        "fresh",
        ["fresh"],
        "Extra usage: $41.32 of $1,000.00 (4%) (currency not stated; USD assumed)",
    ),
    W + "steipete__CodexBar__ClaudeWebEnterpriseUsageTests.swift_L8_web_usage_five_hour_null.json": (
        Severity.CALM,
        "7d 42%",
        ["fresh", "calm"],
        None,
    ),
    W
    + "steipete__CodexBar__ClaudeWebUsageExtraWindowTests.swift_L214_web_usage_limits_array_microsecond_offsets.json": (
        Severity.CALM,
        "5h 16% · 7d 10%",
        ["fresh", "calm"],
        None,
    ),
    W
    + "steipete__CodexBar__ClaudeWebUsageExtraWindowTests.swift_L268_web_usage_limits_opus_fable_cowork.json": (
        Severity.CALM,
        "5h 9% · 7d 20%",
        ["fresh", "calm"],
        None,
    ),
    A + "claude-tray__spend_out_of_credits_EUR.json": (
        Severity.CALM,
        "5h 35% · 7d 52% · extra usage out of credits",
        ["fresh", "calm", "out_of_credits"],
        "Extra usage: out of credits · €534.11 of €550.00 (97%)",
    ),
    A + "claude-tray__limits_only_unknown_inactive_kind.json": (
        Severity.CALM,  # the unknown "inactive_pool" at 100 % colours nothing
        "5h 45% · 7d 60%",
        ["fresh", "calm"],
        None,
    ),
    A + "claude-tray__enterprise_dollar_windows.json": (
        Severity.CRITICAL,  # the weekly window's 90 %, computed from its dollars
        "7d ~90%",
        ["fresh", "critical"],  # the exhausted credit grant (code-named) is not a quota
        None,
    ),
    A + "claude-tray__breakdown_spend_JPY_user_disabled.json": (
        Severity.WARN,
        "5h 8% · 7d 71%",
        ["fresh", "warn"],
        None,  # switched off by the user: "off", not "out of credits"
    ),
    A + "claude-tray__extra_spend_limit_reached.json": (
        Severity.FULL,
        "5h 100% · 7d 64% · extra usage spend limit reached",
        ["fresh", "full", "spend_limit_reached"],
        "Extra usage: spend limit reached · $50.00 of $50.00 (100%)",
    ),
}


def test_the_glance_table_covers_every_usage_fixture() -> None:
    assert sorted(GLANCE) == sorted(EXPECTED)


@pytest.mark.parametrize("relative", sorted(GLANCE), ids=lambda r: r.rsplit("/", 1)[-1][:60])
def test_every_fixture_reads_the_same_everywhere(relative: str) -> None:
    level, bar_text, bar_class, extra_row = GLANCE[relative]
    status = status_of(relative)
    assert icon_spec(status, Settings(), NOW).severity == level
    bar = waybar_json(status, Settings().thresholds, NOW, UTC)
    assert (bar["text"], bar["class"]) == (bar_text, bar_class)
    rows = menu(status)
    assert [r for r in rows if r.startswith("Extra usage:")] == ([extra_row] if extra_row else [])
    text = format_text([status], NOW, UTC)
    document = account_json(status)
    extra = status.snapshot.extra if status.snapshot else None
    if extra is not None:  # status text, tooltip and JSON say the same as the menu
        words = wording.extra_text(extra)
        assert f"Extra usage: {words}" in str(bar["tooltip"])
        assert words in text
        assert document["extra_usage"]["state"] == extra.state.value  # type: ignore[index]
    # never "0%" for a window the server sent no number for
    unknown = [w.label for w in status.snapshot.windows if w.utilization is None] if status.snapshot else []
    assert not [r for r in rows if any(r.startswith(f"{label}: 0%") for label in unknown)]


# ----------------------------------------------------------------------------- out of credits


def test_out_of_credits_reads_as_such_at_a_glance() -> None:
    status = status_of(A + "claude-tray__spend_out_of_credits_EUR.json")
    view = build_view([status], Settings(), NOW, tz=UTC)
    assert view.title == "Claude usage: 5-hour 35% · Weekly 52% · extra usage out of credits"
    assert menu(status)[0] == "Extra usage: out of credits · €534.11 of €550.00 (97%)"  # first row
    assert "  Extra usage  out of credits · €534.11 of €550.00 (97%)" in format_text([status], NOW, UTC)
    extra = account_json(status)["extra_usage"]
    assert extra == {
        "enabled": False,
        "used": 534.11,
        "limit": 550.0,
        "currency": "EUR",  # from spend: extra_usage names none
        "utilization": 97.11,
        "currency_assumed": False,
        "state": "out_of_credits",
        "disabled_reason": "out_of_credits",
        "user_disabled": None,
        "spend_limit_reached": None,
    }


def test_off_is_not_out_of_credits() -> None:
    base = ExtraUsage(False, 1.0, 2.0, "USD", 50.0)
    cases = [
        (base, ExtraState.OFF, "off"),
        (replace(base, user_disabled=True, disabled_reason="user_disabled"), ExtraState.OFF, "off"),
        (replace(base, disabled_reason="org_policy"), ExtraState.OFF, "off (org policy)"),
        (
            replace(base, disabled_reason="out_of_credits"),
            ExtraState.OUT_OF_CREDITS,
            "out of credits · $1.00 of $2.00 (50%)",
        ),
        (
            replace(base, enabled=True, spend_limit_reached=True),
            ExtraState.SPEND_LIMIT_REACHED,
            "spend limit reached · $1.00 of $2.00 (50%)",
        ),
        (
            ExtraUsage(False, None, None, "USD", None, True, "out_of_credits"),
            ExtraState.OUT_OF_CREDITS,
            "out of credits",
        ),
        (replace(base, enabled=True), ExtraState.ON, "$1.00 of $2.00 (50%)"),
    ]
    for extra, state, words in cases:
        assert (extra.state, wording.extra_text(extra)) == (state, words)
    assert wording.extra_alert(cases[1][0]) is None
    assert wording.extra_alert(cases[3][0]) == "extra usage out of credits"


def test_running_out_of_credits_notifies_once_and_first_sight_only_arms() -> None:
    on = status_of(A + "claude-tray__spend_out_of_credits_EUR.json")
    assert on.snapshot is not None and on.snapshot.extra is not None
    enabled = replace(on.snapshot.extra, enabled=True, disabled_reason=None)
    before = replace(on, snapshot=replace(on.snapshot, extra=enabled))
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    assert rules.on_change(StatusChange(None, on), NOW) == []  # already out at start-up: the menu says it
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    assert rules.on_change(StatusChange(None, before), NOW) == []
    [notice] = rules.on_change(StatusChange(before, on), NOW)
    assert (notice.kind, notice.title) == (NoticeKind.EXTRA_USAGE, "Extra usage out of credits")
    assert notice.body == "Extra usage: out of credits · €534.11 of €550.00 (97%)."
    assert rules.on_change(StatusChange(on, on), NOW) == []  # repeated polls: silent
    quiet = NoticeRules(NotificationSettings(usage=False), tz=UTC)
    quiet.on_change(StatusChange(None, before), NOW)
    assert quiet.on_change(StatusChange(before, on), NOW) == []


# ----------------------------------------------------------------------------- money


def money(**spend_used: object) -> ExtraUsage | None:
    return shapes.extra_money(None, {"used": spend_used, "enabled": True})


@pytest.mark.parametrize(
    ("used", "amount", "currency"),
    [
        ({"amount_minor": 53411, "currency": "EUR", "exponent": 2}, 534.11, "EUR"),
        ({"amount_minor": 12345, "currency": "KWD", "exponent": 3}, 12.345, "KWD"),
        ({"amount_minor": 1200, "currency": "JPY", "exponent": 0}, 1200.0, "JPY"),
        ({"amount_minor": 1200, "currency": "JPY"}, 1200.0, "JPY"),  # no exponent: the yen's own (0)
        ({"amount_minor": 12345, "currency": "BHD"}, 12.345, "BHD"),  # ... and the dinar's (3)
        ({"amount_minor": 4752, "currency": "usd"}, 47.52, "USD"),
        ({"amount_minor": 4752, "currency": "USD", "exponent": "2"}, None, "USD"),  # unreadable: unknown
        ({"amount_minor": 4752, "currency": "USD", "exponent": -1}, None, "USD"),
        ({"amount_minor": 4752, "currency": "USD", "exponent": True}, None, "USD"),
    ],
)
def test_minor_units_follow_the_exponent_never_a_blanket_two(
    used: dict[str, object], amount: float | None, currency: str
) -> None:
    extra = money(**used)
    assert extra is not None and (extra.used, extra.currency) == (amount, currency)


def test_extra_usage_and_spend_fill_each_others_gaps() -> None:
    spend = {
        "used": {"amount_minor": 53411, "currency": "EUR", "exponent": 2},
        "limit": {"amount_minor": 55000, "currency": "EUR", "exponent": 2},
        "percent": 97,
    }
    # extra_usage has amounts but no currency: the currency comes from spend
    extra = shapes.extra_money({"is_enabled": True, "used_credits": 100, "monthly_limit": 1000}, spend)
    assert extra == ExtraUsage(True, 1.0, 10.0, "EUR", 97.0)
    # yen in extra_usage without decimal_places: the yen's minor unit (none), not cents
    yen = shapes.extra_money({"is_enabled": True, "used_credits": 500, "currency": "JPY"}, None)
    assert yen is not None and yen.used == 500.0
    # a cap in money stands in for a missing limit; a cap in credits is not money
    capped = shapes.extra_money(None, {**spend, "limit": None, "cap": {"money": spend["limit"]}})
    assert capped is not None and capped.limit == 550.0
    credits = {"money": None, "credits": {"amount_minor": 10000, "exponent": 2}}
    uncapped = shapes.extra_money(None, {**spend, "limit": None, "cap": credits})
    assert uncapped is not None and uncapped.limit is None
    assert shapes.extra_money(None, None) is None
    assert parse_overage_spend_limit(
        {"monthly_credit_limit": 2000, "used_credits": 0, "currency": "EUR"}
    ) == (ExtraUsage(True, 0.0, 20.0, "EUR", 0.0))


# ----------------------------------------------------------------------------- unknown kinds


def test_unknown_and_inactive_kinds_are_shown_as_what_is_known_and_never_alarm() -> None:
    status = status_of(A + "claude-tray__limits_only_unknown_inactive_kind.json")
    rows = menu(status)
    assert "Inactive pool: 100% · not in effect" in rows
    assert "Daily routines: 12% · resets in 500d 12h (15 Oct 00:00) · not counted in alerts" in rows
    assert [r for r in rows if r.startswith("Opus weekly")] == [  # flat and scoped Opus: one row
        "Opus weekly: 21% · resets in 503d 21h (18 Oct 09:00)"
    ]
    assert not [r for r in rows if r.startswith("Haiku")]  # a null percent is never given a number
    text = format_text([status], NOW, UTC)
    assert "Inactive pool    100%  not in effect" in text
    inactive = next(w for w in account_json(status)["windows"] if w["key"] == "limit:inactive_pool")  # type: ignore[attr-defined]
    assert (inactive["drives_icon"], inactive["active"]) == (False, False)
    assert status.snapshot is not None
    # never charted, never forecast: the binding wall is a real window, not "at the limit"
    assert "limit:inactive_pool" not in {r.window for r in readings_of(status.snapshot)[0]}
    wall = account_wall([], status.snapshot, NOW)
    assert wall is None or wall.window != "limit:inactive_pool"


def test_an_unknown_kind_going_to_100_percent_never_notifies() -> None:
    status = status_of(A + "claude-tray__limits_only_unknown_inactive_kind.json")
    assert status.snapshot is not None
    low = replace(
        status,
        snapshot=replace(
            status.snapshot,
            windows=tuple(
                replace(w, utilization=0.0) if not w.drives else w for w in status.snapshot.windows
            ),
        ),
    )
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    rules.on_change(StatusChange(None, low), NOW)
    assert rules.on_change(StatusChange(low, status), NOW) == []


def test_a_known_limit_is_never_hidden_behind_an_unknown_one() -> None:
    body = {
        "limits": [
            {"kind": "five_hour", "percent": 100, "is_active": False},  # an unknown kind named like a key
            {"kind": "session", "percent": 30},
            {"kind": "weekly_all", "percent": 95},
        ]
    }
    snapshot = parse_usage(body, account="default", source=SourceKind.CLI, fetched_at=NOW)
    assert [(w.key, w.utilization, w.drives) for w in snapshot.windows] == [
        ("five_hour", 30.0, True),
        ("seven_day", 95.0, True),
        ("limit:five_hour", 100.0, False),
    ]


# ----------------------------------------------------------------------------- dollars


def test_dollar_windows_show_dollars_and_a_computed_percentage_never_zero() -> None:
    status = status_of(A + "claude-tray__enterprise_dollar_windows.json")
    rows = menu(status)
    assert rows[:3] == [
        "Weekly: $450.00 of $500.00 (90%, computed) · resets in 503d 21h (18 Oct 09:00)",
        "Iguana necktie: $250.00 of $250.00 (100%, computed) · locked: credit grant exhausted"
        " · not counted in alerts",
        "Nimbus quill: $12.50 used",
    ]
    assert build_view([status], Settings(), NOW, tz=UTC).title == "Claude usage: Weekly ~90%"
    weekly = account_json(status)["windows"][0]  # type: ignore[index]
    assert weekly["utilization"] == 90.0 and weekly["utilization_computed"] is True
    assert weekly["dollars"] == {"limit": 500.0, "used": 450.0, "remaining": 50.0}
    lines = format_text([status], NOW, UTC).splitlines()
    assert (
        lines[1] == "  Weekly          $450.00 of $500.00 (90%, computed)  resets in 503d 21h (18 Oct 09:00)"
    )


@pytest.mark.parametrize(
    ("dollars", "percent", "words"),
    [
        (Dollars(500.0, 450.0, 50.0), 90.0, "$450.00 of $500.00"),
        (Dollars(500.0, None, 50.0), 90.0, "$50.00 left of $500.00"),
        (Dollars(None, 450.0, 50.0), 90.0, "$450.00 used, $50.00 left"),
        (Dollars(None, 12.5, None), None, "$12.50 used"),
        (Dollars(None, None, 3.0), None, "$3.00 left"),
        (Dollars(0.0, 0.0, 0.0), None, "$0.00 of $0.00"),  # a zero limit is no percentage
        (Dollars(1e-300, 1e10, None), None, "$10,000,000,000.00 of $0.00"),  # never an inf %
    ],
)
def test_dollar_wording_and_the_computed_share(dollars: Dollars, percent: float | None, words: str) -> None:
    assert dollars.percent() == percent
    window = UsageWindow("seven_day", "Weekly", None, None, dollars=dollars)
    assert wording.window_value(window) == words


def test_a_window_that_reset_drops_its_old_dollars() -> None:
    window = UsageWindow("seven_day", "Weekly", 90.0, NOW, dollars=Dollars(500.0, 450.0, 50.0), computed=True)
    snapshot = UsageSnapshot("default", SourceKind.CLI, NOW - timedelta(days=1), (window,))
    [after] = as_of(snapshot, NOW + timedelta(minutes=1)).windows
    assert (after.utilization, after.dollars, after.computed) == (0.0, None, False)


# ----------------------------------------------------------------------------- breakdown


def test_weekly_breakdown_in_menu_text_and_json() -> None:
    real = status_of(
        U + "mynavitechtus-dungnv__claude-usage__docs-api-response.md__usage-limits-breakdown.json"
    )
    assert "This week by surface: Claude Code 100% · Chats 0%" in menu(real)
    assert account_json(real)["seven_day_breakdown"] == {
        "rows": [
            {"key": "claude_code", "display_name": "Claude Code", "percent": 100.0},
            {"key": "chat", "display_name": "Chats", "percent": 0.0},
        ],
        "as_of": None,
        "window_started_at": None,
    }
    dated = status_of(A + "claude-tray__breakdown_spend_JPY_user_disabled.json")
    assert "This week by surface: Claude Code 83% · Chats 17% · Cowork ?" in menu(dated)
    assert "  This week by surface: Claude Code 83% · Chats 17% · Cowork ?" in format_text([dated], NOW, UTC)
    document = account_json(dated)["seven_day_breakdown"]
    assert document["as_of"] == "2026-10-14T12:00:00+00:00"  # type: ignore[index]
    assert document["window_started_at"] == "2026-10-11T09:00:00+00:00"  # type: ignore[index]
    empty = parse_usage(
        {"seven_day_breakdown": {"rows": []}}, account="a", source=SourceKind.CLI, fetched_at=NOW
    )
    assert empty.breakdown is not None and empty.breakdown.rows == ()
    assert not [r for r in menu(AccountStatus("a", Health.FRESH, empty)) if "surface" in r]


@pytest.mark.parametrize("module", [shapes, wording])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
