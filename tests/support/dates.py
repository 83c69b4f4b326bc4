"""Dates computed from the real clock at test time, for anything that meets the real clock.

A subprocess, a file's mtime and a loopback server's ``resets_at`` are all compared with the
real ``now`` by the code under test, so a literal date in a test is a time bomb: it passes
until the calendar walks past it. Tests that run entirely on a ``FakeClock`` do not need these.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOGIN_LIFETIME = timedelta(days=30)


def real_now() -> datetime:
    return datetime.now(UTC)


def epoch_ms(delta: timedelta = timedelta(0)) -> int:
    """Milliseconds since the epoch, ``delta`` away from the real now (Claude Code's ``expiresAt``)."""
    return int((time.time() + delta.total_seconds()) * 1000)


def login_expiry_ms() -> int:
    """An ``expiresAt`` comfortably ahead of the real now: a login that is valid for the test."""
    return epoch_ms(LOGIN_LIFETIME)


def touch_now(path: Path) -> Path:
    """Stamp ``path``'s mtime with this process's wall clock, the clock the code under test reads.

    The kernel stamps a write with its own clock; in the shifted pass of tests/run (wall clock a
    year ahead in every Python process) that would make a file written a moment ago look a year
    old. Outside that pass this changes nothing visible.
    """
    stamp = time.time()
    os.utime(path, (stamp, stamp))
    return path
