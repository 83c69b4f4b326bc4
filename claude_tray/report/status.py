"""Account statuses as JSON documents and as readable text (pure; shared by ``status`` and ``watch``).

Times are shown in ``tz`` (local time when None); how each value is worded lives in
:mod:`claude_tray.report.wording`, shared with the menu and notifications.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from claude_tray.i18n import N_, _
from claude_tray.model import (
    AccountStatus,
    Dollars,
    ExtraUsage,
    Health,
    Thresholds,
    UsageWindow,
    WeeklyBreakdown,
    severity,
    worst_severity,
)
from claude_tray.report.wording import (
    ALERT_STATES,
    BREAKDOWN_LABEL,
    breakdown_text,
    columns,
    detail_line,
    extra_alert,
    extra_text,
    format_age,
    format_clock,
    format_duration,
    format_reset,
    label,
    pad,
    short_percent,
    window_notes,
    window_value,
)

if TYPE_CHECKING:
    from claude_tray.usage.forecast import Forecast

__all__ = [
    "JSON_VERSION",
    "account_json",
    "format_text",
    "status_document",
    "waybar_json",
]

# 2: a window's utilization may be computed from dollars (utilization_computed) or null (dollars
# only), and extra usage's amounts may come from ``spend``; fields were added, none renamed.
JSON_VERSION = 2

_HEALTH_WORDS = {  # translated where shown: _(_HEALTH_WORDS[health])
    Health.STARTING: N_("starting"),
    Health.FRESH: N_("fresh"),
    Health.STALE: N_("stale"),
    Health.RATE_LIMITED: N_("rate limited"),
    Health.UNAUTHORIZED: N_("login problem"),
    Health.BLOCKED: N_("blocked"),
    Health.OFFLINE: N_("offline"),
    Health.NO_CREDENTIALS: N_("no credentials"),
    Health.ERROR: N_("error"),
}


# ----------------------------------------------------------------------------- JSON


def status_document(
    statuses: Iterable[AccountStatus],
    walls: Mapping[str, Forecast] | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """``{"version": 2, "accounts": [...]}`` (keys may be added over time, never renamed).

    With ``walls`` (account -> binding-wall forecast) and ``now``, each account gets a
    ``"forecast"`` object (or null when its history is too short)."""
    accounts = []
    for status in statuses:
        document = account_json(status)
        if walls is not None and now is not None:
            from claude_tray.usage.forecast import forecast_json

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
        "seven_day_breakdown": _breakdown_json(snapshot.breakdown) if snapshot is not None else None,
    }


def _window_json(window: UsageWindow) -> dict[str, object]:
    return {
        "key": window.key,
        "label": window.label,
        "utilization": window.utilization,
        "resets_at": _iso(window.resets_at),
        "group": window.group.value,
        "utilization_computed": window.computed,
        "dollars": _dollars_json(window.dollars),
        "locked_reason": window.locked_reason,
        "active": window.active,
        "drives_icon": window.drives,
        "read_at": _iso(window.read_at),  # set when kept from an older reading than fetched_at
    }


def _dollars_json(dollars: Dollars | None) -> dict[str, object] | None:
    if dollars is None:
        return None
    return {"limit": dollars.limit, "used": dollars.used, "remaining": dollars.remaining}


def _breakdown_json(breakdown: WeeklyBreakdown | None) -> dict[str, object] | None:
    if breakdown is None:
        return None
    return {
        "rows": [{"key": r.key, "display_name": r.label, "percent": r.percent} for r in breakdown.rows],
        "as_of": _iso(breakdown.as_of),
        "window_started_at": _iso(breakdown.window_started_at),
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
        "state": extra.state.value,
        "disabled_reason": extra.disabled_reason,
        "user_disabled": extra.user_disabled,
        "spend_limit_reached": extra.spend_limit_reached,
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


# ----------------------------------------------------------------------------- waybar

_WAYBAR_TEXT = (("five_hour", N_("5h")), ("seven_day", N_("7d")))


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
    snapshot = status.snapshot
    windows = [w for w in snapshot.windows if w.drives] if snapshot is not None else []
    by_key = {w.key: w for w in windows}
    parts = [f"{_(short)} {short_percent(by_key[k])}" for k, short in _WAYBAR_TEXT if k in by_key]
    alert = extra_alert(snapshot.extra) if snapshot is not None else None
    parts += [alert] if alert else []
    text = " · ".join(parts) or _(_HEALTH_WORDS[status.health])
    if parts and status.health is not Health.FRESH:
        text += f" ({_(_HEALTH_WORDS[status.health])})"
    level = worst_severity(severity(w.utilization, thresholds) for w in windows)
    extra_state = snapshot.extra.state if snapshot is not None and snapshot.extra is not None else None
    document: dict[str, object] = {
        "text": text,
        "tooltip": _waybar_tooltip(status, now, tz),
        "class": [
            status.health.value,
            *([level.name.lower()] if level is not None else []),
            *([extra_state.value] if extra_state in ALERT_STATES else []),
        ],
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
            reset = (
                _(", resets {clock}").format(clock=format_clock(w.resets_at, now, tz)) if w.resets_at else ""
            )
            notes = "".join(f" · {note}" for note in window_notes(w))
            read = _(", read {clock}").format(clock=format_clock(w.read_at, now, tz)) if w.read_at else ""
            lines.append(f"{label(w.label)}: {window_value(w)}{reset}{read}{notes}")
        if snapshot.extra is not None:
            lines.append(_("Extra usage: {amounts}").format(amounts=extra_text(snapshot.extra)))
        if snapshot.breakdown is not None and snapshot.breakdown.rows:
            lines.append(f"{_(BREAKDOWN_LABEL)}: {breakdown_text(snapshot.breakdown)}")
        lines.append(_(snapshot.provenance))
    lines.extend(detail_line(line) for line in status.detail)
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
    provenance = f" ({_(source.provenance)})" if source is not None else ""
    lines = [f"{status.account}{provenance}: {_state_text(status, now, tz)}"]
    lines.extend(_not_fresh_lines(status, now, tz))
    if snapshot is None:
        lines.append("  " + _("no data yet"))
        return "\n".join(lines)
    if wall is not None:
        from claude_tray.usage.forecast import describe

        lines.append(f"  {label(wall.label)}: {describe(wall, now, tz)}")
    extra_label = _("Extra usage")
    width = max((columns(label(w.label)) for w in snapshot.windows), default=0)
    width = max(width, columns(extra_label)) if snapshot.extra is not None else width
    lines.extend(_window_line(w, width, now, tz) for w in snapshot.windows)
    if snapshot.extra is not None:
        lines.append(f"  {pad(extra_label, width)}  {extra_text(snapshot.extra)}")
    if snapshot.breakdown is not None and snapshot.breakdown.rows:
        lines.append(f"  {_(BREAKDOWN_LABEL)}: {breakdown_text(snapshot.breakdown)}")
    if not snapshot.windows and snapshot.extra is None:
        lines.append("  " + _("the server reported no usage limits for this account"))
    return "\n".join(lines)


def _not_fresh_lines(status: AccountStatus, now: datetime, tz: tzinfo | None) -> list[str]:
    """When a read failed: how old the numbers below are, and when the next try is allowed."""
    if status.health is Health.FRESH:
        return []
    lines = []
    if status.snapshot is not None:
        fetched = status.snapshot.fetched_at
        age, clock = format_age(fetched, now), format_clock(fetched, now, tz)
        lines.append("  " + _("last reading {age} ({clock})").format(age=age, clock=clock))
    if status.next_attempt_at is not None and status.next_attempt_at > now:
        left = format_duration((status.next_attempt_at - now).total_seconds())
        clock = format_clock(status.next_attempt_at, now, tz)
        lines.append("  " + _("next try allowed at {clock} (in {left})").format(clock=clock, left=left))
    return lines


def _state_text(status: AccountStatus, now: datetime, tz: tzinfo | None) -> str:
    snapshot = status.snapshot
    if status.health is Health.FRESH and snapshot is not None:
        return _("updated {clock}").format(clock=format_clock(snapshot.fetched_at, now, tz))
    words = status.message or _(_HEALTH_WORDS[status.health])
    text = f"{words} [{status.health.value}]"
    return f"{text}: {status.hint}" if status.hint else text


def _window_line(window: UsageWindow, width: int, now: datetime, tz: tzinfo | None) -> str:
    reset = f"  {format_reset(window.resets_at, now, tz)}" if window.resets_at is not None else ""
    notes = "".join(f"  {note}" for note in window_notes(window))
    read = "  " + _("(read {age})").format(age=format_age(window.read_at, now)) if window.read_at else ""
    return (
        f"  {pad(label(window.label), width)}  {pad(window_value(window), 5, right=True)}{reset}{read}{notes}"
    )
