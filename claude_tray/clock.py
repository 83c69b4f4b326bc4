"""Time as an injected collaborator.

Durations use ``monotonic()``; wall-clock instants are aware UTC datetimes from ``now()``.
No other module reads the clock directly, so tests drive time with :class:`FakeClock`-like
objects (see ``tests/support/clock.py``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never jumps."""
        ...

    def now(self) -> datetime:
        """The wall-clock time as an aware UTC datetime; may jump (suspend, NTP)."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)
