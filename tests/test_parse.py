"""The usage parser against every usage fixture, plus a property test: any JSON, only format errors."""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_tray.api.parse import (
    Organization,
    parse_organizations,
    parse_overage_spend_limit,
    parse_profile,
    parse_usage,
    pick_organization,
)
from claude_tray.api.values import parse_resets_at
from claude_tray.errors import ResponseFormatError
from claude_tray.model import ExtraUsage, SourceKind, UsageSnapshot
from tests.support.fixtures import FIXTURES, fixture_json

AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

# (key, label, utilization, resets_at ISO or None, group)
Row = tuple[str, str, float | None, str | None, str]


def rows(snapshot: UsageSnapshot) -> list[Row]:
    return [
        (w.key, w.label, w.utilization, w.resets_at.isoformat() if w.resets_at else None, w.group.value)  # type: ignore[misc]
        for w in snapshot.windows
    ]


def parse(relative: str) -> UsageSnapshot:
    return parse_usage(fixture_json(relative), account="me", source=SourceKind.CLI, fetched_at=AT)


U = "api/usage/"
W = "api/web/"
A = "api/usage_authored/"  # written by claude-tray from quoted shapes (see SOURCES.md)
EXPECTED: dict[str, tuple[list[Row], ExtraUsage | None]] = {
    U + "deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json": (
        [
            ("five_hour", "5-hour", 48.0, "2026-03-02T11:00:00.521744+00:00", "session"),
            ("seven_day", "Weekly", 64.0, "2026-03-06T06:00:00.521764+00:00", "weekly"),
            ("seven_day_sonnet", "Sonnet weekly", 2.0, "2026-03-06T07:00:00.521773+00:00", "model"),
        ],
        ExtraUsage(True, 0.0, 10.0, "USD", 0.0, currency_assumed=True),
    ),
    U + "leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_null_models.json": (
        [
            ("five_hour", "5-hour", 1.0, "2026-01-01T12:00:00+00:00", "session"),
            ("seven_day", "Weekly", 2.0, "2026-01-08T12:00:00+00:00", "weekly"),
            ("seven_day_opus", "Opus weekly", 0.0, "2026-01-08T12:00:00+00:00", "model"),
            ("seven_day_foo", "Foo weekly", 10.0, "2026-01-08T12:00:00+00:00", "other"),
        ],
        None,
    ),
    U + "leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json": (
        [
            ("five_hour", "5-hour", 12.3, "2026-01-01T12:00:00+00:00", "session"),
            ("seven_day", "Weekly", 55.0, "2026-01-08T12:00:00+00:00", "weekly"),
            ("seven_day_sonnet", "Sonnet weekly", 20.0, "2026-01-08T12:00:00+00:00", "model"),
            ("seven_day_opus", "Opus weekly", 9.0, "2026-01-08T12:00:00+00:00", "model"),
        ],
        None,
    ),
    U + "mlcousek__claude_trayapp__docs-data-sources.md__usage-dollar-windows-spend.json": (
        [
            ("five_hour", "5-hour", 51.0, "2026-09-07T16:30:00.961652+00:00", "session"),
            ("seven_day", "Weekly", 9.0, "2026-09-11T14:00:00.961672+00:00", "weekly"),
            ("nimbus_quill", "Nimbus quill", 0.0, None, "other"),
        ],
        ExtraUsage(
            True, 0.0, 100.0, "USD", 0.0, user_disabled=False, spend_limit_reached=False
        ),  # decimal_places 2; utilization null, so spend's percent
    ),
    U + "mynavitechtus-dungnv__claude-usage__docs-api-response.md__usage-limits-breakdown.json": (
        [
            ("five_hour", "5-hour", 16.0, "2026-09-23T06:40:00.056602+00:00", "session"),
            ("seven_day", "Weekly", 42.0, "2026-09-27T10:00:00.056629+00:00", "weekly"),
            ("weekly_scoped:Fable", "Fable weekly", 42.0, "2026-09-27T10:00:00.056881+00:00", "model"),
        ],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L247_oauth_usage_limits_no_is_active.json": (
        [
            ("five_hour", "5-hour", 10.0, "2099-01-01T00:00:00+00:00", "session"),
            ("seven_day", "Weekly", 20.0, "2099-01-01T00:00:00+00:00", "weekly"),
            ("weekly_scoped:Fable", "Fable weekly", 7.0, "2099-01-08T00:00:00+00:00", "model"),
        ],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L279_oauth_usage_extra_usage_no_limit.json": (
        [],
        ExtraUsage(True, 1234.56, None, "USD", None, currency_assumed=True),
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L300_oauth_usage_resets_at_no_timezone.json": (
        [("five_hour", "5-hour", 0.0, "2099-06-01T12:00:00.123456+00:00", "session")],
        None,
    ),
    U + "robinebers__openusage__ClaudeProviderTests.swift_L317_oauth_usage_resets_at_epoch_number.json": (
        [("five_hour", "5-hour", 0.0, "2036-07-07T02:21:40+00:00", "session")],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L188_oauth_usage_limits_array_fable_REAL_SHAPE.json": (
        [
            ("five_hour", "5-hour", 11.0, "2026-07-03T00:30:00.282668+00:00", "session"),
            ("seven_day", "Weekly", 9.0, "2026-07-08T09:00:00.282694+00:00", "weekly"),
            ("weekly_scoped:Fable", "Fable weekly", 5.0, "2026-07-08T09:00:00.283070+00:00", "model"),
        ],
        None,
    ),
    U
    + "steipete__CodexBar__ClaudeOAuthTests.swift_L289_oauth_usage_design_omelette_routines_cowork_nulls.json": (
        [
            ("five_hour", "5-hour", 12.5, "2025-12-25T12:00:00+00:00", "session"),
            ("seven_day_omelette", "Design weekly", 37.0, "2025-12-31T00:00:00+00:00", "other"),
            ("seven_day_cowork", "Cowork weekly", 14.0, "2026-01-01T00:00:00+00:00", "other"),
        ],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L307_oauth_usage_extra_usage_no_currency.json": (
        [("five_hour", "5-hour", 1.0, "2025-12-25T12:00:00+00:00", "session")],
        ExtraUsage(True, 3.25, 20.5, "USD", 15.8537, currency_assumed=True),
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L346_oauth_usage_enterprise_extra_usage_only_EUR.json": (
        [],
        ExtraUsage(True, 7.63, 20.0, "EUR", 38.15),
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L468_oauth_usage_opus_no_resets_at.json": (
        [
            ("five_hour", "5-hour", 10.0, "2025-12-25T12:00:00+00:00", "session"),
            ("seven_day_opus", "Opus weekly", 42.0, None, "model"),
        ],
        None,
    ),
    U + "steipete__CodexBar__ClaudeOAuthTests.swift_L781_oauth_usage_extra_usage_disabled.json": (
        [("five_hour", "5-hour", 1.0, "2025-12-25T12:00:00+00:00", "session")],
        ExtraUsage(False, 0.1, 1.0, "USD", 10.0, currency_assumed=True),
    ),
    U + "steipete__CodexBar__ClaudeUsageTests.swift_L892_usage_no_five_hour_key.json": (
        [
            ("seven_day", "Weekly", 42.0, "2025-12-29T23:00:00+00:00", "weekly"),
            ("seven_day_sonnet", "Sonnet weekly", 17.0, "2025-12-29T23:00:00+00:00", "model"),
        ],
        None,
    ),
    U + "steipete__CodexBar__ClaudeUsageTests.swift_L908_usage_five_hour_missing_utilization.json": (
        [("seven_day", "Weekly", 9.0, "2025-12-29T23:00:00+00:00", "weekly")],
        None,
    ),
    W + "linuxlewis__claude-usage__ClaudeUsageTests_ClaudeUsageTests.swift_L33_web_usage_realistic.json": (
        [
            ("five_hour", "5-hour", 17.0, "2026-02-08T18:59:59.661633+00:00", "session"),
            ("seven_day", "Weekly", 11.0, "2026-02-14T16:59:59.661657+00:00", "weekly"),
            ("seven_day_sonnet", "Sonnet weekly", 0.0, None, "model"),
        ],
        None,
    ),
    W + "steipete__CodexBar__ClaudeWebEnterpriseUsageTests.swift_L22_web_usage_all_null_extra_usage.json": (
        [],
        ExtraUsage(True, 41.32, 1000.0, "USD", 4.132, currency_assumed=True),
    ),
    W + "steipete__CodexBar__ClaudeWebEnterpriseUsageTests.swift_L8_web_usage_five_hour_null.json": (
        [("seven_day", "Weekly", 42.0, "2025-12-29T23:00:00+00:00", "weekly")],
        None,
    ),
    W
    + "steipete__CodexBar__ClaudeWebUsageExtraWindowTests.swift_L214_web_usage_limits_array_microsecond_offsets.json": (
        [
            ("five_hour", "5-hour", 16.0, "2026-07-03T00:30:00.440902+00:00", "session"),
            ("seven_day", "Weekly", 10.0, "2026-07-08T09:00:00.440924+00:00", "weekly"),
            ("weekly_scoped:Fable", "Fable weekly", 5.0, "2026-07-08T09:00:00.441154+00:00", "model"),
        ],
        None,
    ),
    W
    + "steipete__CodexBar__ClaudeWebUsageExtraWindowTests.swift_L268_web_usage_limits_opus_fable_cowork.json": (
        [
            ("five_hour", "5-hour", 9.0, "2026-07-03T00:30:00.440902+00:00", "session"),
            ("seven_day", "Weekly", 20.0, "2026-07-08T09:00:00.440924+00:00", "weekly"),
            ("weekly_scoped:Opus", "Opus weekly", 12.0, "2026-07-08T09:00:00.441154+00:00", "model"),
            ("weekly_scoped:Fable", "Fable weekly", 29.0, "2026-07-08T09:00:00.441154+00:00", "model"),
            ("seven_day_cowork", "Cowork weekly", 11.0, "2026-07-08T09:00:00.440924+00:00", "other"),
        ],
        None,
    ),
    A + "claude-tray__spend_out_of_credits_EUR.json": (
        [
            ("five_hour", "5-hour", 35.0, "2026-10-14T15:00:00.412345+00:00", "session"),
            ("seven_day", "Weekly", 52.0, "2026-10-18T09:00:00.412367+00:00", "weekly"),
        ],
        # extra_usage has only utilization and the switch: spend supplies money and currency
        ExtraUsage(False, 534.11, 550.0, "EUR", 97.11, disabled_reason="out_of_credits"),
    ),
    A + "claude-tray__limits_only_unknown_inactive_kind.json": (
        [
            ("five_hour", "5-hour", 45.0, "2026-10-14T15:00:00.282668+00:00", "session"),
            ("seven_day", "Weekly", 60.0, "2026-10-18T09:00:00.282694+00:00", "weekly"),
            # flat seven_day_opus and the scoped Opus row: one row; the null Haiku row: none
            ("seven_day_opus", "Opus weekly", 20.5, "2026-10-18T09:00:00.283070+00:00", "model"),
            ("limit:inactive_pool", "Inactive pool", 100.0, None, "other"),
            ("limit:daily_routines", "Daily routines", 12.0, "2026-10-15T00:00:00+00:00", "other"),
        ],
        None,
    ),
    A + "claude-tray__enterprise_dollar_windows.json": (
        [
            ("seven_day", "Weekly", 90.0, "2026-10-18T09:00:00.111111+00:00", "weekly"),  # computed
            ("iguana_necktie", "Iguana necktie", 100.0, None, "other"),  # computed, not driving
            ("nimbus_quill", "Nimbus quill", None, None, "other"),  # dollars only: no percentage
        ],
        None,
    ),
    A + "claude-tray__breakdown_spend_JPY_user_disabled.json": (
        [
            ("five_hour", "5-hour", 8.0, "2026-10-14T15:00:00+00:00", "session"),
            ("seven_day", "Weekly", 71.0, "2026-10-18T09:00:00+00:00", "weekly"),
        ],
        # yen have no minor unit: exponent 0, so 1200 is ¥1,200 (never ¥12.00)
        ExtraUsage(False, 1200.0, 5000.0, "JPY", 24.0, user_disabled=True, spend_limit_reached=False),
    ),
    A + "claude-tray__extra_spend_limit_reached.json": (
        [
            ("five_hour", "5-hour", 100.0, "2026-10-14T15:00:00+00:00", "session"),
            ("seven_day", "Weekly", 64.0, "2026-10-18T09:00:00+00:00", "weekly"),
        ],
        ExtraUsage(True, 50.0, 50.0, "USD", 100.0, user_disabled=False, spend_limit_reached=True),
    ),
}


def usage_fixtures() -> list[str]:
    """Every usage body on disk (OAuth, web, authored): a new fixture without an expectation fails."""
    found = sorted(p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "api/usage").glob("*.json"))
    found += sorted(p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / A).glob("*.json"))
    found += sorted(
        p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "api/web").glob("*_web_usage_*.json")
    )
    return found


def test_every_usage_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == usage_fixtures()


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=lambda r: r.rsplit("/", 1)[-1][:60])
def test_fixture_windows_and_extra(relative: str) -> None:
    snapshot = parse(relative)
    windows, extra = EXPECTED[relative]
    assert rows(snapshot) == windows
    assert snapshot.extra == extra
    assert (snapshot.account, snapshot.source, snapshot.fetched_at) == ("me", SourceKind.CLI, AT)


def test_null_and_missing_windows_are_omitted_never_zero() -> None:
    snapshot = parse(
        U + "steipete__CodexBar__ClaudeUsageTests.swift_L908_usage_five_hour_missing_utilization.json"
    )
    assert snapshot.window("five_hour") is None
    snapshot = parse(
        U + "deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json"
    )
    assert {"seven_day_opus", "seven_day_oauth_apps", "iguana_necktie", "seven_day_cowork"}.isdisjoint(
        w.key for w in snapshot.windows
    )


def body(**fields: object) -> UsageSnapshot:
    return parse_usage(fields, account="me", source=SourceKind.WEB, fetched_at=AT)


def test_limits_row_fills_a_missing_legacy_window_and_keeps_one_row() -> None:
    snapshot = body(
        five_hour=None,
        seven_day_opus={"utilization": 40.5, "resets_at": None},
        limits=[
            {"kind": "session", "percent": 33, "resets_at": "2026-11-22T14:30:00Z"},
            {"kind": "weekly_all", "percent": 9, "resets_at": None},
            {
                "kind": "weekly_scoped",
                "percent": 40,
                "resets_at": "2026-11-28T09:00:00Z",
                "scope": {"model": {"display_name": "Opus"}},
            },
            {
                "kind": "weekly_model",
                "percent": 3,
                "scope": {"model": {"id": None, "display_name": "Mythos"}},
            },
            {"kind": "daily_routines", "percent": 2, "scope": None},
            {"kind": "weekly_scoped", "percent": None, "scope": {"model": {"display_name": "Haiku"}}},
        ],
    )
    assert rows(snapshot) == [
        ("five_hour", "5-hour", 33.0, "2026-11-22T14:30:00+00:00", "session"),
        ("seven_day", "Weekly", 9.0, None, "weekly"),
        # the legacy value keeps its precision; the limits row adds the reset time it lacked
        ("seven_day_opus", "Opus weekly", 40.5, "2026-11-28T09:00:00+00:00", "model"),
        # kinds the program does not know keep their row, under a key no known limit can take
        ("limit:weekly_model:Mythos", "Mythos weekly", 3.0, None, "model"),
        ("limit:daily_routines", "Daily routines", 2.0, None, "other"),
    ]
    assert [w.drives for w in snapshot.windows] == [True, True, True, False, False]


def test_decimal_places_and_spend() -> None:
    extra = body(
        extra_usage={"is_enabled": True, "monthly_limit": 14000, "used_credits": 4752.0, "decimal_places": 3}
    ).extra
    assert extra == ExtraUsage(True, 4.752, 14.0, "USD", 33.9429, currency_assumed=True)
    spend = {
        "used": {"amount_minor": 4752, "currency": "usd", "exponent": 2},
        "limit": None,
        "percent": None,
        "enabled": True,
    }
    assert body(spend=spend).extra == ExtraUsage(True, 47.52, None, "USD", None)
    # extra_usage without amounts or currency: spend supplies them (extra_usage's switch wins)
    assert body(extra_usage={"is_enabled": False}, spend=spend).extra == ExtraUsage(
        False, 47.52, None, "USD", None
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-02T11:00:00.521744+00:00", "2026-03-02T11:00:00.521744+00:00"),
        ("2026-01-08T12:00:00.000Z", "2026-01-08T12:00:00+00:00"),
        ("2026-01-08T14:00:00+02:00", "2026-01-08T12:00:00+00:00"),
        ("2099-06-01T12:00:00.123456", "2099-06-01T12:00:00.123456+00:00"),
        (2099010100, "2036-07-07T02:21:40+00:00"),
        (1795321848000, "2026-11-22T04:30:48+00:00"),
        (None, None),
        (True, None),
        ("", None),
        ("soon", None),
        (1e300, None),
        ("9999-12-31T23:59:59-05:00", None),
    ],
)
def test_resets_at_forms(raw: object, expected: str | None) -> None:
    parsed = parse_resets_at(raw)
    assert (parsed.isoformat() if parsed else None) == expected


def test_overage_spend_limit() -> None:
    extra = parse_overage_spend_limit(
        fixture_json(W + "steipete__CodexBar__ClaudeUsageTests.swift_L702_web_overage_spend_limit_EUR.json")
    )
    assert extra == ExtraUsage(True, 0.0, 20.0, "EUR", 0.0)


def test_profiles() -> None:
    real = parse_profile(
        fixture_json(
            "api/profile/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_profile_REAL_captured_2026-03.json"
        )
    )
    assert (real.email, real.display_name, real.plan, real.org_uuid) == (
        "max@clau.de",
        "Max",
        "Max 5x",
        "...",
    )
    small = parse_profile(
        fixture_json("api/profile/steipete__CodexBar__ClaudeOAuthTests.swift_L126_oauth_profile.json")
    )
    assert (small.email, small.display_name, small.plan, small.org_uuid) == (
        "user@example.com",
        None,
        None,
        "org-123",
    )


@pytest.mark.parametrize(
    ("name", "wanted", "uuid"),
    [
        ("steipete__CodexBar__ClaudeUsageTests.swift_L751_organizations_api_and_chat.json", "", "org-chat"),
        ("steipete__CodexBar__ClaudeUsageTests.swift_L765_organizations_api_hybrid.json", "", "org-hybrid"),
        (
            "steipete__CodexBar__ClaudeUsageTests.swift_L738_organizations_empty_capabilities.json",
            "",
            "org-123",
        ),
        (
            "steipete__CodexBar__ClaudeUsageTests.swift_L751_organizations_api_and_chat.json",
            "org-api",
            "org-api",
        ),
        ("steipete__CodexBar__ClaudeUsageTests.swift_L751_organizations_api_and_chat.json", "nope", None),
    ],
)
def test_organization_choice(name: str, wanted: str, uuid: str | None) -> None:
    chosen = pick_organization(parse_organizations(fixture_json(W + name)), wanted)
    assert (chosen.uuid if chosen else None) == uuid


def test_api_only_orgs_are_not_picked() -> None:
    assert pick_organization((Organization("a", "API", ("api",)),)) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner, max_size=6),
    max_leaves=40,
)
window_like = st.fixed_dictionaries(
    {},
    optional={
        "utilization": json_values,
        "resets_at": json_values,
        "percent": json_values,
        "limit_dollars": json_values,
        "used_dollars": json_values,
        "remaining_dollars": json_values,
        "locked_reason": json_values,
    },
)
money_like = st.fixed_dictionaries(
    {}, optional={"amount_minor": json_values, "currency": json_values, "exponent": json_values}
)
usage_like = st.dictionaries(
    st.sampled_from(
        [
            "five_hour",
            "seven_day",
            "seven_day_opus",
            "extra_usage",
            "spend",
            "limits",
            "seven_day_breakdown",
            "x",
        ]
    ),
    json_values
    | window_like
    | st.fixed_dictionaries(
        {},
        optional={
            "used": money_like | json_values,
            "limit": money_like | json_values,
            "cap": json_values,
            "decimal_places": json_values,
            "used_credits": json_values,
            "currency": json_values,
            "disabled_reason": json_values,
            "rows": st.lists(
                json_values | st.fixed_dictionaries({}, optional={"key": json_values, "percent": json_values})
            ),
        },
    )
    | st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "kind": json_values | st.sampled_from(["session", "weekly_all", "weekly_scoped", "pool"]),
                "is_active": json_values,
                "percent": json_values,
                "scope": json_values,
                "resets_at": json_values,
            },
        )
    ),
)


@settings(max_examples=300, deadline=None, database=None)  # no .hypothesis/ dir in the tree
@given(json_values | usage_like)
def test_any_json_gives_a_snapshot_or_a_format_error(data: object) -> None:
    try:
        snapshot = parse_usage(data, account="me", source=SourceKind.CLI, fetched_at=AT)
    except ResponseFormatError as err:  # not an object, or an object with only unusable windows
        assert not isinstance(data, dict) or "no usable window" in str(err)
    else:
        keys = [w.key for w in snapshot.windows]
        assert len(keys) == len(set(keys))  # one limit never appears twice
        for window in snapshot.windows:
            if window.utilization is None:  # only a window that carries dollars or a lock
                assert window.dollars is not None or window.locked_reason is not None
            elif window.computed:  # from dollars, labelled as computed
                assert math.isfinite(window.utilization)
            else:  # as reported: range-checked
                assert 0 <= window.utilization <= 1000
            assert window.drives or window.key.startswith("limit:") or window.computed
            assert window.resets_at is None or window.resets_at.utcoffset() == timedelta(0)
    for parser in (parse_profile, parse_organizations, parse_overage_spend_limit):
        with contextlib.suppress(ResponseFormatError):
            parser(data)
