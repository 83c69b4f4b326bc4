"""Small injected collaborators for poller tests: a scripted AccountFetcher and a clock driver.

The fetcher is the poller's injected seam (like the clock), so a tiny class stands in for the
data path here; the real data path is exercised end to end in test_watch_scenarios.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from claude_tray.errors import ClaudeTrayError
from claude_tray.model import SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.poller.outcome import outcome_of
from claude_tray.poller.poller import Poller
from tests.support.clock import FakeClock


@dataclass(frozen=True)
class Reading:
    """A successful reading: 5-hour and weekly utilization, resets relative to the fetch time."""

    five_hour: float = 42.0
    seven_day: float = 17.0
    resets_in: float | None = 3 * 3600.0  # seconds until the 5-hour window resets


# a reading, an error to raise, or a factory making a new error per fetch (so no traceback
# outlives its fetch: the soak test measures memory)
Step = Reading | ClaudeTrayError | Callable[[], ClaudeTrayError]


class ScriptedFetcher:
    """Plays ``steps`` one per fetch() (the last repeats, or all repeat with ``cycle``).

    ``requests`` counts fetches that would have reached the network (local failures such as
    an expired token or a missing file do not); ``credential`` is what fingerprint() returns.
    """

    def __init__(self, name: str, clock: FakeClock, *steps: Step, cycle: bool = False) -> None:
        self._name = name
        self._clock = clock
        self._steps: Iterator[Step] = itertools.cycle(steps) if cycle else iter(steps)
        self._last: Step = steps[-1] if steps else Reading()
        self.credential: Hashable = "token-1"
        self.calls = 0
        self.requests = 0
        self.fingerprints = 0
        self.fetched_at: list[float] = []  # monotonic time of every request

    @property
    def name(self) -> str:
        return self._name

    def then(self, *steps: Step) -> None:
        """Replace what the following fetches do."""
        self._steps = iter(steps)
        self._last = steps[-1]

    def fingerprint(self) -> Hashable:
        self.fingerprints += 1
        return self.credential

    def fetch(self) -> UsageSnapshot:
        step = next(self._steps, self._last)
        self.calls += 1
        if not isinstance(step, Reading | ClaudeTrayError):
            step = step()
        if isinstance(step, ClaudeTrayError):
            if outcome_of(step).sent_request:
                self._count_request()
            # a fresh traceback each time: re-raising one instance would grow its traceback
            raise step.with_traceback(None)
        self._count_request()
        return self.snapshot(step)

    def snapshot(self, reading: Reading) -> UsageSnapshot:
        now = self._clock.now()
        resets = None if reading.resets_in is None else now + timedelta(seconds=reading.resets_in)
        return UsageSnapshot(
            account=self._name,
            source=SourceKind.CLI,
            fetched_at=now,
            windows=(
                UsageWindow("five_hour", "5-hour", reading.five_hour, resets, WindowGroup.SESSION),
                UsageWindow(
                    "seven_day", "Weekly", reading.seven_day, now + timedelta(days=4), WindowGroup.WEEKLY
                ),
            ),
        )

    def _count_request(self) -> None:
        self.requests += 1
        self.fetched_at.append(self._clock.monotonic())


def run_for(poller: Poller, clock: FakeClock, seconds: float) -> int:
    """Drive ``poller.step()`` through ``seconds`` of fake time, jumping from event to event.

    Returns the number of steps taken. Fails loudly if the poller keeps asking for "now".
    """
    end = clock.monotonic() + seconds
    steps = zero_streak = 0
    while True:
        delay = poller.step()
        steps += 1
        zero_streak = zero_streak + 1 if delay == 0.0 else 0
        if zero_streak > 50:
            raise AssertionError("the poller keeps asking to run again at once")
        left = end - clock.monotonic()
        if left <= 0:
            return steps
        clock.advance(left if delay is None else min(delay, left))
