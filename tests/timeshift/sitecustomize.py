"""Move this Python process's wall clock ahead, for the suite's shifted pass (issue: any date).

``tests/run`` runs the non-desktop suite a second time with this directory first on
``PYTHONPATH`` and ``TESTS_SHIFT_DAYS`` set, so every Python process it starts
(pytest itself and every ``claude-tray`` subprocess, which inherit both variables) believes it
is that many days in the future. Monotonic clocks are untouched, so timeouts still work. A test
that quietly depends on today's date fails in that pass.
"""

from __future__ import annotations

import os

_days = os.environ.get("TESTS_SHIFT_DAYS", "")
if _days:
    from datetime import UTC, datetime, timedelta

    import time_machine

    _target = datetime.now(UTC) + timedelta(days=int(_days))
    time_machine.travel(_target, tick=True).start()
