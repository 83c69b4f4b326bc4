"""Desktop notifications: pure edge-triggered rules, and the listener that sends what they decide.

:class:`NoticeRules` remembers, per account and window, the last utilization seen and which
thresholds have already been announced in the current window period. From each
:class:`~claude_tray.model.StatusChange` it produces :class:`Notice` values, only on edges:

* **threshold**: a window reached a configured level (default 80 % and 95 %) that was not yet
  announced in this period; several levels crossed by one reading give one notice (the highest).
  With ``pace = true`` the notice waits until usage also runs ahead of the elapsed share of the
  window. The first reading of a window (start-up, a new account) only arms the rules.
* **extra usage**: paid extra usage ran out of credits or reached its spend limit (an edge from
  any other state; switched by ``usage``). A limit the program does not understand (an unknown
  ``limits[]`` kind) never notifies.
* **refill**: the utilization *dropped* by at least :data:`REFILL_MIN_DROP` points. That is the
  reset; a moved ``resets_at`` is not (Anthropic shifts reset times). It re-arms the thresholds
  and is announced only when the window had reached a threshold.
* **login lost / working again** (unauthorized and back to fresh), **blocked** (Cloudflare), and
  **settings invalid** (once per distinct problem, via :meth:`NoticeRules.settings_error`).
* **rate limited** (entering a 429 backoff): never a notification, only an event for the
  ``[events]`` command (:mod:`claude_tray.notifiers.events`), which takes every edge from
  :meth:`NoticeRules.edges` whatever the switches say.

Each kind can be switched off in ``[notifications]``; switched-off kinds still update the memory,
so turning one on later never releases a backlog. :class:`NotificationListener` wires the rules
to a :class:`Notifier` (see :mod:`claude_tray.notifiers`) and is what ``poller.add_listener``
takes.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol

from claude_tray.clock import Clock
from claude_tray.errors import ClaudeTrayError, ConfigError
from claude_tray.i18n import _
from claude_tray.model import AccountStatus, ExtraState, Health, StatusChange, UsageWindow
from claude_tray.report.wording import (
    extra_alert,
    extra_text,
    format_percent,
    format_reset,
    label,
    short_percent,
)
from claude_tray.settings.model import NotificationSettings, Settings
from claude_tray.usage.forecast import window_pace

__all__ = [
    "REFILL_MIN_DROP",
    "Notice",
    "NoticeKind",
    "NoticeRules",
    "NotificationListener",
    "Notifier",
    "Urgency",
]

log = logging.getLogger(__name__)

REFILL_MIN_DROP = 10.0  # percentage points; smaller dips are rounding noise, not a reset


class NoticeKind(enum.Enum):
    THRESHOLD = "threshold"
    EXTRA_USAGE = "extra_usage"
    REFILL = "refill"
    LOGIN_LOST = "login_lost"
    LOGIN_BACK = "login_back"
    BLOCKED = "blocked"
    SETTINGS_INVALID = "settings_invalid"
    RATE_LIMITED = "rate_limited"  # for event commands only: no desktop notification has it


class Urgency(enum.IntEnum):
    """The freedesktop urgency levels (the ``urgency`` hint: 0, 1, 2)."""

    LOW = 0
    NORMAL = 1
    CRITICAL = 2


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    title: str
    body: str
    urgency: Urgency = Urgency.NORMAL
    account: str = ""
    window: str = ""  # the window key, for threshold and refill notices
    utilization: float | None = None  # the window's usage (%), for threshold and refill notices
    level: float | None = None  # the threshold crossed, for threshold notices
    resets_at: datetime | None = None


class Notifier(Protocol):
    """Shows one notice on the desktop. Raises ClaudeTrayError when it cannot."""

    def send(self, notice: Notice) -> None: ...

    def close(self) -> None: ...


_SWITCH = {
    NoticeKind.THRESHOLD: "usage",
    NoticeKind.EXTRA_USAGE: "usage",
    NoticeKind.REFILL: "refill",
    NoticeKind.LOGIN_LOST: "login",
    NoticeKind.LOGIN_BACK: "login",
    NoticeKind.BLOCKED: "blocked",
    NoticeKind.SETTINGS_INVALID: "settings_invalid",
}


def allowed(kind: NoticeKind, settings: NotificationSettings) -> bool:
    return kind in _SWITCH and settings.enabled and bool(getattr(settings, _SWITCH[kind]))


@dataclass(slots=True)
class _Window:
    last: float
    announced: set[float] = field(default_factory=set)


class NoticeRules:
    """The edge detector. Pure apart from its own memory; ``now`` and ``tz`` come from the caller."""

    def __init__(self, settings: NotificationSettings, tz: tzinfo | None = None) -> None:
        self.settings = settings
        self._tz = tz
        self._windows: dict[tuple[str, str], _Window] = {}
        self._health: dict[str, Health] = {}
        self._extra: dict[str, ExtraState] = {}
        self._lost: set[str] = set()
        self._settings_problem: tuple[str, ...] | None = None

    def update_settings(self, settings: NotificationSettings) -> None:
        """New thresholds count as announced where usage already passed them (no burst on reload)."""
        self.settings = settings
        for memory in self._windows.values():
            memory.announced = self._passed(memory.last)

    def on_change(self, change: StatusChange, now: datetime) -> list[Notice]:
        return [n for n in self.edges(change, now) if allowed(n.kind, self.settings)]

    def edges(self, change: StatusChange, now: datetime) -> list[Notice]:
        """Every edge of this change, switched on or not (event commands run on all of them)."""
        status = change.current
        notices = self._health_edges(status)
        if status.snapshot is not None:
            for window in status.snapshot.windows:
                if window.drives:
                    notices.extend(self._window_edges(status.account, window, now))
            notices.extend(self._extra_edge(status))
        return notices

    def settings_error(self, error: ConfigError) -> list[Notice]:
        return [n for n in self.settings_error_edges(error) if allowed(n.kind, self.settings)]

    def settings_error_edges(self, error: ConfigError) -> list[Notice]:
        """One notice per distinct problem set; the same invalid file saved twice says it once."""
        lines = tuple(str(p) for p in error.problems)
        if lines == self._settings_problem:
            return []
        self._settings_problem = lines
        body = "\n".join((*lines, _("The previous settings stay in effect.")))
        return [Notice(NoticeKind.SETTINGS_INVALID, _("claude-tray settings not applied"), body)]

    def settings_ok(self) -> None:
        self._settings_problem = None

    # -- health ---------------------------------------------------------------------------------

    def _health_edges(self, status: AccountStatus) -> list[Notice]:
        name, health = status.account, status.health
        before = self._health.get(name)
        self._health[name] = health
        if health is before:
            return []
        known = before not in (None, Health.STARTING)  # at start-up the menu says it; no edge yet
        if health is Health.UNAUTHORIZED:
            self._lost.add(name)
            return [self._notice(NoticeKind.LOGIN_LOST, status, _("login stopped working"))] if known else []
        if health is Health.FRESH and name in self._lost:
            self._lost.discard(name)
            return [self._notice(NoticeKind.LOGIN_BACK, status, _("login works again"), Urgency.LOW)]
        if health is Health.BLOCKED and known:
            return [self._notice(NoticeKind.BLOCKED, status, _("blocked by claude.ai"))]
        if health is Health.RATE_LIMITED and known:
            return [self._notice(NoticeKind.RATE_LIMITED, status, _("rate limited"))]
        return []

    def _notice(
        self, kind: NoticeKind, status: AccountStatus, what: str, urgency: Urgency = Urgency.NORMAL
    ) -> Notice:
        body = " ".join(part for part in (_sentence(status.message), _sentence(status.hint)) if part)
        return Notice(kind, f"{_who(status.account)}{what}", body, urgency, status.account)

    def _extra_edge(self, status: AccountStatus) -> list[Notice]:
        """Extra usage just ran out (first sight only arms: the menu says it already)."""
        extra = status.snapshot.extra if status.snapshot is not None else None
        if extra is None:
            return []
        before = self._extra.get(status.account)
        self._extra[status.account] = extra.state
        alert = extra_alert(extra)
        if before is None or before is extra.state or alert is None:
            return []
        title = f"{_who(status.account)}{alert[:1].upper()}{alert[1:]}"
        body = _sentence(_("Extra usage: {amounts}").format(amounts=extra_text(extra)))
        return [Notice(NoticeKind.EXTRA_USAGE, title, body, Urgency.CRITICAL, status.account, "extra_usage")]

    # -- windows --------------------------------------------------------------------------------

    def _passed(self, utilization: float) -> set[float]:
        return {t for t in self.settings.thresholds if utilization >= t}

    def _window_edges(self, account: str, window: UsageWindow, now: datetime) -> list[Notice]:
        value = window.utilization
        if value is None:
            return []  # unknown is never a crossing, and never a drop to 0
        memory = self._windows.get((account, window.key))
        if memory is None:  # first sight: arm, do not announce what was already true
            self._windows[account, window.key] = _Window(value, self._passed(value))
            return []
        notices = []
        if value <= memory.last - REFILL_MIN_DROP:
            if self._passed(memory.last):
                notices.append(self._refill(account, window, memory.last, now))
            memory.announced = self._passed(value)
        memory.last = value
        fresh = self._passed(value) - memory.announced
        if fresh and self._ahead_of_pace(window, now):
            memory.announced |= fresh
            notices.append(self._threshold(account, window, max(fresh), now))
        return notices

    def _ahead_of_pace(self, window: UsageWindow, now: datetime) -> bool:
        if not self.settings.pace:
            return True
        delta = window_pace(window, now)
        return delta is None or delta > 0  # unknown pace (no reset time) never silences a warning

    def _threshold(self, account: str, window: UsageWindow, level: float, now: datetime) -> Notice:
        top = level >= max(self.settings.thresholds) or (window.utilization or 0) >= 100
        what = _("{window} limit at {percent}").format(
            window=label(window.label), percent=short_percent(window)
        )
        title = f"{_who(account)}{what}"
        body = _("Passed {percent}.").format(percent=format_percent(level)) + self._reset(window, now)
        urgency = Urgency.CRITICAL if top else Urgency.NORMAL
        return Notice(
            NoticeKind.THRESHOLD,
            title,
            body,
            urgency,
            account,
            window.key,
            window.utilization,
            level,
            window.resets_at,
        )

    def _refill(self, account: str, window: UsageWindow, before: float, now: datetime) -> Notice:
        title = f"{_who(account)}" + _("{window} limit refilled").format(window=label(window.label))
        now_was = _("Now {percent} (was {before}).")
        body = now_was.format(percent=format_percent(window.utilization), before=format_percent(before))
        body += self._reset(window, now)
        return Notice(
            NoticeKind.REFILL,
            title,
            body,
            Urgency.LOW,
            account,
            window.key,
            window.utilization,
            resets_at=window.resets_at,
        )

    def _reset(self, window: UsageWindow, now: datetime) -> str:
        if window.resets_at is None:
            return ""
        text = format_reset(window.resets_at, now, self._tz)
        return " " + _sentence(text)


def _who(account: str) -> str:
    return "" if account == "default" else f"{account}: "


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…", "\u3002", "\uff01", "\uff1f")) else text + _(".")


class NotificationListener:
    """Rules plus a sender; attach with ``poller.add_listener(listener)``.

    Runs on the poller's thread (``__call__``) and on whoever reloads settings; a lock keeps the
    rules' memory consistent. A sender that fails is logged once per failure streak and never
    raises into the poller.
    """

    def __init__(
        self, notifier: Notifier, settings: Settings, clock: Clock, tz: tzinfo | None = None
    ) -> None:
        self._notifier = notifier
        self._clock = clock
        self._rules = NoticeRules(settings.notifications, tz)
        self._lock = threading.Lock()
        self._failing = False

    def __call__(self, change: StatusChange) -> None:
        with self._lock:
            self._send(self._rules.on_change(change, self._clock.now()))

    def settings_applied(self, settings: Settings) -> None:
        with self._lock:
            self._rules.update_settings(settings.notifications)
            self._rules.settings_ok()

    def settings_invalid(self, error: ConfigError) -> None:
        with self._lock:
            self._send(self._rules.settings_error(error))

    def close(self) -> None:
        with self._lock:
            self._notifier.close()

    def _send(self, notices: list[Notice]) -> None:
        for notice in notices:
            try:
                self._notifier.send(notice)
            except ClaudeTrayError as err:
                if not self._failing:
                    log.warning("%s: notifications off", err.message)  # once, until one works again
                self._failing = True
            else:
                if self._failing:
                    log.info("notifications work again")
                self._failing = False
