"""When will I hit the wall? Pure functions over stored readings and ``now``.

For each window the forecast takes the *recent slope within the current window* from history:
the readings since the last reset, plus the window's start at 0 % (``resets_at`` minus its
length) when that lies before the first reading. A *reset* is a reading taken past the previous
``resets_at``, a drop to near zero close to it, or ``resets_at`` moving on by (almost) a whole
window length. Any other drop is noise (a partial reading, the status line's 81 % then the API's
76 %): it neither starts a new window nor bends the slope, which is taken from the running
maximum. The slope runs from the value ``LOOKBACK`` ago (interpolated between readings) to the
latest value, which holds until ``now`` because history only stores changes. Then:

* "at this pace: limit at 15:40, before the reset at 16:10",
* "won't hit the limit before the reset (ends near 64%)", or
* "at this pace: about at the limit by the reset at 16:10" (when it would end near 100 %).

Forecasts for an account on screen cover only the windows of its current reading.

The *binding wall* is the forecast that stops you first: a window already full, else the
earliest limit time, else the window that ends fullest. Pace compares usage with the elapsed
share of the window ("12% ahead of pace") for the optional pace notification rule.

>>> from datetime import UTC, datetime
>>> now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
>>> describe_pace(pace(80.0, datetime(2026, 11, 22, 14, 0, tzinfo=UTC), FIVE_HOURS, now))
'20% ahead of pace'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise

from claude_tray import i18n
from claude_tray.i18n import N_, _
from claude_tray.model import UsageSnapshot, UsageWindow
from claude_tray.report.wording import format_clock, format_percent
from claude_tray.usage.history import EXTRA_WINDOW, Reading, readings_of

__all__ = [
    "FIVE_HOURS",
    "SEVEN_DAYS",
    "Forecast",
    "Outlook",
    "account_forecasts",
    "account_wall",
    "binding_wall",
    "current_segment",
    "describe",
    "describe_pace",
    "elapsed_share",
    "forecast_all",
    "forecast_json",
    "forecast_window",
    "pace",
    "pace_tick",
    "pace_words",
    "window_length",
    "window_pace",
]

FIVE_HOURS = timedelta(hours=5)
SEVEN_DAYS = timedelta(days=7)
LIMIT = 100.0
NEAR_ZERO = 10.0  # percent: the first reading after a reset is at most this
RESET_SLACK = timedelta(minutes=30)  # how long before ``resets_at`` a drop to near zero counts
WHOLE_PERIOD = 0.9  # a share of the window length ``resets_at`` must jump to mean a new window


class Outlook(enum.Enum):
    AT_LIMIT = "at_limit"  # already at 100 %: blocked until the reset
    HITS = "hits"  # at this pace the limit comes before the reset
    CLEARS = "clears"  # the reset comes first
    UNKNOWN = "unknown"  # not enough history, unknown value, or reset since the last reading


@dataclass(frozen=True, slots=True)
class Forecast:
    account: str
    window: str
    label: str
    outlook: Outlook
    utilization: float | None  # the latest value
    resets_at: datetime | None
    rate: float | None = None  # percentage points per hour, from history
    limit_at: datetime | None = None  # HITS: when 100 % is reached
    ends_near: float | None = None  # CLEARS: projected value at the reset
    reason: str = ""  # UNKNOWN: why there is no forecast


def window_length(key: str) -> timedelta | None:
    """5 h for the session window, 7 d for weekly ones (all-model and per-model), else unknown."""
    if key in ("five_hour", "session") or key.startswith("session:"):
        return FIVE_HOURS
    if key.startswith(("seven_day", "weekly", "model:")):
        return SEVEN_DAYS
    return None


def lookback(length: timedelta | None) -> timedelta:
    """How far back "recent" reaches: a fifth of a 5-hour window (1 h), a day of a week."""
    if length is None or length <= FIVE_HOURS:
        return timedelta(hours=1)
    return timedelta(hours=24)


def elapsed_share(resets_at: datetime | None, length: timedelta | None, now: datetime) -> float | None:
    """The share (0..1) of a window already elapsed at ``now``; None if unknown."""
    if resets_at is None or length is None:
        return None
    return min(1.0, max(0.0, 1.0 - (resets_at - now) / length))


def pace(
    utilization: float | None, resets_at: datetime | None, length: timedelta | None, now: datetime
) -> float | None:
    """Percentage points ahead (+) or behind (-) an even spread over the window; None if unknown."""
    elapsed = elapsed_share(resets_at, length, now)
    if utilization is None or elapsed is None:
        return None
    return utilization - elapsed * LIMIT


def window_pace(window: UsageWindow, now: datetime) -> float | None:
    """:func:`pace` for one window of a snapshot (what a pace notification rule asks)."""
    return pace(window.utilization, window.resets_at, window_length(window.key), now)


PACE_STEPS = 48  # the icon's pace tick moves in 1/48 turns (6 min of a 5-hour window): few re-renders
PACE_WORDS_AFTER = 0.1  # share of a window elapsed before "ahead of/behind pace" means something


def pace_tick(window: UsageWindow | None, now: datetime) -> float | None:
    """Where the icon's pace tick goes: the elapsed share in whole 1/48 turns; None when the
    window's length or reset is unknown, or the tick would sit at 12 o'clock (where it says nothing)."""
    if window is None:
        return None
    share = elapsed_share(window.resets_at, window_length(window.key), now)
    steps = None if share is None else round(share * PACE_STEPS)
    return steps / PACE_STEPS if steps is not None and 0 < steps < PACE_STEPS else None


def pace_words(window: UsageWindow, now: datetime) -> str:
    """ "12% ahead of pace" / "behind pace" / "on pace" once enough of the window has elapsed; else ""."""
    share = elapsed_share(window.resets_at, window_length(window.key), now)
    if window.utilization is None or share is None or share < PACE_WORDS_AFTER:
        return ""
    return describe_pace(window_pace(window, now))


def describe_pace(delta: float | None) -> str:
    if delta is None:
        return ""
    if abs(delta) < 1.0:
        return _("on pace")
    share = _round_percent(abs(delta))
    return (_("{share} ahead of pace") if delta > 0 else _("{share} behind pace")).format(share=share)


def current_segment(readings: Sequence[Reading]) -> list[Reading]:
    """The known readings since the last reset (oldest first)."""
    segment: list[Reading] = []
    for row in sorted((r for r in readings if r.utilization is not None), key=lambda r: r.fetched_at):
        if segment and _is_reset(segment[-1], row):
            segment = []
        segment.append(row)
    return segment


def _is_reset(before: Reading, after: Reading) -> bool:
    """A new window began between two readings (resets_at drifts, and dips are noise)."""
    assert before.utilization is not None and after.utilization is not None
    if before.resets_at is not None and after.fetched_at >= before.resets_at:
        return True  # the old window is over
    if _moved_a_whole_period(before, after):
        return True
    if not after.utilization <= NEAR_ZERO < before.utilization:
        return False
    return before.resets_at is None or after.fetched_at >= before.resets_at - RESET_SLACK


def _moved_a_whole_period(before: Reading, after: Reading) -> bool:
    length = window_length(after.window)
    if length is None or before.resets_at is None or after.resets_at is None:
        return False
    return after.resets_at - before.resets_at >= length * WHOLE_PERIOD


def forecast_window(readings: Sequence[Reading], now: datetime) -> Forecast | None:
    """The forecast for one account's window from its readings; None when there are none."""
    if not readings:
        return None
    latest = max(readings, key=lambda r: r.fetched_at)
    base = Forecast(latest.account, latest.window, latest.label, Outlook.UNKNOWN, latest.utilization, None)
    segment = current_segment(readings)
    if latest.utilization is None or not segment:
        return _unknown(base, N_("no known value"))
    last = segment[-1]
    resets_at = _reset_time(last, now)
    base = replace(base, resets_at=resets_at)
    if last.resets_at is not None and last.resets_at <= now:
        return _unknown(base, N_("the window has reset since the last reading"))
    assert last.utilization is not None
    if last.utilization >= LIMIT:
        return replace(base, outlook=Outlook.AT_LIMIT)
    rate = _rate(segment, _earlier_end(readings, segment), now)
    if rate is None:
        return _unknown(base, N_("not enough history yet"))
    return _project(replace(base, rate=rate), last.utilization, rate, now)


def _project(base: Forecast, utilization: float, rate: float, now: datetime) -> Forecast:
    limit_at = now + timedelta(hours=(LIMIT - utilization) / rate) if rate > 0 else None
    if base.resets_at is None:
        if limit_at is None:
            return replace(base, outlook=Outlook.CLEARS, ends_near=utilization)
        return replace(base, outlook=Outlook.HITS, limit_at=limit_at)
    if limit_at is not None and limit_at < base.resets_at:
        return replace(base, outlook=Outlook.HITS, limit_at=limit_at)
    hours_left = (base.resets_at - now).total_seconds() / 3600.0
    return replace(base, outlook=Outlook.CLEARS, ends_near=utilization + max(rate, 0.0) * hours_left)


def _reset_time(last: Reading, now: datetime) -> datetime | None:
    if last.resets_at is not None or last.window != EXTRA_WINDOW:
        return last.resets_at
    # extra usage is billed monthly and the API sends no reset: assume the 1st, 00:00 UTC
    start = now.astimezone(UTC)
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def _earlier_end(readings: Sequence[Reading], segment: Sequence[Reading]) -> datetime | None:
    """When the previous window's last reading was taken (the current one began after it)."""
    before = [r.fetched_at for r in readings if r.fetched_at < segment[0].fetched_at]
    return max(before) if before else None


def _rate(segment: Sequence[Reading], earlier_end: datetime | None, now: datetime) -> float | None:
    """Percentage points per hour over the look-back, or None when the data span is too short."""
    points = list(zip((r.fetched_at for r in segment), _running_max(segment), strict=True))
    length = window_length(segment[-1].window)
    resets_at = segment[-1].resets_at
    if length is not None and resets_at is not None:
        start = resets_at - length
        if start < points[0][0] and (earlier_end is None or earlier_end <= start):
            points.insert(0, (start, 0.0))  # every window starts empty
    reach = lookback(length)
    since = max(now - reach, points[0][0])
    if now - since < reach / 4:
        return None
    hours = (now - since).total_seconds() / 3600.0
    latest = segment[-1].utilization or 0.0  # what is on screen, even right after a dip
    return (latest - _value_at(points, since)) / hours


def _running_max(segment: Sequence[Reading]) -> list[float]:
    """Usage within a window never falls: a lower reading than an earlier one is noise."""
    values: list[float] = []
    for row in segment:
        values.append(max(row.utilization or 0.0, values[-1] if values else 0.0))
    return values


def _value_at(points: Sequence[tuple[datetime, float]], when: datetime) -> float:
    """Linear between readings (the change happened somewhere in between), constant after the last."""
    for (t0, v0), (t1, v1) in pairwise(points):
        if t0 <= when <= t1:
            span = (t1 - t0).total_seconds()
            return v0 if span <= 0 else v0 + (v1 - v0) * (when - t0).total_seconds() / span
    return points[-1][1] if when >= points[-1][0] else points[0][1]


def _unknown(base: Forecast, reason: str) -> Forecast:
    return replace(base, outlook=Outlook.UNKNOWN, reason=reason)


def forecast_all(readings: Iterable[Reading], now: datetime) -> list[Forecast]:
    """One forecast per (account, window), the binding wall first."""
    groups: dict[tuple[str, str], list[Reading]] = {}
    for row in readings:
        groups.setdefault((row.account, row.window), []).append(row)
    forecasts = [f for rows in groups.values() if (f := forecast_window(rows, now)) is not None]
    return sorted(forecasts, key=_binding_order)


def _binding_order(forecast: Forecast) -> tuple[int, float, str]:
    far = float("inf")
    if forecast.outlook is Outlook.AT_LIMIT:
        resets = forecast.resets_at.timestamp() if forecast.resets_at else far
        return (0, -resets, forecast.label)  # blocked longest first
    if forecast.outlook is Outlook.HITS:
        return (1, forecast.limit_at.timestamp() if forecast.limit_at else far, forecast.label)
    if forecast.outlook is Outlook.CLEARS:
        return (2, -(forecast.ends_near or 0.0), forecast.label)
    return (3, 0.0, forecast.label)


def binding_wall(forecasts: Iterable[Forecast]) -> Forecast | None:
    """The window that stops you first; None when no window has a forecast."""
    known = [f for f in forecasts if f.outlook is not Outlook.UNKNOWN]
    return min(known, key=_binding_order) if known else None


def describe(forecast: Forecast, now: datetime, tz: tzinfo | None = None) -> str:
    """One line for the menu and ``status``; times in ``tz`` (local time when None)."""
    reset = _reset_phrase(forecast, now, tz)
    if forecast.outlook is Outlook.AT_LIMIT:
        return (
            _("at the limit until {reset}").format(reset=reset) if forecast.resets_at else _("at the limit")
        )
    if forecast.outlook is Outlook.HITS:
        assert forecast.limit_at is not None
        clock = format_clock(forecast.limit_at, now, tz)
        if forecast.resets_at:
            return _("at this pace: limit at {clock}, before {reset}").format(clock=clock, reset=reset)
        return _("at this pace: limit at {clock}").format(clock=clock)
    if forecast.outlook is Outlook.CLEARS:
        return _clears(forecast, reset)
    if forecast.reason:
        return _("no forecast: {reason}").format(reason=_(forecast.reason))
    return _("no forecast")


def _clears(forecast: Forecast, reset: str) -> str:
    if not forecast.resets_at:
        return _("not rising")
    if forecast.ends_near is not None and round(forecast.ends_near) >= LIMIT:
        # "won't hit ... (100%)" would contradict itself
        return _("at this pace: about at the limit by {reset}").format(reset=reset)
    if forecast.ends_near is None:
        return _("won't hit the limit before {reset}").format(reset=reset)
    near = _round_percent(forecast.ends_near)
    return _("won't hit the limit before {reset} (ends near {percent})").format(reset=reset, percent=near)


def _round_percent(value: float) -> str:
    """ "64%" the way the forecast always said it (half to even), in the user's locale."""
    return f"{value:.0f}%" if i18n.language() is None else format_percent(round(value))


def _reset_phrase(forecast: Forecast, now: datetime, tz: tzinfo | None) -> str:
    if forecast.window == EXTRA_WINDOW:
        return _("the month ends")
    if forecast.resets_at:
        return _("the reset at {clock}").format(clock=format_clock(forecast.resets_at, now, tz))
    return _("the reset")


def account_forecasts(
    recent: Iterable[Reading], snapshot: UsageSnapshot | None, now: datetime
) -> list[Forecast]:
    """Forecasts for one account from its recent history plus the snapshot on screen (binding first).

    The snapshot counts as the latest reading even when history did not store it (unchanged
    values are not stored, and ``status`` runs without the daemon). With a snapshot, only its
    windows get a forecast: a window the current reading does not show is not named.
    """
    rows = list(recent)
    if snapshot is None:
        return forecast_all(rows, now)
    current, extra = readings_of(snapshot)
    rows += current
    if extra is not None:
        rows.append(extra.as_reading())
    shown = {row.window for row in current}
    if extra is not None and extra.enabled:
        shown.add(EXTRA_WINDOW)
    return [f for f in forecast_all(rows, now) if f.window in shown]


def account_wall(recent: Iterable[Reading], snapshot: UsageSnapshot | None, now: datetime) -> Forecast | None:
    """The binding wall of one account (what the menu and ``status`` show first)."""
    return binding_wall(account_forecasts(recent, snapshot, now))


def forecast_json(forecast: Forecast, now: datetime, tz: tzinfo | None = None) -> dict[str, object]:
    """The forecast for ``status --json``: machine fields plus the sentence people read."""

    def iso(when: datetime | None) -> str | None:
        return when.isoformat() if when is not None else None

    return {
        "window": forecast.window,
        "label": forecast.label,
        "outlook": forecast.outlook.value,
        "limit_at": iso(forecast.limit_at),
        "resets_at": iso(forecast.resets_at),
        "ends_near": forecast.ends_near,
        "rate_per_hour": forecast.rate,
        "text": _english(forecast, now, tz),
    }


def _english(forecast: Forecast, now: datetime, tz: tzinfo | None) -> str:
    """The sentence in English: ``status --json`` values do not change with the reader's locale."""
    with i18n.use("en"):
        return describe(forecast, now, tz)
