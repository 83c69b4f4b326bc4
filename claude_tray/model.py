"""The nouns every layer shares: usage windows, snapshots, severity and health.

Two questions are kept apart on purpose:

* **how full** a window is -> :class:`Severity`, computed from thresholds;
* **how trustworthy** the numbers are -> :class:`Health`, decided by the poller.

An unknown utilization is ``None`` and is never shown as 0 %.

>>> severity(42.0, Thresholds())
<Severity.CALM: 0>
>>> severity(None, Thresholds()) is None
True
>>> worst_severity([severity(42.0, Thresholds()), severity(91.0, Thresholds())])
<Severity.CRITICAL: 2>
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from claude_tray.i18n import N_

__all__ = [
    "AccountStatus",
    "BreakdownRow",
    "Dollars",
    "ExtraState",
    "ExtraUsage",
    "Health",
    "IconSpec",
    "Severity",
    "SourceKind",
    "StatusChange",
    "Thresholds",
    "UsageSnapshot",
    "UsageWindow",
    "WeeklyBreakdown",
    "WindowGroup",
    "severity",
    "worst_severity",
]


class Severity(enum.IntEnum):
    """How full a window is. Ordered, so ``max()`` picks the worst window."""

    CALM = 0
    WARN = 1
    CRITICAL = 2
    FULL = 3


class Health(enum.Enum):
    """How trustworthy the shown numbers are. Each value has its own icon glyph and fix hint."""

    STARTING = "starting"  # no poll has finished yet
    FRESH = "fresh"
    STALE = "stale"  # last good data is older than it should be (e.g. after a format error)
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"  # 401/403, expired or scope-less token: polling stopped
    BLOCKED = "blocked"  # Cloudflare challenge on claude.ai
    OFFLINE = "offline"  # network, DNS, timeout, 5xx
    NO_CREDENTIALS = "no_credentials"
    ERROR = "error"  # unexpected response format


class SourceKind(enum.Enum):
    """Where a credential (and so a snapshot) came from."""

    CLI = "cli"  # Claude Code's .credentials.json
    KEYCHAIN = "keychain"  # Claude Code's macOS Keychain item
    WEB = "web"  # a claude.ai sessionKey kept in the OS keyring
    STATUSLINE = "statusline"  # numbers recorded by the Claude Code status-line bridge
    USAGE_CACHE = "usage_cache"  # Claude Code's own cached /usage reading in .claude.json (no secret)

    @property
    def provenance(self) -> str:
        """Human wording for "where these numbers came from" (English; shown as ``_(provenance)``)."""
        return _PROVENANCE[self]


_PROVENANCE = {
    SourceKind.CLI: N_("via usage API"),
    SourceKind.KEYCHAIN: N_("via usage API (Keychain login)"),
    SourceKind.WEB: N_("via claude.ai session"),
    SourceKind.STATUSLINE: N_("via Claude Code status line"),
    SourceKind.USAGE_CACHE: N_("via Claude Code's usage cache"),
}


class WindowGroup(enum.Enum):
    """Which family a window belongs to; drives ordering and which window feeds a ring."""

    SESSION = "session"  # the rolling 5-hour window
    WEEKLY = "weekly"  # the all-models weekly window
    MODEL = "model"  # a per-model (scoped) weekly window
    OTHER = "other"  # anything else the server sends (routines, cowork, unknown kinds)


@dataclass(frozen=True, slots=True)
class Dollars:
    """The money side of a window (Enterprise seats, credit grants), in US dollars as sent."""

    limit: float | None
    used: float | None
    remaining: float | None

    def percent(self) -> float | None:
        """Used share of the limit, computed (the server sent no percentage); None if unknowable."""
        limit = self.limit
        if limit is None and self.used is not None and self.remaining is not None:
            limit = self.used + self.remaining
        used = self.used
        if used is None and limit is not None and self.remaining is not None:
            used = limit - self.remaining
        if used is None or limit is None or limit <= 0:
            return None
        share = used / limit * 100.0
        return round(share, 4) if math.isfinite(share) else None


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """One usage limit window as the server reported it.

    ``utilization`` is a percentage 0-100 as sent (it may exceed 100); ``None`` means
    unknown and is never drawn as 0 %. ``resets_at`` is an aware UTC datetime or ``None``.

    Late-2026 additions: ``dollars`` and ``locked_reason`` as sent; ``computed`` says
    ``utilization`` was derived from ``dollars`` (the server sent none) and must be labelled so;
    ``active`` is a ``limits[]`` row's ``is_active``; ``drives`` is False for a limit the program
    does not understand (an unknown ``limits[]`` kind), which is shown but never colours the icon
    or the waybar class, never notifies and is never forecast.
    """

    key: str  # stable: "five_hour", "seven_day", "model:Opus", "seven_day_cowork", ...
    label: str  # human: "5-hour", "Weekly", "Opus (weekly)"
    utilization: float | None
    resets_at: datetime | None
    group: WindowGroup = WindowGroup.OTHER
    dollars: Dollars | None = None
    locked_reason: str | None = None
    computed: bool = False
    active: bool | None = None
    drives: bool = True
    # set when this window was kept from an older reading than its snapshot's (see fuse.py):
    # that reading's own time, so the window is labelled with its own age
    read_at: datetime | None = None


class ExtraState(enum.Enum):
    """What paid extra usage is doing. "Off" (switched off) is not "you ran out"."""

    ON = "on"
    OFF = "off"  # switched off: by the user, or for a reason the server names
    OUT_OF_CREDITS = "out_of_credits"
    SPEND_LIMIT_REACHED = "spend_limit_reached"


@dataclass(frozen=True, slots=True)
class ExtraUsage:
    """Paid overage ("extra usage"), in major currency units (dollars, euros).

    ``disabled_reason`` (e.g. "out_of_credits"), ``user_disabled`` and ``spend_limit_reached``
    are as sent (None = not sent); :attr:`state` reads them together.
    """

    enabled: bool
    used: float | None
    limit: float | None  # None = uncapped
    currency: str  # ISO code, e.g. "USD"
    utilization: float | None
    currency_assumed: bool = False  # the server sent no currency; USD is a guess
    disabled_reason: str | None = None
    user_disabled: bool | None = None
    spend_limit_reached: bool | None = None

    @property
    def state(self) -> ExtraState:
        reason = (self.disabled_reason or "").strip().casefold()
        if reason == ExtraState.OUT_OF_CREDITS.value:
            return ExtraState.OUT_OF_CREDITS
        if self.spend_limit_reached or reason == ExtraState.SPEND_LIMIT_REACHED.value:
            return ExtraState.SPEND_LIMIT_REACHED
        return ExtraState.ON if self.enabled else ExtraState.OFF


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One surface's share of the week's use (``seven_day_breakdown.rows[]``), as sent."""

    key: str  # "claude_code", "chat", ...
    label: str  # the server's display name: "Claude Code", "Chats"
    percent: float | None  # None = not sent (never shown as 0 %)


@dataclass(frozen=True, slots=True)
class WeeklyBreakdown:
    """Which surface used the week (``seven_day_breakdown``); ``rows`` may be empty."""

    rows: tuple[BreakdownRow, ...]
    as_of: datetime | None = None
    window_started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UsageSnapshot:
    """Everything one successful reading said about one account."""

    account: str
    source: SourceKind
    fetched_at: datetime  # aware UTC
    windows: tuple[UsageWindow, ...]
    extra: ExtraUsage | None = None
    breakdown: WeeklyBreakdown | None = None

    @property
    def provenance(self) -> str:
        return self.source.provenance

    def window(self, key: str) -> UsageWindow | None:
        """The window with this key, or None (never a fabricated 0 % row)."""
        return next((w for w in self.windows if w.key == key), None)


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """What the UI shows for one account: the last good snapshot plus how far to trust it.

    ``snapshot`` survives failures (it is the *last good* one); ``health`` says what went
    wrong since, ``message`` is a one-line state ("Rate limited") and ``hint`` the fix
    ("next try 14:05"). ``next_attempt_at`` is when the poller will try again, if it will.
    """

    account: str
    health: Health
    snapshot: UsageSnapshot | None = None
    message: str = ""
    hint: str = ""
    next_attempt_at: datetime | None = None
    changed_at: datetime | None = None
    detail: tuple[str, ...] = field(default=())
    source: SourceKind | None = None  # where readings come from, known even before the first success


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Utilization (%) at which a window turns *warn* and *critical*; 100 % is *full*."""

    warn: float = 70.0
    critical: float = 90.0


def severity(utilization: float | None, thresholds: Thresholds) -> Severity | None:
    """How full one window is; None when the utilization is unknown."""
    if utilization is None:
        return None
    if utilization >= 100.0:
        return Severity.FULL
    if utilization >= thresholds.critical:
        return Severity.CRITICAL
    if utilization >= thresholds.warn:
        return Severity.WARN
    return Severity.CALM


def worst_severity(levels: Iterable[Severity | None]) -> Severity | None:
    """The worst known severity, or None when every window is unknown."""
    known = [level for level in levels if level is not None]
    return max(known) if known else None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What listeners (tray, notifications, history, ``watch``) receive: one account changed.

    ``previous`` is None for the first status of an account. Listeners run on the poller's
    thread, must be quick, and may raise: the poller logs and carries on.
    """

    previous: AccountStatus | None
    current: AccountStatus


@dataclass(frozen=True, slots=True)
class IconSpec:
    """Everything that changes the tray icon's pixels, and nothing else (the render cache key).

    ``outer``/``inner`` are the utilization (%) of the windows that drive the rings, rounded by
    the view builder so sub-pixel changes never trigger a re-render; None = unknown (drawn as
    an empty track, never as 0 %). ``severity`` colours the rings (the worse window's level);
    ``health`` picks the glyph/dimming; ``text`` is the optional centre label ("42").
    ``outer_pace``/``inner_pace`` are the share (0..1) of each ring's window already elapsed,
    where the pace tick goes, quantized by the view builder (None = no tick).
    """

    outer: float | None
    inner: float | None
    severity: Severity | None
    health: Health
    text: str | None = None
    outer_pace: float | None = None
    inner_pace: float | None = None
