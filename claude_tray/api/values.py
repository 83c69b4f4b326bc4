"""JSON values as the usage API's parsers read them: numbers, percentages, text, objects, times.

Each returns None for what it cannot read (never a guessed 0), so a parser can say "unknown".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

from claude_tray.errors import ResponseFormatError
from claude_tray.log import printable

__all__ = [
    "first_number",
    "first_text",
    "number",
    "object_",
    "parse_resets_at",
    "percent",
    "ratio",
    "require_object",
    "text",
]

MAX_PERCENT = 1000.0  # over the limit happens (extra usage); 1e308 % does not
EPOCH_MS_THRESHOLD = 100_000_000_000


def ratio(used: float | None, limit: float | None) -> float | None:
    if used is None or limit is None or limit <= 0:
        return None
    return round(used / limit * 100.0, 4)  # derived, so no float noise like 4.132000000000001


def number(value: object) -> float | None:
    """A finite JSON number as float; bools, strings and NaN/inf are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        converted = float(value)
    except OverflowError:  # a huge JSON integer
        return None
    return converted if math.isfinite(converted) else None


def percent(value: object) -> float | None:
    """A utilization in the plausible range 0-1000 %; anything else is not a reading."""
    found = number(value)
    return found if found is not None and 0.0 <= found <= MAX_PERCENT else None


def first_number(value: object, fallback: float | None) -> float | None:
    found = number(value)
    return fallback if found is None else found


def text(value: object) -> str | None:
    """A non-blank server string, without control characters (it may reach a terminal)."""
    text = printable(value).strip() if isinstance(value, str) else ""
    return text or None


def first_text(item: Mapping[str, object], *keys: str) -> str | None:
    return next((t for t in (text(item.get(k)) for k in keys) if t), None)


def object_(value: object) -> Mapping[str, object] | None:
    return value if isinstance(value, dict) else None


def require_object(data: object, what: str) -> Mapping[str, object]:
    item = object_(data)
    if item is None:
        raise ResponseFormatError(f"{what} is not a JSON object (got {type(data).__name__})")
    return item


def parse_resets_at(value: object) -> datetime | None:
    """ISO with offset, with Z, without offset (UTC), epoch seconds/ms, or null -> aware UTC or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if abs(value) > EPOCH_MS_THRESHOLD else value
            return datetime.fromtimestamp(seconds, tz=UTC)
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if text[-1] in "Zz":
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None
