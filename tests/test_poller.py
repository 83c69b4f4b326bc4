"""The poller, driven by a fake clock through ``step()``: no sleeping, no network.

Fetchers are small scripted classes (the poller's injected seam); the real data path runs in
test_watch_scenarios.py. Thread tests at the end start the real scheduler and pool.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Hashable
from datetime import timedelta

import pytest

from claude_tray.errors import (
    AuthError,
    BlockedError,
    NoCredentialError,
    RateLimited,
    ResponseFormatError,
    TokenExpired,
    TransientApiError,
)
from claude_tray.model import AccountStatus, Health, StatusChange, UsageSnapshot
from claude_tray.poller.poller import Poller
from claude_tray.poller.status import clock_text
from claude_tray.settings.model import GeneralSettings, Settings
from tests.support.clock import FakeClock
from tests.support.polling import Reading, ScriptedFetcher, run_for

HOUR = 3600.0
DAY = 24 * HOUR


def make(clock: FakeClock, *fetchers: ScriptedFetcher, interval: float = 300.0) -> Poller:
    settings = Settings(general=GeneralSettings(poll_interval=interval))
    return Poller(fetchers, settings, clock=clock, rng=random.Random(3))


def status(poller: Poller, name: str = "a") -> AccountStatus:
    return next(s for s in poller.statuses() if s.account == name)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


class Recorder:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.changes: list[StatusChange] = []
        self.at: list[float] = []

    def __call__(self, change: StatusChange) -> None:
        self.changes.append(change)
        self.at.append(self.clock.monotonic())


# -- healthy ---------------------------------------------------------------------------------


def test_first_step_fetches_and_accounts_never_fire_together(clock: FakeClock) -> None:
    a, b = ScriptedFetcher("a", clock), ScriptedFetcher("b", clock)
    poller = make(clock, a, b)
    delay = poller.step()
    assert (a.requests, b.requests) == (1, 0)
    assert delay == 1.5
    clock.advance(delay)
    poller.step()
    assert (a.requests, b.requests) == (1, 1)
    assert [s.health for s in poller.statuses()] == [Health.FRESH, Health.FRESH]


def test_healthy_account_polls_at_the_interval_with_jitter(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock)
    poller = make(clock, a)
    run_for(poller, clock, HOUR)
    assert 11 <= a.requests <= 13
    assert all(300.0 <= g <= 315.0 for g in gaps(a.fetched_at))
    assert len(set(gaps(a.fetched_at))) > 1, "jitter keeps accounts from locking step"


def test_accounts_spread_over_a_day(clock: FakeClock) -> None:
    fetchers = [ScriptedFetcher(n, clock) for n in "abcd"]
    poller = make(clock, *fetchers, interval=60.0)
    run_for(poller, clock, DAY)
    every = sorted(t for f in fetchers for t in f.fetched_at)
    assert len(every) > 4 * 1300
    assert min(gaps(every)) >= 1.0, "no two accounts fire in the same second"


def test_listeners_hear_only_changes(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock)
    poller = make(clock, a)
    rec = Recorder(clock)
    poller.add_listener(rec)
    poller.step()
    assert len(rec.changes) == 1
    assert rec.changes[0].previous is None
    assert rec.changes[0].current.health is Health.FRESH
    clock.advance(10)
    poller.step()
    poller.step()
    assert len(rec.changes) == 1, "nothing happened, nothing sent"


# -- rate limits -----------------------------------------------------------------------------


def test_429_without_retry_after_backs_off_and_keeps_the_last_reading(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(five_hour=64.0), RateLimited("429", retry_after=0.0), Reading())
    poller = make(clock, a)
    poller.step()
    good = status(poller).snapshot
    clock.advance(poller.step() or 0.0)
    delay = poller.step()
    assert a.requests == 2
    st = status(poller)
    assert st.health is Health.RATE_LIMITED
    assert st.message == "Rate limited"
    assert st.snapshot == good
    assert st.next_attempt_at is not None
    assert st.hint.startswith(f"next try {clock_text(st.next_attempt_at)}")
    assert "showing data from" in st.hint
    assert delay is not None
    assert 108.0 <= delay <= 132.0


def test_retry_after_is_respected_even_by_a_manual_refresh(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(), RateLimited("429", retry_after=600.0), Reading())
    poller = make(clock, a)
    run_for(poller, clock, 400)  # fresh, then the 429
    assert status(poller).health is Health.RATE_LIMITED
    next_at = status(poller).next_attempt_at
    assert next_at is not None
    assert poller.refresh("a") == f"Rate limited - next try allowed at {clock_text(next_at)}"
    assert poller.refresh() == f"Rate limited - next try allowed at {clock_text(next_at)}"
    run_for(poller, clock, a.fetched_at[1] + 600.0 - clock.monotonic() - 1.0)
    assert a.requests == 2
    run_for(poller, clock, 2.0)
    assert a.requests == 3
    assert gaps(a.fetched_at)[1] >= 600.0
    assert status(poller).health is Health.FRESH


def test_repeated_429s_double_up_to_the_cap(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(), RateLimited("429", retry_after=None))
    poller = make(clock, a)
    run_for(poller, clock, 12 * HOUR)
    waits = gaps(a.fetched_at)[1:]
    assert 108.0 <= waits[0] <= 132.0
    assert all(b >= 1.5 * w for w, b in itertools.pairwise(waits[:4]))
    assert max(waits) <= 1800.0 + 1e-6
    assert waits[-1] >= 1620.0


# -- login problems: zero requests -----------------------------------------------------------


def test_401_stops_all_requests_until_the_credential_changes(clock: FakeClock) -> None:
    a = ScriptedFetcher(
        "a", clock, Reading(resets_in=None), AuthError("401", status=401), Reading(five_hour=5.0)
    )
    poller = make(clock, a)
    rec = Recorder(clock)
    poller.add_listener(rec)
    run_for(poller, clock, 400)
    assert a.requests == 2
    st = status(poller)
    assert st.health is Health.UNAUTHORIZED
    assert st.message == "Login rejected (401)"
    assert st.hint.startswith("open Claude Code once to refresh its login")
    assert st.next_attempt_at is None
    assert st.snapshot is not None
    heard = len(rec.changes)
    checks = a.fingerprints
    run_for(poller, clock, DAY)
    assert a.requests == 2, "a 401 must stop every request"
    assert len(rec.changes) == heard, "idle checks are silent"
    assert DAY / 15.0 - 2 <= a.fingerprints - checks <= DAY / 15.0 + 2, "local check every 15 s"
    a.credential = "token-2"
    run_for(poller, clock, 15.0)
    assert a.requests == 3
    assert status(poller).health is Health.FRESH


def test_expired_token_is_never_sent(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, TokenExpired("expiresAt is in the past"))
    poller = make(clock, a)
    run_for(poller, clock, 6 * HOUR)
    assert (a.calls, a.requests) == (1, 0)
    st = status(poller)
    assert st.health is Health.UNAUTHORIZED
    assert st.message == "Login expired"
    assert st.hint == "open Claude Code once to refresh its login"


def test_manual_refresh_retries_an_unauthorized_account(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, AuthError("401", status=401), Reading())
    poller = make(clock, a)
    run_for(poller, clock, HOUR)
    assert a.requests == 1
    assert poller.refresh("a") == "Refreshing…"
    poller.step()
    assert a.requests == 2
    assert status(poller).health is Health.FRESH


def test_no_credentials_re_checks_locally_and_picks_up_a_login(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, NoCredentialError("no file"))
    poller = make(clock, a)
    run_for(poller, clock, 2 * HOUR)
    assert a.requests == 0
    st = status(poller)
    assert st.health is Health.NO_CREDENTIALS
    assert st.next_attempt_at is None, "a local re-check is not a network attempt"
    a.then(Reading())
    a.credential = "logged-in"
    run_for(poller, clock, 15.0)
    assert a.requests == 1
    assert status(poller).health is Health.FRESH


# -- other failures ----------------------------------------------------------------------------


def test_transient_errors_back_off_exponentially_and_log_twice(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="claude_tray.poller")
    a = ScriptedFetcher("a", clock, Reading(), TransientApiError("503", status=503))
    poller = make(clock, a)
    run_for(poller, clock, 6 * HOUR)
    waits = gaps(a.fetched_at)[1:]
    assert 27.0 <= waits[0] <= 33.0
    assert all(b >= 1.5 * w for w, b in itertools.pairwise(waits[:5]))
    assert max(waits) <= 900.0 + 1e-6
    st = status(poller)
    assert (st.health, st.message) == (Health.OFFLINE, "Server error 503")
    assert st.snapshot is not None, "last good reading kept"
    a.then(Reading())
    run_for(poller, clock, 901)
    assert status(poller).health is Health.FRESH
    lines = [r.getMessage() for r in caplog.records if r.name == "claude_tray.poller.poller"]
    assert lines == [
        "account a: starting -> fresh",
        "account a: fresh -> offline: Server error 503",
        "account a: offline -> fresh",
    ], "one line per transition, none per poll"


def test_cloudflare_block_waits_half_an_hour(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, BlockedError("Just a moment..."))
    poller = make(clock, a)
    run_for(poller, clock, 2 * HOUR)
    assert gaps(a.fetched_at) == pytest.approx([1800.0] * 4)
    st = status(poller)
    assert st.health is Health.BLOCKED
    assert st.hint == "use the CLI source"


def test_format_error_keeps_the_normal_interval(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(), ResponseFormatError("no windows"))
    poller = make(clock, a)
    run_for(poller, clock, HOUR)
    assert gaps(a.fetched_at)[1:] == pytest.approx([300.0] * (a.requests - 2))
    assert status(poller).health is Health.ERROR


class Broken:
    """A fetcher that breaks its contract (raises a bare exception)."""

    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def fetch(self) -> UsageSnapshot:
        self.calls += 1
        raise ValueError("bug")

    def fingerprint(self) -> Hashable:
        raise KeyError("bug")


def test_a_broken_fetcher_never_stops_the_poller(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    broken, a = Broken(), ScriptedFetcher("a", clock)
    poller = Poller([broken, a], Settings(), clock=clock, rng=random.Random(1))
    run_for(poller, clock, HOUR)
    assert broken.calls >= 10
    assert a.requests >= 10
    assert status(poller, "broken").health is Health.ERROR
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and "unexpected" in r.getMessage()]
    assert len(logged) == 2, "one traceback per kind, not per poll"
    assert "ValueError: bug" in caplog.text


def test_a_raising_listener_is_logged_and_the_others_still_hear(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    def bad(change: StatusChange) -> None:
        raise RuntimeError("listener bug")

    a = ScriptedFetcher("a", clock)
    poller = make(clock, a)
    rec = Recorder(clock)
    poller.add_listener(bad)
    poller.add_listener(rec)
    run_for(poller, clock, HOUR)
    assert len(rec.changes) == a.requests
    assert "a status listener failed" in caplog.text


# -- time: resets, staleness, sleep --------------------------------------------------------------


def test_window_reset_while_offline_shows_zero_at_the_reset(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(five_hour=93.0, resets_in=1800.0), TransientApiError("x"))
    poller = make(clock, a)
    rec = Recorder(clock)
    poller.add_listener(rec)
    start = clock.monotonic()
    run_for(poller, clock, 1799)
    assert status(poller).snapshot.window("five_hour").utilization == 93.0  # type: ignore[union-attr]
    run_for(poller, clock, 2)
    st = status(poller)
    assert st.health is Health.OFFLINE
    assert st.snapshot is not None
    five = st.snapshot.window("five_hour")
    assert five is not None
    assert (five.utilization, five.resets_at) == (0.0, None)
    assert st.detail == ("5-hour: reset since last reading",)
    reset_change = next(i for i, c in enumerate(rec.changes) if c.current.detail)
    assert rec.at[reset_change] == pytest.approx(start + 1800.0), "published at the reset itself"


def test_fresh_data_turns_stale_when_a_poll_is_overdue(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock)
    poller = make(clock, a)
    poller.step()
    clock.advance(100)
    clock.jump_wall(3 * HOUR)  # suspended for three hours
    delay = poller.step()
    st = status(poller)
    assert (st.health, st.message) == (Health.STALE, "Data is old")
    assert delay == 10.0, "one poll soon after the wake"
    clock.advance(delay)
    poller.step()
    assert a.requests == 2
    assert status(poller).health is Health.FRESH
    run_for(poller, clock, 290)
    assert a.requests == 2, "after the wake poll the normal interval resumes"


def test_wake_does_not_cut_an_active_retry_after(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(), RateLimited("429", retry_after=900.0), Reading())
    poller = make(clock, a)
    run_for(poller, clock, 400)
    assert a.requests == 2
    before = status(poller).next_attempt_at
    clock.advance(60)
    clock.jump_wall(2 * HOUR)
    poller.step()
    after = status(poller).next_attempt_at
    assert before is not None
    assert after is not None
    assert after - before == timedelta(hours=2), "countdown recomputed on the new wall clock"
    run_for(poller, clock, a.fetched_at[1] + 900.0 - clock.monotonic() - 1.0)
    assert a.requests == 2
    run_for(poller, clock, 2.0)
    assert a.requests == 3
    assert gaps(a.fetched_at)[1] >= 900.0


def test_wake_while_unauthorized_sends_nothing(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, AuthError("403", status=403))
    poller = make(clock, a)
    run_for(poller, clock, 60)
    clock.jump_wall(5 * HOUR)
    run_for(poller, clock, HOUR)
    assert a.requests == 1


# -- manual refresh and hot reload -------------------------------------------------------------


def test_manual_refresh_bypasses_the_interval(clock: FakeClock) -> None:
    a, b = ScriptedFetcher("a", clock), ScriptedFetcher("b", clock)
    poller = make(clock, a, b)
    run_for(poller, clock, 60)
    assert poller.refresh() == "Refreshing…"
    assert poller.refresh("zzz") == "No account named 'zzz'"
    run_for(poller, clock, 2)
    assert (a.requests, b.requests) == (2, 2)
    assert min(gaps(sorted(a.fetched_at + b.fetched_at))) >= 1.5


def test_refresh_all_says_which_account_is_held(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock)
    b = ScriptedFetcher("b", clock, RateLimited("429", retry_after=1200.0))
    poller = make(clock, a, b)
    run_for(poller, clock, 5)
    next_at = status(poller, "b").next_attempt_at
    assert next_at is not None
    assert poller.refresh() == f"a: Refreshing…; b: Rate limited - next try allowed at {clock_text(next_at)}"


def test_apply_settings_keeps_survivors_and_their_last_reading(clock: FakeClock) -> None:
    a, b = ScriptedFetcher("a", clock), ScriptedFetcher("b", clock, AuthError("401", status=401))
    poller = make(clock, a, b)
    run_for(poller, clock, 100)
    kept = status(poller, "a")
    a2 = ScriptedFetcher("a", clock)
    c = ScriptedFetcher("c", clock)
    poller.apply_settings(Settings(general=GeneralSettings(poll_interval=120.0)), [a2, c])
    assert [s.account for s in poller.statuses()] == ["a", "c"]
    assert (status(poller, "a").snapshot, status(poller, "a").health) == (kept.snapshot, kept.health)
    assert status(poller, "c").health is Health.STARTING
    run_for(poller, clock, 30)
    assert (c.requests, a2.requests) == (1, 0)
    run_for(poller, clock, 95)
    assert a2.requests == 1, "the shorter interval applies at once (due 120 s after the reload)"
    assert a.requests == 1
    assert poller.policy.interval == 120.0


# -- the real threads --------------------------------------------------------------------------


class Gate(ScriptedFetcher):
    """Blocks inside fetch() until released: a slow account."""

    def __init__(self, name: str, clock: FakeClock) -> None:
        super().__init__(name, clock)
        self.entered = threading.Event()
        self.release = threading.Event()

    def fetch(self) -> UsageSnapshot:
        self.entered.set()
        assert self.release.wait(10.0), "test never released the gate"
        return super().fetch()


def test_threads_are_named_stoppable_and_a_slow_account_delays_no_other(clock: FakeClock) -> None:
    slow, quick = Gate("slow", clock), ScriptedFetcher("quick", clock)
    poller = make(clock, slow, quick)
    fresh: dict[str, threading.Event] = {"slow": threading.Event(), "quick": threading.Event()}
    poller.add_listener(lambda c: c.current.health is Health.FRESH and fresh[c.current.account].set())
    poller.start()
    try:
        assert slow.entered.wait(5.0)
        names = {t.name for t in threading.enumerate()}
        assert "claude-tray-poller" in names
        assert any(n.startswith("claude-tray-fetch") for n in names)
        clock.advance(2.0)  # the quick account's (spread) turn
        assert poller.refresh("quick") == "Refreshing…"
        assert fresh["quick"].wait(5.0), "the quick account answered while the slow one hangs"
        assert not fresh["slow"].is_set()
        slow.release.set()
        assert fresh["slow"].wait(5.0)
    finally:
        slow.release.set()
        poller.stop()
    left = [t.name for t in threading.enumerate() if t.name.startswith("claude-tray")]
    assert left == []


def test_stop_is_prompt_when_idle(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, AuthError("401", status=401))
    poller = make(clock, a)
    heard = threading.Event()
    poller.add_listener(lambda c: c.current.health is Health.UNAUTHORIZED and heard.set())
    poller.start()
    assert heard.wait(5.0)
    with pytest.raises(RuntimeError):
        poller.start()
    poller.stop()
    poller.stop()  # idempotent
    assert a.requests == 1


def test_a_fresh_reading_is_shown_as_the_server_sent_it(clock: FakeClock) -> None:
    a = ScriptedFetcher("a", clock, Reading(five_hour=64.0, resets_in=-60.0))  # server clock skew
    poller = make(clock, a)
    poller.step()
    st = status(poller)
    assert st.health is Health.FRESH
    assert st.snapshot is not None
    assert st.snapshot.window("five_hour").utilization == 64.0  # type: ignore[union-attr]
    assert st.detail == ()


def test_an_unexpected_error_in_a_cycle_is_logged_once_and_polling_goes_on(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An interval no validation allows (1e300 s) overflows a datetime in the cycle; the real
    thread logs it once, keeps running, and a later valid setting polls again."""
    fetcher = ScriptedFetcher("a", clock, Reading())
    poller = Poller(
        [fetcher], Settings(general=GeneralSettings(poll_interval=1e300)), clock=clock, rng=random.Random(3)
    )
    caplog.set_level(logging.ERROR, logger="claude_tray.poller.poller")
    poller.start()
    try:

        def logged() -> bool:
            return any("failed unexpectedly" in r.getMessage() for r in caplog.records)

        for _ in range(3):  # each refresh wakes the thread for another (failing) cycle
            poller.refresh()
            assert _wait_until(logged)
        poller.apply_settings(Settings(general=GeneralSettings(poll_interval=300.0)), [fetcher])
        assert _wait_until(lambda: status(poller).health is Health.FRESH)
        calls = fetcher.calls
        clock.advance(400)
        poller.refresh()
        assert _wait_until(lambda: fetcher.calls > calls)
    finally:
        poller.stop()
    failures = [r.getMessage() for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert failures, "the error was not logged"
    assert len(failures) == len(set(failures)), f"logged more than once: {failures}"
    logged = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    # with its traceback (the redacting filter, when installed, folds it into the message)
    assert all(r.exc_info or "Traceback" in r.getMessage() for r in logged)


def _wait_until(condition: Callable[[], bool], limit: float = 10.0) -> bool:
    """A hang guard for tests that run the poller's real thread (never a timing assertion)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
