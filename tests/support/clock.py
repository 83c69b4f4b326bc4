"""A clock tests move by hand: no sleeping, fully deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """Implements claude_tray.clock.Clock. ``advance`` moves both clocks; ``jump_wall`` only the wall.

    The default start is a fixed instant so pure tests are reproducible (a known weekday, no DST
    surprises). It must never meet the real clock: a test whose chain also involves a subprocess,
    a file mtime or a server's ``resets_at`` starts the clock from ``tests.support.dates.real_now()``
    (or computes those dates from the real clock), and the shifted pass of tests/run catches one
    that does not.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._wall = start or datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        self._mono = 1000.0

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        self._mono += seconds
        self._wall += timedelta(seconds=seconds)

    def jump_wall(self, seconds: float) -> None:
        """Simulate suspend/resume: wall time moves, monotonic time does not."""
        self._wall += timedelta(seconds=seconds)
