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

import unicodedata
from datetime import datetime, tzinfo

from claude_tray import i18n
from claude_tray.i18n import N_, _
from claude_tray.model import Dollars, ExtraState, ExtraUsage, Health, UsageWindow, WeeklyBreakdown
from claude_tray.report import formats

__all__ = [
    "ALERT_STATES",
    "BREAKDOWN_LABEL",
    "breakdown_text",
    "columns",
    "detail_line",
    "extra_alert",
    "extra_text",
    "format_age",
    "format_clock",
    "format_duration",
    "format_money",
    "format_percent",
    "format_reset",
    "health_words",
    "label",
    "pad",
    "short_percent",
    "window_notes",
    "window_value",
]


def format_percent(value: float | None) -> str:
    """Whole percent for the user's locale ("42%", German "42 %"); unknown is "?"."""
    return i18n.percent(value)


def format_duration(seconds: float) -> str:
    """ "2h 14m" in the user's language (the units' forms come from the catalog)."""
    forms = {key: _(form) for key, form in _DURATION_FORMS.items()}
    return formats.format_duration(seconds, forms)


_DURATION_FORMS = {
    "dh": N_("{days}d {hours}h"),
    "d": N_("{days}d"),
    "hm": N_("{hours}h {minutes}m"),
    "h": N_("{hours}h"),
    "m": N_("{minutes}m"),
    "s": N_("{seconds}s"),
}
assert _DURATION_FORMS == formats.DURATION_FORMS  # one English wording, two entry points


def label(text: str) -> str:
    """A window or breakdown label in the user's language: our own names ("5-hour", "Weekly")
    are in the catalog; a name the server made up is shown as sent."""
    return _(text)


_HEALTH_NAMES = {  # the state's own name, for a title or a state line without a message
    Health.STARTING: N_("starting"),
    Health.FRESH: N_("fresh"),
    Health.STALE: N_("stale"),
    Health.RATE_LIMITED: N_("rate limited"),
    Health.UNAUTHORIZED: N_("unauthorized"),
    Health.BLOCKED: N_("blocked"),
    Health.OFFLINE: N_("offline"),
    Health.NO_CREDENTIALS: N_("no credentials"),
    Health.ERROR: N_("error"),
}


def health_words(health: Health) -> str:
    """ "rate limited", "no credentials" (the state's name in words, in the user's language)."""
    return _(_HEALTH_NAMES[health])


def detail_line(line: str) -> str:
    """A status detail ("5-hour: reset since last reading", English in JSON) in the user's language."""
    window, sep, note = line.partition(": ")
    return f"{label(window)}{sep}{_(note)}" if sep else _(line)


def window_value(window: UsageWindow) -> str:
    """ "42%", "42% · $210.00 of $500.00", "$450.00 of $500.00 (90%, computed)", "$12.00 used",
    or "no data" (never "0%" for unknown)."""
    dollars = window.dollars
    if window.computed and dollars is not None:
        return _("{dollars} ({percent}, computed)").format(
            dollars=_dollars_text(dollars), percent=format_percent(window.utilization)
        )
    if window.utilization is None:
        return _dollars_text(dollars) if dollars is not None else _("no data")
    percent = format_percent(window.utilization)
    return f"{percent} · {_dollars_text(dollars)}" if dollars is not None else percent


def short_percent(window: UsageWindow) -> str:
    """ "42%", or "~90%" when computed from dollars (for bars and titles; the menu says it in words)."""
    return f"~{format_percent(window.utilization)}" if window.computed else format_percent(window.utilization)


def window_notes(window: UsageWindow) -> tuple[str, ...]:
    """What else is known: "locked: seat limit", "not in effect", "not counted in alerts"."""
    notes = []
    if window.locked_reason:
        notes.append(_("locked: {reason}").format(reason=_words(window.locked_reason)))
    if not window.drives:
        notes.append(_("not in effect") if window.active is False else _("not counted in alerts"))
    return tuple(notes)


def _dollars_text(dollars: Dollars) -> str:
    used, limit, left = (
        format_money(v, "USD") if v is not None else None
        for v in (dollars.used, dollars.limit, dollars.remaining)
    )
    if used and limit:
        return _("{used} of {limit}").format(used=used, limit=limit)
    if left and limit:
        return _("{left} left of {limit}").format(left=left, limit=limit)
    if used and left:
        return _("{used} used, {left} left").format(used=used, left=left)
    if used:
        return _("{used} used").format(used=used)
    return _("{left} left").format(left=left) if left else _("limit {limit}").format(limit=limit)


_ALERT_WORDS = {
    ExtraState.OUT_OF_CREDITS: N_("out of credits"),
    ExtraState.SPEND_LIMIT_REACHED: N_("spend limit reached"),
}
_EXTRA_ALERTS = {
    ExtraState.OUT_OF_CREDITS: N_("extra usage out of credits"),
    ExtraState.SPEND_LIMIT_REACHED: N_("extra usage spend limit reached"),
}
ALERT_STATES = frozenset(_ALERT_WORDS)  # extra-usage states a glance must show
BREAKDOWN_LABEL = N_("This week by surface")  # translated where shown: _(BREAKDOWN_LABEL)


def extra_alert(extra: ExtraUsage | None) -> str | None:
    """ "extra usage out of credits" / "... spend limit reached" (what a glance must show), else None."""
    words = _EXTRA_ALERTS.get(extra.state) if extra is not None else None
    return _(words) if words else None


def extra_text(extra: ExtraUsage) -> str:
    """ "$47.52 of $140.00 (34%)", "$12.00 spent, uncapped", "out of credits · €534.11 of €550.00
    (97%)", "spend limit reached · ...", "off" or "off (reason)"."""
    state = extra.state
    if state is ExtraState.OFF:
        reason = extra.disabled_reason
        if reason and reason.casefold() != "user_disabled":
            return _("off ({reason})").format(reason=_words(reason))
        return _("off")
    if state is ExtraState.ON:
        return _extra_amounts(extra) or _("unknown spent, uncapped")
    amounts = _extra_amounts(extra)
    words = _(_ALERT_WORDS[state])
    return f"{words} · {amounts}" if amounts else words


def _extra_amounts(extra: ExtraUsage) -> str:
    if extra.used is None and extra.limit is None:
        return ""
    assumed = " " + _("(currency not stated; USD assumed)") if extra.currency_assumed else ""
    used = format_money(extra.used, extra.currency) if extra.used is not None else _("unknown")
    if extra.limit is None:
        return _("{used} spent, uncapped").format(used=used) + assumed
    share = f" ({format_percent(extra.utilization)})" if extra.utilization is not None else ""
    of = _("{used} of {limit}").format(used=used, limit=format_money(extra.limit, extra.currency))
    return f"{of}{share}{assumed}"


def breakdown_text(breakdown: WeeklyBreakdown) -> str:
    """ "Claude Code 100% · Chats 0%" (shares as sent; a missing one is "?")."""
    return " · ".join(f"{label(row.label)} {format_percent(row.percent)}" for row in breakdown.rows)


def _words(code: str) -> str:
    """ "seat_limit_reached" -> "seat limit reached" (a server code, worded as sent)."""
    return code.replace("_", " ").strip()


def format_money(amount: float, currency: str) -> str:
    """ "$1,234.50", "12.00 CHF"; for the user's locale when there is a catalog for it."""
    return i18n.money(amount, currency)


def format_clock(when: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "14:30" today, "Fri 06:00" within a week, "2 Dec 15:40" beyond (or before today)."""
    local, today = when.astimezone(tz), now.astimezone(tz)
    days = (local.date() - today.date()).days
    if days == 0:
        return i18n.clock(local, "time")
    if 0 < days < 7:
        return i18n.clock(local, "weekday")
    return i18n.clock(local, "date")


def format_reset(resets_at: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "resets in 2h 14m (14:30)"; a time already past reads "reset due (14:30)"."""
    left = (resets_at - now).total_seconds()
    clock = format_clock(resets_at, now, tz)
    if left > 0:
        return _("resets in {duration} ({clock})").format(duration=format_duration(left), clock=clock)
    return _("reset due ({clock})").format(clock=clock)


def format_age(fetched_at: datetime, now: datetime) -> str:
    """ "just now", "5m ago", "2h 3m ago"."""
    age = (now - fetched_at).total_seconds()
    return _("just now") if age < 60 else _("{duration} ago").format(duration=format_duration(age))


def columns(text: str) -> int:
    """Columns on a terminal: East Asian wide characters take two (Japanese and Chinese labels)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` terminal columns (left-aligned unless ``right``)."""
    fill = " " * max(0, width - columns(text))
    return fill + text if right else text + fill
