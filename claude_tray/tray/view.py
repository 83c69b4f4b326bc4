"""The tray's view model: a pure function from account statuses to what the tray shows.

:func:`build_view` turns ``(statuses, settings, now)`` into a frozen :class:`TrayView`: the
icon's :class:`~claude_tray.model.IconSpec` (the render cache key), a one-line title/tooltip,
and the menu as a tuple of :class:`MenuEntry`. Nothing here touches pystray, the clock or a
file: the adapter in :mod:`claude_tray.tray.icon` compares views and redraws only on change.

Countdowns ("resets in 2h 14m (14:30)") and ages ("updated 3m ago") are computed from ``now``;
``TrayView.next_change`` says when the next one would read differently, so the app can tick
at most once a minute and only while something would change. Unknown numbers are never 0 %.

>>> from datetime import UTC, datetime
>>> from claude_tray.settings.schema import Settings
>>> view = build_view([], Settings(), datetime(2026, 1, 1, tzinfo=UTC))
>>> view.icon.health, [e.label for e in view.menu if e.action is Action.QUIT]
(<Health.STARTING: 'starting'>, ['Quit'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo

from claude_tray.claude_code.context import SessionContext, session_menu_lines
from claude_tray.i18n import _, ngettext
from claude_tray.model import (
    AccountStatus,
    ExtraState,
    Health,
    IconSpec,
    Severity,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
    severity,
    worst_severity,
)
from claude_tray.poller.staleness import RESET_NOTE, as_of, reset_since
from claude_tray.report import wording
from claude_tray.report.wording import format_age, format_reset
from claude_tray.settings.model import Settings
from claude_tray.tray.menu import SEPARATOR, USAGE_PAGE, Action, MenuContribution, MenuEntry, TrayView
from claude_tray.usage.forecast import Forecast, describe, pace_tick, pace_words
from claude_tray.usage.history import EXTRA_WINDOW

__all__ = ["SEPARATOR", "USAGE_PAGE", "Action", "MenuEntry", "TrayView", "build_view", "icon_spec"]


def _info(label: str) -> MenuEntry:
    return MenuEntry(label, enabled=False)


_GROUP_ORDER = {WindowGroup.SESSION: 0, WindowGroup.WEEKLY: 1, WindowGroup.MODEL: 2, WindowGroup.OTHER: 3}

# For "worst of all": among accounts equally full, the least trustworthy one wins.
_HEALTH_RANK = {
    Health.FRESH: 0,
    Health.STARTING: 1,
    Health.STALE: 2,
    Health.OFFLINE: 3,
    Health.ERROR: 3,
    Health.RATE_LIMITED: 4,
    Health.BLOCKED: 5,
    Health.NO_CREDENTIALS: 5,
    Health.UNAUTHORIZED: 6,
}


@dataclass(frozen=True, slots=True)
class _Options:
    """What the view depends on besides statuses and time."""

    settings: Settings
    hidden: frozenset[str]
    autostart: bool | None
    tz: tzinfo | None
    menu: MenuContribution = field(default_factory=MenuContribution)


def build_view(
    statuses: Sequence[AccountStatus],
    settings: Settings,
    now: datetime,
    *,
    hidden: frozenset[str] = frozenset(),
    autostart: bool | None = None,
    tz: tzinfo | None = None,
    menu: MenuContribution | None = None,
) -> TrayView:
    """The view at ``now``. ``hidden`` names accounts hidden from the menu (local only);
    ``autostart`` is the "Start at login" state (None: not offered); ``tz`` None = local time;
    ``menu`` is what the app's parts add (forecast headlines, account marks, sections under
    the accounts, extra actions)."""
    options = _Options(settings, hidden, autostart, tz, menu or MenuContribution())
    view = _view_at(statuses, options, now)
    return replace(view, next_change=_next_change(view, statuses, options, now))


def _view_at(statuses: Sequence[AccountStatus], options: _Options, now: datetime) -> TrayView:
    settings = options.settings
    shown = tuple(s for s in statuses if s.account not in options.hidden)
    icon = icon_spec(_icon_account(shown or tuple(statuses), settings, now), settings, now)
    menu = (
        *_accounts_section(shown, options, now),
        *(entry for section in options.menu.sections if section for entry in (SEPARATOR, *section)),
        SEPARATOR,
        *_actions(shown, len(statuses) - len(shown), options),
    )
    return TrayView(icon=icon, title=_title(shown, settings, now), menu=menu)


# ----------------------------------------------------------------------------- icon


def _rounded(value: float | None) -> float | None:
    """Whole percent (half up, like the menu), so sub-percent changes never re-render."""
    return None if value is None or not math.isfinite(value) else float(math.floor(value + 0.5))


def _current(status: AccountStatus, now: datetime) -> UsageSnapshot | None:
    """The last good snapshot as it stands at ``now`` (windows reset since read 0 %)."""
    return as_of(status.snapshot, now) if status.snapshot is not None else None


def _ring_value(snapshot: UsageSnapshot | None, key: str) -> float | None:
    window = snapshot.window(key) if snapshot is not None else None
    return _rounded(window.utilization) if window is not None and window.drives else None


def _ring_severity(status: AccountStatus, settings: Settings, now: datetime) -> Severity | None:
    snapshot = _current(status, now)
    values = (_ring_value(snapshot, settings.icon.outer), _ring_value(snapshot, settings.icon.inner))
    return worst_severity(severity(v, settings.thresholds) for v in values)


def icon_spec(status: AccountStatus | None, settings: Settings, now: datetime) -> IconSpec:
    """The icon for one account: rings from the configured windows, colour from the worse one."""
    if status is None:
        return IconSpec(None, None, None, Health.STARTING)
    snapshot = _current(status, now)
    outer = _ring_value(snapshot, settings.icon.outer)
    inner = _ring_value(snapshot, settings.icon.inner)
    level = worst_severity(severity(v, settings.thresholds) for v in (outer, inner))
    text = f"{outer:.0f}" if settings.icon.show_percent and outer is not None else None
    return _paced(IconSpec(outer, inner, level, status.health, text), snapshot, settings, now)


def _paced(spec: IconSpec, snapshot: UsageSnapshot | None, settings: Settings, now: datetime) -> IconSpec:
    """The pace ticks of the two rings (``[icon] pace_mark``), for known rings only."""
    if not settings.icon.pace_mark or snapshot is None:
        return spec
    outer, inner = (snapshot.window(k) for k in (settings.icon.outer, settings.icon.inner))
    return replace(
        spec,
        outer_pace=pace_tick(outer, now) if spec.outer is not None else None,
        inner_pace=pace_tick(inner, now) if spec.inner is not None else None,
    )


def _icon_account(
    statuses: Sequence[AccountStatus], settings: Settings, now: datetime
) -> AccountStatus | None:
    """The account marked active (icon_account = "active"), else the worst of all."""
    if settings.general.icon_account == "active":
        active = {a.name for a in settings.accounts if a.active}
        marked = [s for s in statuses if s.account in active]
        if marked:
            return marked[0]

    def badness(status: AccountStatus) -> tuple[int, int]:
        level = _ring_severity(status, settings, now)
        return (-1 if level is None else int(level), _HEALTH_RANK[status.health])

    return max(statuses, key=badness, default=None)


# ----------------------------------------------------------------------------- title


def _summary(status: AccountStatus, settings: Settings, now: datetime) -> str:
    """ "5-hour 42% · Weekly 85%", plus the state when the numbers are not fresh."""
    snapshot = _current(status, now)
    parts = []
    for key in (settings.icon.outer, settings.icon.inner):
        window = snapshot.window(key) if snapshot is not None else None
        if window is not None and window.drives:
            parts.append(f"{wording.label(window.label)} {wording.short_percent(window)}")
    alert = wording.extra_alert(snapshot.extra) if snapshot is not None else None
    text = " · ".join(parts) if parts else _("no data")
    text += f" · {alert}" if alert else ""
    if status.health is not Health.FRESH:
        text += f" ({(status.message or wording.health_words(status.health)).lower()})"
    return text


def _title(shown: Sequence[AccountStatus], settings: Settings, now: datetime) -> str:
    if not shown:
        return _("Claude usage")
    if len(shown) == 1:
        return _("Claude usage: {summary}").format(summary=_summary(shown[0], settings, now))
    return " | ".join(f"{s.account}: {_summary(s, settings, now)}" for s in shown)


# ----------------------------------------------------------------------------- menu


def _accounts_section(
    shown: Sequence[AccountStatus], options: _Options, now: datetime
) -> tuple[MenuEntry, ...]:
    tz, walls = options.tz, options.menu.headlines
    if not shown:
        return (_info(_("All accounts hidden")),)
    if len(shown) == 1:
        return account_rows(shown[0], now, tz, walls.get(shown[0].account))
    if len(shown) == 2:
        first, second = shown
        return (
            _info(_heading(first.account, options)),
            *account_rows(first, now, tz, walls.get(first.account)),
            SEPARATOR,
            _info(_heading(second.account, options)),
            *account_rows(second, now, tz, walls.get(second.account)),
        )
    return tuple(
        MenuEntry(
            f"{_heading(s.account, options)}: {_summary(s, options.settings, now)}",
            submenu=(
                *account_rows(s, now, tz, walls.get(s.account)),
                SEPARATOR,
                MenuEntry(_("Hide this account"), Action.HIDE_ACCOUNT, account=s.account),
            ),
        )
        for s in shown
    )


def _heading(account: str, options: _Options) -> str:
    mark = options.menu.marks.get(account)
    return f"{account} · {mark}" if mark else account


def sessions_section(sessions: Sequence[SessionContext]) -> tuple[MenuEntry, ...]:
    """ "Context windows (estimated)" then "claude-tray · Opus · 62% of 1M" per active session."""
    if not sessions:
        return ()
    return (_info(_("Context windows (estimated)")), *map(_info, session_menu_lines(sessions)))


def account_rows(
    status: AccountStatus, now: datetime, tz: tzinfo | None = None, wall: Forecast | None = None
) -> tuple[MenuEntry, ...]:
    """The readout of one account: extra usage if it ran out, the binding-wall forecast, windows,
    extra usage otherwise, the weekly breakdown, age and source, and its state."""
    raw = status.snapshot
    extra = _extra_row(raw) if raw is not None else None
    alert = raw is not None and wording.extra_alert(raw.extra) is not None
    rows: list[MenuEntry] = [extra] if extra is not None and alert else []  # ran out: read first
    if raw is not None and wall is not None and _in_reading(wall, raw):
        rows.append(_info(f"{wording.label(wall.label)}: {describe(wall, now, tz)}"))
    if raw is not None:
        reset = {w.key for w in raw.windows if reset_since(w, now)}
        reset |= {w.key for w in raw.windows if f"{w.label}: {RESET_NOTE}" in status.detail}
        windows = sorted(raw.windows, key=lambda w: _GROUP_ORDER[w.group])
        rows.extend(_info(_window_label(w, now, tz, was_reset=w.key in reset)) for w in windows)
        if extra is not None and not alert:
            rows.append(extra)
        if raw.breakdown is not None and raw.breakdown.rows:
            rows.append(_info(f"{_(wording.BREAKDOWN_LABEL)}: {wording.breakdown_text(raw.breakdown)}"))
        if not raw.windows and raw.extra is None:
            rows.append(_info(_("No usage limits reported")))
        rows.append(
            _info(
                _("updated {age} · {source}").format(
                    age=format_age(raw.fetched_at, now), source=_(raw.provenance)
                )
            )
        )
    state = _state_line(status)
    if state:
        rows.append(_info(state))
    return tuple(rows)


def _extra_row(snapshot: UsageSnapshot) -> MenuEntry | None:
    """Extra usage unless it is plainly switched off ("off" is not worth a row; "out of credits" is)."""
    extra = snapshot.extra
    if extra is None or extra.state is ExtraState.OFF:
        return None
    return _info(_("Extra usage: {amounts}").format(amounts=wording.extra_text(extra)))


def _in_reading(wall: Forecast, snapshot: UsageSnapshot) -> bool:
    """A headline names only a window the current reading shows (or its extra usage)."""
    if snapshot.window(wall.window) is not None:
        return True
    return wall.window == EXTRA_WINDOW and snapshot.extra is not None and snapshot.extra.enabled


def _window_label(window: UsageWindow, now: datetime, tz: tzinfo | None, *, was_reset: bool) -> str:
    if was_reset:
        return f"{wording.label(window.label)}: {wording.format_percent(0)} · {_(RESET_NOTE)}"
    parts = [f"{wording.label(window.label)}: {wording.window_value(window)}"]  # "no data" gets no reset time
    if window.resets_at is not None and (window.utilization is not None or window.dollars is not None):
        parts.append(format_reset(window.resets_at, now, tz))
    if window.utilization is not None and (words := pace_words(window, now)):
        parts.append(words)
    if window.read_at is not None:  # kept from an older reading than the rest: its own age
        parts.append(_("read {age}").format(age=format_age(window.read_at, now)))
    return " · ".join((*parts, *wording.window_notes(window)))


def _state_line(status: AccountStatus) -> str:
    """ "Rate limited - next try 14:05", "Login expired - open Claude Code once ..."; "" when fresh."""
    if status.health is Health.FRESH:
        return ""
    message = status.message or wording.health_words(status.health).capitalize()
    return f"{message} - {status.hint}" if status.hint else message


def _actions(shown: Sequence[AccountStatus], hidden_count: int, options: _Options) -> tuple[MenuEntry, ...]:
    autostart = options.autostart
    entries = [
        MenuEntry(_("Refresh now"), Action.REFRESH, default=True),
        MenuEntry(_("Edit settings..."), Action.EDIT_SETTINGS),
        MenuEntry(_("Open usage page"), Action.OPEN_USAGE_PAGE),
    ]
    entries.extend(options.menu.actions)
    if autostart is not None:
        entries.append(MenuEntry(_("Start at login"), Action.TOGGLE_AUTOSTART, checked=autostart))
    if len(shown) == 2:  # with more, each account's submenu has its own "Hide this account"
        hide = tuple(MenuEntry(s.account, Action.HIDE_ACCOUNT, account=s.account) for s in shown)
        entries.append(MenuEntry(_("Hide account"), submenu=hide))
    if hidden_count:
        entries.append(
            MenuEntry(
                ngettext("Show all ({count} hidden)", "Show all ({count} hidden)", hidden_count).format(
                    count=hidden_count
                ),
                Action.SHOW_ALL,
            )
        )
    return (*entries, SEPARATOR, MenuEntry(_("Quit"), Action.QUIT))


# ----------------------------------------------------------------------------- ticking

_MINUTE = 60.0
_PAST_FLIP = 1.0  # labels floor their seconds: look one second after a minute boundary
_HORIZON = 61  # minutes looked ahead; every label here changes within an hour


def _next_change(
    view: TrayView, statuses: Sequence[AccountStatus], options: _Options, now: datetime
) -> datetime | None:
    """The first instant the view reads differently, found by trying the instants where a
    minute-granular countdown or age can flip (no knowledge of the label formats needed)."""
    for when in _flip_instants(_references(statuses, options.hidden), now):
        if _view_at(statuses, options, when) != view:
            return when
    return None


def _references(statuses: Iterable[AccountStatus], hidden: frozenset[str]) -> list[datetime]:
    refs = []
    for status in statuses:
        if status.snapshot is None or status.account in hidden:
            continue
        refs.append(status.snapshot.fetched_at)
        refs.extend(w.resets_at for w in status.snapshot.windows if w.resets_at is not None)
        refs.extend(w.read_at for w in status.snapshot.windows if w.read_at is not None)
    return refs


def _flip_instants(refs: Iterable[datetime], now: datetime) -> list[datetime]:
    offsets = sorted({(ref - now).total_seconds() % _MINUTE for ref in refs})
    return sorted(
        now + timedelta(seconds=offset + _PAST_FLIP + minute * _MINUTE)
        for offset in offsets
        for minute in range(_HORIZON)
    )
