"""Notification rules as tables: exactly one notice per edge, none on repeated polls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.errors import ConfigError, ConfigProblem, NotifyError
from claude_tray.model import AccountStatus, Health, SourceKind, StatusChange, UsageSnapshot, UsageWindow
from claude_tray.notifiers import LogNotifier, default_notifier
from claude_tray.notifiers.macos import OsascriptNotifier, applescript
from claude_tray.notifiers.rules import Notice, NoticeKind, NoticeRules, NotificationListener, Urgency
from claude_tray.notifiers.windows import TrayBalloonNotifier
from claude_tray.settings.model import NotificationSettings, Settings
from tests.support.clock import FakeClock

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
RESET = NOW + timedelta(hours=2)


def status(
    values: dict[str, float | None] | None = None,
    health: Health = Health.FRESH,
    account: str = "default",
    resets_at: datetime | None = RESET,
    message: str = "",
    hint: str = "",
) -> AccountStatus:
    labels = {"five_hour": "5-hour", "seven_day": "Weekly"}
    windows = tuple(
        UsageWindow(key, labels.get(key, key), value, resets_at) for key, value in (values or {}).items()
    )
    snapshot = UsageSnapshot(account, SourceKind.CLI, NOW, windows) if values is not None else None
    return AccountStatus(account, health, snapshot, message=message, hint=hint)


def run(
    sequence: Sequence[AccountStatus],
    settings: NotificationSettings | None = None,
    now: datetime = NOW,
) -> list[list[Notice]]:
    """Feed statuses in order as the poller would; the notices each one produced."""
    rules = NoticeRules(settings or NotificationSettings(), tz=UTC)
    previous: dict[str, AccountStatus] = {}
    out = []
    for current in sequence:
        out.append(rules.on_change(StatusChange(previous.get(current.account), current), now))
        previous[current.account] = current
    return out


def kinds(result: list[list[Notice]]) -> list[list[str]]:
    return [[n.kind.value for n in notices] for notices in result]


@pytest.mark.parametrize(
    ("utilizations", "expected"),
    [
        # first sight only arms the rules: starting at 85% says nothing
        ([85, 85, 86], [[], [], []]),
        # one crossing, one notice; repeat polls above it stay silent
        ([50, 79, 81, 81, 83, 90], [[], [], ["threshold"], [], [], []]),
        # a jump across both levels is one notice (the higher one)
        ([50, 97, 98], [[], ["threshold"], []]),
        # 80 then 95: two notices in one period
        ([50, 82, 96, 99], [[], ["threshold"], ["threshold"], []]),
        # jitter below the line and back is not a new crossing
        ([50, 81, 79.5, 81], [[], ["threshold"], [], []]),
        # the drop is the reset: refill once, thresholds re-armed for the new period
        ([50, 85, 3, 4, 82], [[], ["threshold"], ["refill"], [], ["threshold"]]),
        # a refill is only announced for a window that reached a threshold
        ([10, 40, 2], [[], [], []]),
        # a dip smaller than REFILL_MIN_DROP is noise, not a reset
        ([50, 85, 78, 86], [[], ["threshold"], [], []]),
    ],
)
def test_threshold_and_refill_edges(utilizations: list[float], expected: list[list[str]]) -> None:
    assert kinds(run([status({"five_hour": u}) for u in utilizations])) == expected


def test_moved_reset_time_is_not_a_refill() -> None:
    sequence = [
        status({"five_hour": 90}, resets_at=RESET),
        status({"five_hour": 91}, resets_at=RESET + timedelta(hours=1)),  # Anthropic moved it
        status({"five_hour": 91}, resets_at=RESET - timedelta(minutes=30)),
    ]
    assert kinds(run(sequence)) == [[], [], []]


def test_unknown_utilization_is_neither_a_crossing_nor_a_drop() -> None:
    sequence = [status({"five_hour": 85}), status({"five_hour": None}), status({"five_hour": 86})]
    assert kinds(run(sequence)) == [[], [], []]


def test_windows_and_accounts_are_tracked_separately() -> None:
    sequence = [
        status({"five_hour": 10, "seven_day": 10}),
        status({"five_hour": 10}, account="work"),
        status({"five_hour": 85, "seven_day": 10}),
        status({"five_hour": 85, "seven_day": 81}),
        status({"five_hour": 85}, account="work"),
    ]
    result = run(sequence)
    assert kinds(result) == [[], [], ["threshold"], ["threshold"], ["threshold"]]
    assert [n.window for n in result[2] + result[3]] == ["five_hour", "seven_day"]
    assert result[4][0].title == "work: 5-hour limit at 85%"
    assert result[2][0].title == "5-hour limit at 85%"  # the implicit account is not named


def test_notice_wording_and_urgency() -> None:
    result = run(
        [
            status({"five_hour": 50}),
            status({"five_hour": 82}),
            status({"five_hour": 96}),
            status({"five_hour": 5}),
        ]
    )
    warn, critical, refill = result[1][0], result[2][0], result[3][0]
    assert (warn.title, warn.body, warn.urgency) == (
        "5-hour limit at 82%",
        "Passed 80%. Resets in 2h (14:00).",
        Urgency.NORMAL,
    )
    assert (critical.body, critical.urgency) == ("Passed 95%. Resets in 2h (14:00).", Urgency.CRITICAL)
    assert (refill.title, refill.body, refill.urgency) == (
        "5-hour limit refilled",
        "Now 5% (was 96%). Resets in 2h (14:00).",
        Urgency.LOW,
    )


def test_pace_rule_waits_until_usage_runs_ahead_of_time() -> None:
    pace = NotificationSettings(pace=True)
    # 5-hour window resetting in 30 min: 90% of the time has passed, so 82% is behind pace
    late = NOW + timedelta(minutes=30)
    assert kinds(
        run([status({"five_hour": 50}, resets_at=late), status({"five_hour": 82}, resets_at=late)], pace)
    ) == [[], []]
    # with 4 h left only 20% of the time has passed: 82% is well ahead, so it warns
    early = NOW + timedelta(hours=4)
    assert kinds(
        run([status({"five_hour": 50}, resets_at=early), status({"five_hour": 82}, resets_at=early)], pace)
    ) == [
        [],
        ["threshold"],
    ]
    # a held-back level still fires once usage gets ahead later in the same period
    rules = NoticeRules(pace, tz=UTC)
    rules.on_change(StatusChange(None, status({"five_hour": 50}, resets_at=late)), NOW)
    assert rules.on_change(StatusChange(None, status({"five_hour": 82}, resets_at=late)), NOW) == []
    later_window = status({"five_hour": 83}, resets_at=NOW + timedelta(hours=4, minutes=30))
    assert [n.kind for n in rules.on_change(StatusChange(None, later_window), NOW)] == [NoticeKind.THRESHOLD]
    # unknown pace (no reset time) never silences a warning
    assert kinds(
        run([status({"five_hour": 50}, resets_at=None), status({"five_hour": 82}, resets_at=None)], pace)
    ) == [
        [],
        ["threshold"],
    ]


def test_login_lost_and_recovered_blocked() -> None:
    lost = status(
        {"five_hour": 10},
        Health.UNAUTHORIZED,
        message="Login rejected (401)",
        hint="open Claude Code once to refresh its login",
    )
    sequence = [
        status(None, Health.STARTING),
        status({"five_hour": 10}),
        lost,
        replace(lost, hint="still"),  # same health again: nothing
        status({"five_hour": 10}, Health.FRESH),
        status({"five_hour": 10}, Health.BLOCKED, message="Blocked by Cloudflare", hint="use the CLI source"),
        status({"five_hour": 10}, Health.BLOCKED),
        status({"five_hour": 10}, Health.FRESH),  # blocked -> fresh is not a login recovery
    ]
    result = run(sequence)
    assert kinds(result) == [[], [], ["login_lost"], [], ["login_back"], ["blocked"], [], []]
    assert (result[2][0].title, result[2][0].body) == (
        "login stopped working",
        "Login rejected (401). Open Claude Code once to refresh its login.",
    )


def test_unauthorized_at_start_up_is_not_an_edge_but_its_recovery_is() -> None:
    sequence = [status(None, Health.STARTING), status(None, Health.UNAUTHORIZED), status({"five_hour": 5})]
    assert kinds(run(sequence)) == [[], [], ["login_back"]]


@pytest.mark.parametrize(
    ("switch", "silenced"),
    [
        ({"enabled": False}, {"threshold", "refill", "login_lost", "login_back", "blocked"}),
        ({"usage": False}, {"threshold"}),
        ({"thresholds": ()}, {"threshold", "refill"}),  # refill is for windows that reached a level
        ({"refill": False}, {"refill"}),
        ({"login": False}, {"login_lost", "login_back"}),
        ({"blocked": False}, {"blocked"}),
    ],
)
def test_each_kind_has_a_switch(switch: dict[str, object], silenced: set[str]) -> None:
    sequence = [
        status({"five_hour": 50}),
        status({"five_hour": 85}),
        status({"five_hour": 2}),
        status({"five_hour": 2}, Health.UNAUTHORIZED),
        status({"five_hour": 2}),
        status({"five_hour": 2}, Health.BLOCKED),
    ]
    everything = {k for notices in kinds(run(sequence)) for k in notices}
    assert everything == {"threshold", "refill", "login_lost", "login_back", "blocked"}
    settings = replace(NotificationSettings(), **switch)  # type: ignore[arg-type]
    left = {k for notices in kinds(run(sequence, settings)) for k in notices}
    assert left == everything - silenced


def test_a_switched_off_kind_releases_no_backlog_when_switched_on() -> None:
    rules = NoticeRules(NotificationSettings(enabled=False), tz=UTC)
    for value in (50, 85, 96):
        assert rules.on_change(StatusChange(None, status({"five_hour": value})), NOW) == []
    rules.update_settings(NotificationSettings())
    assert rules.on_change(StatusChange(None, status({"five_hour": 97})), NOW) == []


def test_new_thresholds_on_reload_do_not_fire_for_levels_already_passed() -> None:
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    rules.on_change(StatusChange(None, status({"five_hour": 50})), NOW)
    rules.on_change(StatusChange(None, status({"five_hour": 70})), NOW)
    rules.update_settings(NotificationSettings(thresholds=(60.0, 75.0)))
    assert rules.on_change(StatusChange(None, status({"five_hour": 71})), NOW) == []
    assert [n.body for n in rules.on_change(StatusChange(None, status({"five_hour": 76})), NOW)] == [
        "Passed 75%. Resets in 2h (14:00)."
    ]


def test_settings_invalid_once_per_distinct_problem() -> None:
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    bad = ConfigError((ConfigProblem("/c.toml", 3, "general.poll_interval", "too low"),))
    worse = ConfigError((ConfigProblem("/c.toml", 4, "general.poll_interval", "too low"),))
    first = rules.settings_error(bad)
    assert [(n.kind, n.body) for n in first] == [
        (
            NoticeKind.SETTINGS_INVALID,
            "/c.toml:3: [general.poll_interval] too low\nThe previous settings stay in effect.",
        )
    ]
    assert rules.settings_error(bad) == []
    assert len(rules.settings_error(worse)) == 1
    rules.settings_ok()
    assert len(rules.settings_error(bad)) == 1
    off = NoticeRules(NotificationSettings(settings_invalid=False), tz=UTC)
    assert off.settings_error(bad) == []


# -- the listener and the non-Linux senders -------------------------------------------------------


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[Notice] = []
        self.fail = fail
        self.closed = False

    def send(self, notice: Notice) -> None:
        if self.fail:
            raise NotifyError("no server")
        self.sent.append(notice)

    def close(self) -> None:
        self.closed = True


def test_listener_sends_edges_and_survives_a_failing_sender(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    listener = NotificationListener(recorder, Settings(), clock, tz=UTC)
    for value in (50, 85, 85, 90):
        listener(StatusChange(None, status({"five_hour": value})))
    assert [n.title for n in recorder.sent] == ["5-hour limit at 85%"]
    recorder.fail = True
    listener(StatusChange(None, status({"five_hour": 96})))  # must not raise into the poller
    listener(StatusChange(None, status({"five_hour": 3})))
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "no server: notifications off"
    ]
    listener.close()
    assert recorder.closed


def test_listener_reload_and_settings_invalid(clock: FakeClock) -> None:
    recorder = Recorder()
    listener = NotificationListener(recorder, Settings(), clock, tz=UTC)
    error = ConfigError((ConfigProblem("/c.toml", 2, "x", "bad"),))
    listener.settings_invalid(error)
    listener.settings_invalid(error)
    listener.settings_applied(Settings())
    listener.settings_invalid(error)
    assert [n.kind for n in recorder.sent] == [NoticeKind.SETTINGS_INVALID] * 2


def test_applescript_escapes_quotes_and_backslashes() -> None:
    notice = Notice(NoticeKind.THRESHOLD, 'say "hi"', "back\\slash")
    script = applescript(notice)
    assert script == 'display notification "back\\\\slash" with title "claude-tray" subtitle "say \\"hi\\""'
    calls: list[list[str]] = []
    OsascriptNotifier(run=lambda argv: calls.append(list(argv)) or 0).send(notice)
    assert calls == [["/usr/bin/osascript", "-e", script]]
    with pytest.raises(NotifyError):
        OsascriptNotifier(run=lambda argv: 1).send(notice)


def test_windows_balloon_goes_through_the_tray_icons_notify() -> None:
    shown: list[tuple[str, str]] = []
    TrayBalloonNotifier(lambda message, title: shown.append((message, title))).send(
        Notice(NoticeKind.REFILL, "5-hour limit refilled", "Now 3%")
    )
    assert shown == [("Now 3%", "5-hour limit refilled")]


def test_default_notifier_by_platform() -> None:
    assert type(default_notifier("linux")).__name__ == "DBusNotifier"
    assert isinstance(default_notifier("darwin"), OsascriptNotifier)
    assert isinstance(default_notifier("win32"), LogNotifier)  # no tray: log only
    assert isinstance(default_notifier("win32", tray_notify=lambda m, t: None), TrayBalloonNotifier)
    assert isinstance(default_notifier("sunos5"), LogNotifier)


def test_dbus_notifier_without_a_session_bus_raises_notify_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_tray.notifiers.linux import DBusNotifier

    notice = Notice(NoticeKind.THRESHOLD, "5-hour limit at 85%", "Passed 80%.")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus")
    notifier = DBusNotifier()
    for _ in range(2):  # and again: a failed connection is not kept
        with pytest.raises(NotifyError, match="no notification service"):
            notifier.send(notice)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    with pytest.raises(NotifyError) as no_session:
        notifier.send(notice)
    assert no_session.value.message == "no desktop session", (
        "in words, not KeyError('DBUS_SESSION_BUS_ADDRESS')"
    )
    notifier.close()
