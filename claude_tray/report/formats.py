"""Percent and duration as people read them, stdlib only (used by :mod:`claude_tray.report.wording`).

They live apart from ``report`` (which needs the whole model) so that ``claude-tray statusline``,
run by Claude Code on every turn, can print its line without importing anything heavy.

>>> format_duration(8040), format_percent(41.5), format_percent(None)
('2h 14m', '42%', '?')
"""

from __future__ import annotations

import math

__all__ = ["DURATION_FORMS", "format_duration", "format_percent"]

# how a duration reads, by the units it has (report/wording.py passes the translated forms)
DURATION_FORMS = {
    "dh": "{days}d {hours}h",
    "d": "{days}d",
    "hm": "{hours}h {minutes}m",
    "h": "{hours}h",
    "m": "{minutes}m",
    "s": "{seconds}s",
}


def format_percent(value: float | None) -> str:
    """Whole percent, rounded half up; unknown is "?" (never "0%")."""
    if value is None or not math.isfinite(value):
        return "?"
    return f"{math.floor(value + 0.5)}%"


def format_duration(seconds: float, forms: dict[str, str] = DURATION_FORMS) -> str:
    """ "45s", "14m", "2h 14m", "3d 4h" (two units at most; negative counts as 0)."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        form = "dh" if hours else "d"
    elif hours:
        form = "hm" if minutes else "h"
    else:
        form = "m" if minutes else "s"
    return forms[form].format(days=days, hours=hours, minutes=minutes, seconds=secs)
