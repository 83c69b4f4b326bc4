"""Soak: a simulated week of mixed faults through the fake clock; memory stays flat.

Three accounts cycle through successes, 429s (with and without Retry-After), 5xx, Cloudflare
blocks, format errors, rejected and expired logins; every simulated hour something from
outside happens (a login is renewed, the person clicks refresh, the machine sleeps, the
settings are reloaded). tracemalloc compares what claude_tray code holds after day 1 with
what it holds after day 7; the autouse fixture fails the test if a thread is left behind.
"""

from __future__ import annotations

import gc
import logging
import random
import tracemalloc
from collections.abc import Callable

import pytest

from claude_tray.errors import (
    AuthError,
    BlockedError,
    ClaudeTrayError,
    NoCredentialError,
    RateLimited,
    ResponseFormatError,
    TokenExpired,
    TransientApiError,
)
from claude_tray.model import Health, StatusChange
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import GeneralSettings, Settings
from tests.support.clock import FakeClock
from tests.support.polling import Reading, ScriptedFetcher, Step, run_for

HOUR = 3600.0
DAY = 24 * HOUR


def script(rng: random.Random, length: int = 97) -> list[Step]:
    """A repeating, seeded mix: mostly good readings, every fault kind in between."""
    wait = rng.uniform(60, 900)
    faults: list[Callable[[], ClaudeTrayError]] = [
        lambda: RateLimited("429", retry_after=0.0),
        lambda: RateLimited("429", retry_after=wait),
        lambda: TransientApiError("503", status=503),
        lambda: TransientApiError("timeout"),
        lambda: BlockedError("Just a moment..."),
        lambda: ResponseFormatError("no windows"),
        lambda: AuthError("401", status=401),
        lambda: TokenExpired("expired"),
        lambda: NoCredentialError("no file"),
    ]
    steps: list[Step] = []
    for _ in range(length):
        if rng.random() < 0.6:
            steps.append(
                Reading(five_hour=rng.uniform(0, 100), resets_in=rng.choice([None, 600.0, 5 * HOUR]))
            )
        else:
            steps.append(rng.choice(faults))
    return steps


def disturb(poller: Poller, clock: FakeClock, fetchers: list[ScriptedFetcher], rng: random.Random) -> None:
    """Something from outside, once per simulated hour."""
    roll = rng.random()
    victim = rng.choice(fetchers)
    if roll < 0.3:
        victim.credential = f"token-{rng.random()}"  # Claude Code renewed the login
    elif roll < 0.45:
        poller.refresh(rng.choice([None, victim.name]))
    elif roll < 0.55:
        clock.jump_wall(rng.uniform(600, 8 * HOUR))  # the laptop slept
    elif roll < 0.6:
        interval = rng.choice([120.0, 300.0, 600.0])
        poller.apply_settings(Settings(general=GeneralSettings(poll_interval=interval)), fetchers)


def held_by_claude_tray() -> int:
    gc.collect()
    snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "*/claude_tray/*")])
    return sum(stat.size for stat in snap.statistics("filename"))


def test_a_week_of_mixed_faults_keeps_memory_flat(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(20261122)
    fetchers = [ScriptedFetcher(name, clock, *script(rng), cycle=True) for name in ("a", "b", "c")]
    poller = Poller(fetchers, Settings(), clock=clock, rng=random.Random(5))
    seen: set[Health] = set()
    changes = 0

    def listen(change: StatusChange) -> None:
        nonlocal changes
        changes += 1
        seen.add(change.current.health)

    poller.add_listener(listen)
    caplog.set_level(logging.ERROR, logger="claude_tray")  # hundreds of expected transitions
    try:
        for hour in range(7 * 24):
            if hour == 24:  # day 1 warms every path up
                tracemalloc.start()
            if hour == 48:  # what claude_tray holds after a traced day, versus after the week
                after_day_two = held_by_claude_tray()
            run_for(poller, clock, HOUR)
            disturb(poller, clock, fetchers, rng)
            for fetcher in fetchers:
                fetcher.fetched_at.clear()  # the test's own log, not the poller's memory
        after_week = held_by_claude_tray()
    finally:
        tracemalloc.stop()
    print(f"claude_tray memory held after day 2: {after_day_two} B, after day 7: {after_week} B")
    assert after_week - after_day_two < 8 * 1024, (after_day_two, after_week)
    assert {Health.FRESH, Health.RATE_LIMITED, Health.OFFLINE, Health.UNAUTHORIZED} <= seen
    assert {Health.BLOCKED, Health.ERROR, Health.NO_CREDENTIALS, Health.STALE} <= seen
    assert changes > 500
    assert all(s.health is not Health.STARTING for s in poller.statuses())
    poller.start()  # and the real threads still start and stop cleanly afterwards
    poller.stop()
