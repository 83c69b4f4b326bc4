"""Account statuses as JSON documents and as readable text (pure; shared by ``status`` and ``watch``).

This is also the one home of the small time and number formats people read everywhere
(menu, tooltip, notifications): durations ("2h 14m"), clock times ("14:30", "Fri 06:00"),
percentages and money. Times are shown in ``tz`` (local time when None). ``format_percent`` and
``format_duration`` are defined in :mod:`claude_tray.formats` (stdlib only, for the status line).

>>> format_duration(8040)
'2h 14m'
>>> format_money(47.52, "USD")
'$47.52'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from claude_tray.formats import format_duration, format_percent
from claude_tray.model import (
    AccountStatus,
    ExtraUsage,
    Health,
    Thresholds,
    UsageWindow,
    severity,
    worst_severity,
)

if TYPE_CHECKING:
    from claude_tray.forecast import Forecast  # forecast imports this module: type-only here

__all__ = [
    "JSON_VERSION",
    "account_json",
    "extra_text",
    "format_age",
    "format_clock",
    "format_duration",
    "format_money",
    "format_percent",
    "format_reset",
    "format_text",
    "status_document",
    "waybar_json",
]

JSON_VERSION = 1

_HEALTH_WORDS = {
    Health.STARTING: "starting",
    Health.FRESH: "fresh",
    Health.STALE: "stale",
    Health.RATE_LIMITED: "rate limited",
    Health.UNAUTHORIZED: "login problem",
    Health.BLOCKED: "blocked",
    Health.OFFLINE: "offline",
    Health.NO_CREDENTIALS: "no credentials",
    Health.ERROR: "error",
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


# ----------------------------------------------------------------------------- JSON


def status_document(
    statuses: Iterable[AccountStatus],
    walls: Mapping[str, Forecast] | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """``{"version": 1, "accounts": [...]}`` (keys may be added over time, never renamed).

    With ``walls`` (account -> binding-wall forecast) and ``now``, each account gets a
    ``"forecast"`` object (or null when its history is too short)."""
    accounts = []
    for status in statuses:
        document = account_json(status)
        if walls is not None and now is not None:
            from claude_tray.forecast import forecast_json

            wall = walls.get(status.account)
            document["forecast"] = forecast_json(wall, now) if wall is not None else None
        accounts.append(document)
    return {"version": JSON_VERSION, "accounts": accounts}


def account_json(status: AccountStatus) -> dict[str, object]:
    """One account in the documented ``status --json`` shape, plus hint/provenance extras."""
    snapshot = status.snapshot
    source = snapshot.source if snapshot is not None else status.source
    return {
        "name": status.account,
        "source": source.value if source is not None else None,
        "health": status.health.value,
        "message": None if status.health is Health.FRESH else (status.message or None),
        "hint": status.hint or None,
        "provenance": source.provenance if source is not None else None,
        "fetched_at": _iso(snapshot.fetched_at) if snapshot is not None else None,
        "next_attempt_at": _iso(status.next_attempt_at),
        "detail": list(status.detail),
        "windows": [_window_json(w) for w in snapshot.windows] if snapshot is not None else [],
        "extra_usage": _extra_json(snapshot.extra) if snapshot is not None else None,
    }


def _window_json(window: UsageWindow) -> dict[str, object]:
    return {
        "key": window.key,
        "label": window.label,
        "utilization": window.utilization,
        "resets_at": _iso(window.resets_at),
        "group": window.group.value,
    }


def _extra_json(extra: ExtraUsage | None) -> dict[str, object] | None:
    if extra is None:
        return None
    return {
        "enabled": extra.enabled,
        "used": extra.used,
        "limit": extra.limit,
        "currency": extra.currency,
        "utilization": extra.utilization,
        "currency_assumed": extra.currency_assumed,
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


# ----------------------------------------------------------------------------- waybar

_WAYBAR_TEXT = (("five_hour", "5h"), ("seven_day", "7d"))


def waybar_json(
    status: AccountStatus, thresholds: Thresholds, now: datetime, tz: tzinfo | None = None
) -> dict[str, object]:
    """One line for a waybar custom module (``"return-type": "json"``), as ``watch`` prints it.

    ``text`` is "5h 42% · 7d 17%" (plus the state when not fresh), or the state alone when no
    window is known; ``class`` is ``[health, severity]`` for CSS, severity from the fullest of
    *all* windows; ``percentage`` (for ``format-icons``) is left out when nothing is known, so
    "no data" is never drawn as 0 %. The tooltip uses clock times, which stay true while the
    line sits on the bar.
    """
    windows = status.snapshot.windows if status.snapshot is not None else ()
    by_key = {w.key: w for w in windows}
    parts = [f"{short} {format_percent(by_key[k].utilization)}" for k, short in _WAYBAR_TEXT if k in by_key]
    text = " · ".join(parts) or _HEALTH_WORDS[status.health]
    if parts and status.health is not Health.FRESH:
        text += f" ({_HEALTH_WORDS[status.health]})"
    level = worst_severity(severity(w.utilization, thresholds) for w in windows)
    document: dict[str, object] = {
        "text": text,
        "tooltip": _waybar_tooltip(status, now, tz),
        "class": [status.health.value, *([level.name.lower()] if level is not None else [])],
    }
    known = [w.utilization for w in windows if w.utilization is not None and math.isfinite(w.utilization)]
    if known:
        document["percentage"] = max(0, min(100, math.floor(max(known) + 0.5)))
    return document


def _waybar_tooltip(status: AccountStatus, now: datetime, tz: tzinfo | None) -> str:
    lines = [f"{status.account}: {_state_text(status, now, tz)}"]
    snapshot = status.snapshot
    if snapshot is not None:
        for w in snapshot.windows:
            reset = f", resets {format_clock(w.resets_at, now, tz)}" if w.resets_at is not None else ""
            lines.append(f"{w.label}: {format_percent(w.utilization)}{reset}")
        if snapshot.extra is not None:
            lines.append(f"Extra usage: {extra_text(snapshot.extra)}")
        lines.append(snapshot.provenance)
    lines.extend(status.detail)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- text


def format_text(
    statuses: Iterable[AccountStatus],
    now: datetime,
    tz: tzinfo | None = None,
    walls: Mapping[str, Forecast] | None = None,
) -> str:
    """The readable readout: one block per account, its binding-wall forecast first (``walls``)."""
    walls = walls or {}
    return "\n\n".join(_account_text(s, now, tz, walls.get(s.account)) for s in statuses) + "\n"


def _account_text(
    status: AccountStatus, now: datetime, tz: tzinfo | None, wall: Forecast | None = None
) -> str:
    snapshot = status.snapshot
    source = snapshot.source if snapshot is not None else status.source
    provenance = f" ({source.provenance})" if source is not None else ""
    lines = [f"{status.account}{provenance}: {_state_text(status, now, tz)}"]
    if snapshot is None:
        lines.append("  no data yet")
        return "\n".join(lines)
    if wall is not None:
        from claude_tray.forecast import describe

        lines.append(f"  {wall.label}: {describe(wall, now, tz)}")
    width = max((len(w.label) for w in snapshot.windows), default=0)
    width = max(width, len("Extra usage")) if snapshot.extra is not None else width
    lines.extend(_window_line(w, width, now, tz) for w in snapshot.windows)
    if snapshot.extra is not None:
        lines.append(f"  {'Extra usage':<{width}}  {extra_text(snapshot.extra)}")
    if not snapshot.windows and snapshot.extra is None:
        lines.append("  the server reported no usage limits for this account")
    return "\n".join(lines)


def _state_text(status: AccountStatus, now: datetime, tz: tzinfo | None) -> str:
    snapshot = status.snapshot
    if status.health is Health.FRESH and snapshot is not None:
        return f"updated {format_clock(snapshot.fetched_at, now, tz)}"
    words = status.message or _HEALTH_WORDS[status.health]
    text = f"{words} [{status.health.value}]"
    return f"{text}: {status.hint}" if status.hint else text


def _window_line(window: UsageWindow, width: int, now: datetime, tz: tzinfo | None) -> str:
    reset = f"  {format_reset(window.resets_at, now, tz)}" if window.resets_at is not None else ""
    return f"  {window.label:<{width}}  {format_percent(window.utilization):>5}{reset}"


def extra_text(extra: ExtraUsage) -> str:
    """ "$47.52 of $140.00 (34%)", "$12.00 spent, uncapped", or "off"."""
    if not extra.enabled:
        return "off"
    assumed = " (currency not stated; USD assumed)" if extra.currency_assumed else ""
    used = format_money(extra.used, extra.currency) if extra.used is not None else "unknown"
    if extra.limit is None:
        return f"{used} spent, uncapped{assumed}"
    share = f" ({format_percent(extra.utilization)})" if extra.utilization is not None else ""
    return f"{used} of {format_money(extra.limit, extra.currency)}{share}{assumed}"


def format_money(amount: float, currency: str) -> str:
    symbol = _SYMBOLS.get(currency.upper())
    decimals = 0 if currency.upper() == "JPY" else 2
    return f"{symbol}{amount:,.{decimals}f}" if symbol else f"{amount:,.{decimals}f} {currency.upper()}"


def format_clock(when: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "14:30" today, "Fri 06:00" within a week, "2 Dec 15:40" beyond (or before today)."""
    local, today = when.astimezone(tz), now.astimezone(tz)
    days = (local.date() - today.date()).days
    if days == 0:
        return local.strftime("%H:%M")
    if 0 < days < 7:
        return local.strftime("%a %H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def format_reset(resets_at: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "resets in 2h 14m (14:30)"; a time already past reads "reset due (14:30)"."""
    left = (resets_at - now).total_seconds()
    clock = format_clock(resets_at, now, tz)
    return f"resets in {format_duration(left)} ({clock})" if left > 0 else f"reset due ({clock})"


def format_age(fetched_at: datetime, now: datetime) -> str:
    """ "just now", "5m ago", "2h 3m ago"."""
    age = (now - fetched_at).total_seconds()
    return "just now" if age < 60 else f"{format_duration(age)} ago"
