"""How usage values are worded (pure): percentages, money, durations and clock times, windows,
extra usage, the breakdown.

One wording for the menu, ``status``, waybar's tooltip and notifications, so they agree. Unknown
is never "0%"; a percentage computed from dollars says so; a limit the program does not
understand says it is not counted; "off" is never worded like "you ran out".

>>> format_duration(8040)
'2h 14m'
>>> format_money(534.11, "EUR")
'€534.11'
>>> extra_text(ExtraUsage(False, 534.11, 550.0, "EUR", 97.0, disabled_reason="out_of_credits"))
'out of credits · €534.11 of €550.00 (97%)'
>>> window_notes(UsageWindow("limit:inactive_pool", "Inactive pool", 100.0, None, active=False, drives=False))
('not in effect',)
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from claude_tray.model import Dollars, ExtraState, ExtraUsage, UsageWindow, WeeklyBreakdown
from claude_tray.report.formats import format_duration, format_percent

__all__ = [
    "ALERT_STATES",
    "BREAKDOWN_LABEL",
    "breakdown_text",
    "extra_alert",
    "extra_text",
    "format_age",
    "format_clock",
    "format_money",
    "format_reset",
    "short_percent",
    "window_notes",
    "window_value",
]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def window_value(window: UsageWindow) -> str:
    """ "42%", "42% · $210.00 of $500.00", "$450.00 of $500.00 (90%, computed)", "$12.00 used",
    or "no data" (never "0%" for unknown)."""
    dollars = window.dollars
    if window.computed and dollars is not None:
        return f"{_dollars_text(dollars)} ({format_percent(window.utilization)}, computed)"
    if window.utilization is None:
        return _dollars_text(dollars) if dollars is not None else "no data"
    percent = format_percent(window.utilization)
    return f"{percent} · {_dollars_text(dollars)}" if dollars is not None else percent


def short_percent(window: UsageWindow) -> str:
    """ "42%", or "~90%" when computed from dollars (for bars and titles; the menu says it in words)."""
    return f"~{format_percent(window.utilization)}" if window.computed else format_percent(window.utilization)


def window_notes(window: UsageWindow) -> tuple[str, ...]:
    """What else is known: "locked: seat limit", "not in effect", "not counted in alerts"."""
    notes = []
    if window.locked_reason:
        notes.append(f"locked: {_words(window.locked_reason)}")
    if not window.drives:
        notes.append("not in effect" if window.active is False else "not counted in alerts")
    return tuple(notes)


def _dollars_text(dollars: Dollars) -> str:
    used, limit, left = (
        format_money(v, "USD") if v is not None else None
        for v in (dollars.used, dollars.limit, dollars.remaining)
    )
    if used and limit:
        return f"{used} of {limit}"
    if left and limit:
        return f"{left} left of {limit}"
    if used:
        return f"{used} used" + (f", {left} left" if left else "")
    return f"{left} left" if left else f"limit {limit}"


_ALERT_WORDS = {
    ExtraState.OUT_OF_CREDITS: "out of credits",
    ExtraState.SPEND_LIMIT_REACHED: "spend limit reached",
}
ALERT_STATES = frozenset(_ALERT_WORDS)  # extra-usage states a glance must show
BREAKDOWN_LABEL = "This week by surface"


def extra_alert(extra: ExtraUsage | None) -> str | None:
    """ "extra usage out of credits" / "... spend limit reached" (what a glance must show), else None."""
    words = _ALERT_WORDS.get(extra.state) if extra is not None else None
    return f"extra usage {words}" if words else None


def extra_text(extra: ExtraUsage) -> str:
    """ "$47.52 of $140.00 (34%)", "$12.00 spent, uncapped", "out of credits · €534.11 of €550.00
    (97%)", "spend limit reached · ...", "off" or "off (reason)"."""
    state = extra.state
    if state is ExtraState.OFF:
        reason = extra.disabled_reason
        return f"off ({_words(reason)})" if reason and reason.casefold() != "user_disabled" else "off"
    if state is ExtraState.ON:
        return _extra_amounts(extra) or "unknown spent, uncapped"
    amounts = _extra_amounts(extra)
    return f"{_ALERT_WORDS[state]} · {amounts}" if amounts else _ALERT_WORDS[state]


def _extra_amounts(extra: ExtraUsage) -> str:
    if extra.used is None and extra.limit is None:
        return ""
    assumed = " (currency not stated; USD assumed)" if extra.currency_assumed else ""
    used = format_money(extra.used, extra.currency) if extra.used is not None else "unknown"
    if extra.limit is None:
        return f"{used} spent, uncapped{assumed}"
    share = f" ({format_percent(extra.utilization)})" if extra.utilization is not None else ""
    return f"{used} of {format_money(extra.limit, extra.currency)}{share}{assumed}"


def breakdown_text(breakdown: WeeklyBreakdown) -> str:
    """ "Claude Code 100% · Chats 0%" (shares as sent; a missing one is "?")."""
    return " · ".join(f"{row.label} {format_percent(row.percent)}" for row in breakdown.rows)


def _words(code: str) -> str:
    """ "seat_limit_reached" -> "seat limit reached" (a server code, worded as sent)."""
    return code.replace("_", " ").strip()


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
