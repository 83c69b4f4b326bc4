"""Properties: what the program does not understand never changes how alarmed it looks.

A body's *known* windows (5-hour and weekly, flat or as ``limits[]`` session / weekly_all rows)
fix the icon. Random extra keys anywhere, nulls, and ``limits[]`` rows of unknown kinds (any
percent, active or not, named like a known key or not, before or after the known rows) must
leave the icon, the waybar class and percentage exactly as the known windows alone make them,
and must never produce a notification.
"""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from claude_tray.api.parse import parse_usage
from claude_tray.api.shapes import KNOWN_KINDS
from claude_tray.errors import ResponseFormatError
from claude_tray.model import (
    AccountStatus,
    Health,
    IconSpec,
    SourceKind,
    StatusChange,
    Thresholds,
    severity,
    worst_severity,
)
from claude_tray.notifiers.rules import NoticeRules
from claude_tray.report.status import waybar_json
from claude_tray.settings.model import IconSettings, NotificationSettings, Settings
from claude_tray.tray.view import icon_spec

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
RESETS = (NOW + timedelta(hours=3)).isoformat()  # ahead of NOW: no window reads as reset
PROPERTY = settings(max_examples=150, deadline=None, database=None)  # no .hypothesis/ dir in the tree

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
percents = st.integers(0, 150) | st.floats(0, 150, allow_nan=False)
# kinds the program does not know, including ones named like known keys or kinds
unknown_kinds = (
    st.sampled_from(
        [
            "inactive_pool",
            "five_hour",
            "seven_day",
            "SESSION",
            "weekly",
            "limit:session",
            "weekly_scoped:Opus",
        ]
    )
    | st.text(min_size=1, max_size=15)
).filter(lambda kind: kind.strip() and kind not in KNOWN_KINDS)
scopes = (
    st.none()
    | json_values
    | st.builds(lambda name: {"model": {"id": None, "display_name": name}}, st.text(max_size=8))
)
unknown_rows = st.lists(
    st.fixed_dictionaries(
        {"kind": unknown_kinds},
        optional={
            "percent": st.none() | st.integers(-5, 1000) | st.floats(),
            "is_active": st.none() | st.booleans() | json_values,
            "scope": scopes,
            "resets_at": st.none() | st.just(RESETS) | json_values,
            "severity": st.sampled_from(["normal", "warning", "critical"]),
            "group": json_values,
        },
    ),
    max_size=5,
)
# keys added inside a known window or row: anything but the fields that carry its number
junk = st.dictionaries(
    st.text(max_size=12).filter(lambda k: k not in {"utilization", "resets_at", "kind", "percent", "scope"}),
    json_values,
    max_size=4,
)
null_names = st.lists(
    st.sampled_from(
        ["seven_day_opus", "seven_day_sonnet", "iguana_necktie", "extra_usage", "spend", "tangelo"]
    ),
    max_size=4,
)


@st.composite
def known_bodies(draw: st.DrawFn) -> tuple[dict[str, object], float | None, float | None]:
    """A body with only known windows: flat, or limits[]-only (as on migrated accounts)."""
    five, week = draw(st.none() | percents), draw(st.none() | percents)
    if draw(st.booleans()):
        rows = [{"kind": kind, "percent": value, "resets_at": RESETS, "scope": None, **draw(junk)}
                for kind, value in (("session", five), ("weekly_all", week)) if value is not None]  # fmt: skip
        return {"limits": rows}, five, week
    body: dict[str, object] = {}
    for key, value in (("five_hour", five), ("seven_day", week)):
        if value is not None:
            body[key] = {**draw(junk), "utilization": value, "resets_at": RESETS}
    return body, five, week


def noisy(draw: st.DrawFn, body: dict[str, object], rows: list[dict[str, object]]) -> dict[str, object]:
    """``body`` plus unknown rows mixed into its limits[] (anywhere), null entries and null windows."""
    limits = list(body.get("limits") or [])  # type: ignore[call-overload]
    for row in [*rows, *([None] * draw(st.integers(0, 2)))]:
        limits.insert(draw(st.integers(0, len(limits))), row)
    nulls = {name: None for name in draw(null_names) if name not in body}
    return {**nulls, **body, "limits": limits}


def status(body: object) -> AccountStatus:
    snapshot = parse_usage(body, account="default", source=SourceKind.CLI, fetched_at=NOW)
    return AccountStatus("default", Health.FRESH, snapshot)


# the pace tick comes from the known windows' reset times too; left out here to keep the
# expected spec about what the windows' values decide (test_pace_mark.py covers the tick)
NO_PACE = Settings(icon=IconSettings(pace_mark=False))


def icon(body: object) -> IconSpec:
    return icon_spec(status(body), NO_PACE, NOW)


def bar(body: object) -> tuple[object, object]:
    document = waybar_json(status(body), Thresholds(), NOW, UTC)
    return document["class"], document.get("percentage")


def rounded(value: float | None) -> float | None:
    return None if value is None else float(math.floor(value + 0.5))


@PROPERTY
@given(st.data(), known_bodies())
def test_known_windows_alone_fix_the_icon(
    data: st.DataObject, known: tuple[dict[str, object], float | None, float | None]
) -> None:
    body, five, week = known
    expected = IconSpec(
        rounded(five),
        rounded(week),
        worst_severity(severity(rounded(v), Thresholds()) for v in (five, week)),
        Health.FRESH,
    )
    assert icon(body) == expected
    extra_keys = data.draw(
        st.dictionaries(
            st.text(max_size=20).filter(lambda k: k not in {"five_hour", "seven_day", "limits"}),
            json_values
            | st.fixed_dictionaries({"utilization": json_values}, optional={"resets_at": json_values}),
            max_size=5,
        )
    )
    mixed = noisy(data.draw, {**extra_keys, **body}, data.draw(unknown_rows))
    if five is None and week is None:
        # nothing usable beside a broken window is an error that keeps the last good reading
        # (hostile input), never a fresh "no data": only then may the noise decide
        with contextlib.suppress(ResponseFormatError):
            assert icon(mixed) == expected
        return
    assert icon(mixed) == expected


@PROPERTY
@given(st.data(), known_bodies(), unknown_rows)
def test_unknown_kinds_and_nulls_never_change_the_bar_nor_notify(
    data: st.DataObject,
    known: tuple[dict[str, object], float | None, float | None],
    rows: list[dict[str, object]],
) -> None:
    body, _, _ = known
    before = noisy(data.draw, body, rows)
    assert bar(before) == bar(body)
    # the same known windows, the unknown rows at any other percent (say, 0 % -> 100 %)
    moved = [{**row, "percent": data.draw(st.integers(0, 1000))} for row in rows]
    after = noisy(data.draw, body, moved)
    assert bar(after) == bar(body)
    rules = NoticeRules(NotificationSettings(thresholds=(1.0, 50.0, 80.0, 95.0)), tz=UTC)
    first = status(before)
    assert rules.on_change(StatusChange(None, first), NOW) == []
    assert rules.on_change(StatusChange(first, status(after)), NOW) == []
