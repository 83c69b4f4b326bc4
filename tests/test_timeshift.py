"""The shifted pass of tests/run really moves every Python process's wall clock (and only that)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMESHIFT = Path(__file__).resolve().parent / "timeshift"
DAY = 86400


def system_epoch() -> int:
    """The real wall clock, read by a process that is not Python (time-machine cannot reach it)."""
    return int(subprocess.run(["date", "+%s"], capture_output=True, text=True, check=True, timeout=10).stdout)


def test_a_child_python_runs_the_given_number_of_days_ahead() -> None:
    env = dict(os.environ, TESTS_SHIFT_DAYS="400", PYTHONPATH=str(TIMESHIFT))
    code = (
        "import time; from datetime import datetime, UTC; print(time.time(), datetime.now(UTC).timestamp())"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    wall, aware = (float(v) for v in done.stdout.split())
    real = system_epoch()
    assert abs(wall - real - 400 * DAY) < 60 and abs(aware - real - 400 * DAY) < 60


@pytest.mark.skipif(not os.environ.get("TESTS_SHIFT_DAYS"), reason="only in the shifted pass of tests/run")
def test_this_pass_is_really_shifted() -> None:
    """Guards the guard: if the shift silently stopped working, the shifted pass would prove nothing."""
    days = int(os.environ["TESTS_SHIFT_DAYS"])
    assert abs(time.time() - system_epoch() - days * DAY) < 60
