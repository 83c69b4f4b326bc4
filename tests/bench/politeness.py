"""Requests per hour in each poller state, measured through the real Poller with a fake clock.

    .venv/bin/python -m tests.bench.politeness [--hours 24] [--seed 1]

Each state runs one account with the default settings (poll_interval 300 s, 60 s floor) for
``--hours`` simulated hours: the scripted fetcher answers every request the same way after
one good reading, and every request it would have sent is counted. Prints the markdown table
the README's politeness section shows (the README test checks the two agree).
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from claude_tray.errors import (
    AuthError,
    BlockedError,
    NoCredentialError,
    RateLimited,
    TokenExpired,
    TransientApiError,
)
from claude_tray.model import UsageSnapshot
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import Settings
from tests.support.clock import FakeClock
from tests.support.polling import Reading, ScriptedFetcher, Step, run_for

HOUR = 3600.0

# (state as the README names it, what every request after the first good reading gets)
STATES: tuple[tuple[str, Callable[[], Step]], ...] = (
    ("healthy (200)", Reading),
    ("429, Retry-After: 0 (or missing)", lambda: RateLimited("429", retry_after=0.0)),
    ("429, Retry-After: 600", lambda: RateLimited("429", retry_after=600.0)),
    ("401 / 403: stopped until the login changes", lambda: AuthError("401", status=401)),
    ("expired token (known locally, never sent)", lambda: TokenExpired("expired")),
    ("no credentials (local check only)", lambda: NoCredentialError("no file")),
    ("offline (5xx, timeout, DNS, refused)", lambda: TransientApiError("503", status=503)),
    ("Cloudflare challenge", lambda: BlockedError("Just a moment...")),
)


@dataclass(frozen=True)
class Row:
    state: str
    first_hour: int  # requests in the hour the problem started (including the good reading)
    per_hour: float  # mean requests per hour over the following hours
    busiest: int  # the most requests in any one of the following hours
    checks_per_hour: float  # local credential fingerprint checks per hour (no network)


def measure(state: str, step: Callable[[], Step], hours: int = 24, seed: int = 1) -> Row:
    clock = FakeClock()
    fetcher = ScriptedFetcher("bench", clock, Reading(), step())
    poller = Poller([fetcher], Settings(), clock=clock, rng=random.Random(seed))
    start = clock.monotonic()
    run_for(poller, clock, hours * HOUR - 1e-6)
    per_hour = [0] * hours
    for at in fetcher.fetched_at:
        per_hour[int((at - start) // HOUR)] += 1
    later = per_hour[1:]
    checks = max(0, fetcher.fingerprints - fetcher.calls)  # fetches read the fingerprint too
    return Row(state, per_hour[0], sum(later) / len(later), max(later), checks / hours)


CLAUDE_CODE_IN_USE = "Claude Code in use (a status-line record every 2 min)"
CLAUDE_CODE_429 = "Claude Code login, 429 Retry-After: 0, Claude Code idle"
TURN = 120.0  # seconds between Claude Code turns (each writes a status-line record)


def measure_claude_code(
    state: str, step: Callable[[], Step], *, turns: bool, hours: int = 24, seed: int = 1
) -> Row:
    """The real FreshestFetcher over a real record store and usage-cache reader, the API scripted;
    with ``turns`` Claude Code writes a status-line record every 2 min."""
    import tempfile
    from pathlib import Path

    from claude_tray.claude_code.statusline import FeedReading, LimitReading, RecordStore
    from claude_tray.sources.usage_cache import UsageCacheReader
    from claude_tray.usage.freshest import FreshestFetcher

    class Counted(FreshestFetcher):
        fetches = 0

        def fetch(self) -> UsageSnapshot:
            self.fetches += 1
            return super().fetch()

    clock = FakeClock()
    api = ScriptedFetcher("bench", clock, Reading(), step())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = RecordStore(root / "records")
        cache = UsageCacheReader(root / ".claude.json", "bench")
        fetcher = Counted("bench", root / "claude", store, cache, clock, api)
        poller = Poller([fetcher], Settings(), clock=clock, rng=random.Random(seed))
        start = clock.monotonic()
        reading = FeedReading(LimitReading(20.0, None), LimitReading(30.0, None))
        for _ in range(int(hours * HOUR / TURN)):
            if turns:
                store.write(root / "claude", reading, clock.now())
            run_for(poller, clock, TURN)
    per_hour = [0] * hours
    for at in api.fetched_at:
        per_hour[min(hours - 1, int((at - start) // HOUR))] += 1
    later = per_hour[1:]
    checks = max(0, api.fingerprints - fetcher.fetches)  # every poll reads the fingerprint too
    return Row(state, per_hour[0], sum(later) / len(later), max(later), checks / hours)


def measure_all(hours: int = 24, seed: int = 1) -> list[Row]:
    rows = [measure(state, step, hours, seed) for state, step in STATES]
    in_use = measure_claude_code(CLAUDE_CODE_IN_USE, Reading, turns=True, hours=hours, seed=seed)
    limited = measure_claude_code(
        CLAUDE_CODE_429, lambda: RateLimited("429", retry_after=0.0), turns=False, hours=hours, seed=seed
    )
    return [*rows, limited, in_use]


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| State | Requests in the first hour | Requests per hour after | Busiest later hour | Local checks per hour |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.state} | {r.first_hour} | {r.per_hour:.2f} | {r.busiest} | {r.checks_per_hour:.0f} |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("claude_tray").setLevel(logging.ERROR)  # transitions are expected here
    print(table(measure_all(args.hours, args.seed)))


if __name__ == "__main__":
    main()
