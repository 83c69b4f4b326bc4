"""The poll decision: what an outcome means for an account's health and when to ask again.

Pure: :func:`decide` is a function of the outcome, the account's recent history, the policy
and an injected random generator (for jitter), so the whole table is tested without a clock.

=====================================  ================  ======================================
outcome                                health            next request
=====================================  ================  ======================================
success                                fresh             ``interval`` (+0..5 % jitter)
429 with Retry-After > 0               rate_limited      max(Retry-After, penalty); held
429 with Retry-After 0 or missing      rate_limited      penalty: 120 s x2 .. 1800 s, +-10 %
401 / 403 / expired / missing scope    unauthorized      none until the credential changes
Cloudflare challenge                   blocked           1800 s
5xx, timeout, DNS, refused             offline           30 s x2 .. 900 s, +-10 %
unexpected response format             error             ``interval``
no credentials                         no_credentials    local re-check only (no network)
credential file unreadable             no_credentials    local re-check after 15 s
=====================================  ================  ======================================

"Held" means a manual refresh may not cut the wait short. While held, a Claude Code account
(``Outcome.local_readings``) still has its local fingerprint checked: when it changes and a
fresh zero-network reading exists (status line or usage cache), it is taken at once, sending nothing. The exponent of both backoffs is the
number of failed requests since the last success, so mixed failures never reset the wait.

>>> import random
>>> from claude_tray.poller.outcome import Outcome, OutcomeKind
>>> policy = PollPolicy(interval=300.0)
>>> rng = random.Random(7)
>>> decide(Outcome(OutcomeKind.UNAUTHORIZED), History(), policy, rng)
Decision(health=<Health.UNAUTHORIZED: 'unauthorized'>, delay=None, held=False, watch_credentials=True)
>>> ok = decide(Outcome(OutcomeKind.SUCCESS), History(), policy, rng)
>>> ok.health.value, 300.0 <= ok.delay <= 315.0
('fresh', True)
>>> limited = decide(Outcome(OutcomeKind.RATE_LIMITED, retry_after=0.0), History(failures=2), policy, rng)
>>> limited.held, 432.0 <= limited.delay <= 528.0   # 120 s x 2**2, +-10 %
(True, True)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from claude_tray.errors import RETRY_AFTER_CAP
from claude_tray.model import Health
from claude_tray.poller.outcome import Outcome, OutcomeKind
from claude_tray.settings.model import Settings
from claude_tray.settings.schema import MIN_POLL_INTERVAL, min_poll_interval

__all__ = ["Decision", "History", "PollPolicy", "backoff", "decide", "record"]


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Every timing knob of the poller, in seconds. Built from settings by :meth:`from_settings`."""

    interval: float = 300.0  # between successful polls ([general] poll_interval, >= the floor)
    interval_jitter: float = 0.05  # success waits interval x [1, 1 + this]: never below the floor
    penalty_base: float = 120.0  # 429 without a usable Retry-After
    penalty_cap: float = 1800.0
    transient_base: float = 30.0  # 5xx, timeout, DNS, refused
    transient_cap: float = 900.0
    backoff_jitter: float = 0.10  # +- share applied to both backoffs
    blocked_delay: float = 1800.0  # Cloudflare: a long pause; the fix is another source
    credential_recheck: float = 15.0  # local fingerprint check while waiting for a new login
    retry_after_cap: float = RETRY_AFTER_CAP  # an absurd Retry-After is clamped (one peer: 6 h)
    spread: float = 1.5  # minimum gap between two accounts' requests
    wake_jump: float = 120.0  # wall clock ahead of monotonic by more than this = woke from sleep
    wake_settle: float = 10.0  # after a wake, give the network this long before the one poll

    @property
    def stale_after(self) -> float:
        """Fresh data older than this is shown as stale (a poll is overdue, e.g. after sleep)."""
        return 2.0 * self.interval

    @classmethod
    def from_settings(cls, settings: Settings, floor: float | None = None) -> PollPolicy:
        """The policy for these settings; ``floor`` defaults to :func:`min_poll_interval`.

        Normal use: the floor is 60 s and every default above applies unchanged. Only when the
        testing knob ``CLAUDE_TRAY_MIN_INTERVAL`` lowers the floor are the backoff bases, caps,
        the Cloudflare pause and the credential re-check scaled down by the same factor
        (floor / 60 s), so end-to-end tests see real backoff shapes in seconds, not hours.

        >>> from claude_tray.settings.schema import GeneralSettings
        >>> PollPolicy.from_settings(Settings(), floor=60.0).penalty_base
        120.0
        >>> fast = PollPolicy.from_settings(Settings(general=GeneralSettings(poll_interval=1.0)), floor=0.5)
        >>> fast.interval, fast.penalty_base, fast.transient_cap
        (1.0, 1.0, 7.5)
        """
        floor = min_poll_interval() if floor is None else floor
        scale = min(1.0, floor / MIN_POLL_INTERVAL)
        default = cls()
        return cls(
            interval=max(settings.poll_interval, floor),
            penalty_base=default.penalty_base * scale,
            penalty_cap=default.penalty_cap * scale,
            transient_base=default.transient_base * scale,
            transient_cap=default.transient_cap * scale,
            blocked_delay=default.blocked_delay * scale,
            credential_recheck=default.credential_recheck * scale,
        )


@dataclass(frozen=True, slots=True)
class History:
    """What the policy remembers about an account: failed requests since the last success."""

    failures: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after an outcome.

    ``delay`` is seconds until the next fetch; None means no request at all until the
    credential changes or the person asks for a refresh. ``held`` forbids a manual refresh
    from cutting the wait short (an active rate limit). ``watch_credentials`` asks the poller
    to check the credential's local fingerprint and retry as soon as it changes.
    """

    health: Health
    delay: float | None
    held: bool = False
    watch_credentials: bool = False


def backoff(failures: int, base: float, cap: float, jitter: float, rng: random.Random) -> float:
    """``base x 2**failures``, capped, then +-``jitter`` (never above the cap).

    >>> backoff(0, 30.0, 900.0, 0.0, random.Random(1)), backoff(9, 30.0, 900.0, 0.0, random.Random(1))
    (30.0, 900.0)
    """
    raw = min(cap, base * 2.0 ** min(failures, 32))
    return min(cap, raw * rng.uniform(1.0 - jitter, 1.0 + jitter))


def decide(outcome: Outcome, history: History, policy: PollPolicy, rng: random.Random) -> Decision:
    """The table in the module docstring. ``history`` is the state *before* this outcome."""
    kind = outcome.kind
    if kind is OutcomeKind.SUCCESS:
        jitter = rng.uniform(0.0, policy.interval_jitter)
        return Decision(Health.FRESH, policy.interval * (1.0 + jitter))
    if kind is OutcomeKind.RATE_LIMITED:
        told = min(max(outcome.retry_after or 0.0, 0.0), policy.retry_after_cap)
        penalty = backoff(
            history.failures, policy.penalty_base, policy.penalty_cap, policy.backoff_jitter, rng
        )
        # a fetcher with zero-network readings is watched: Claude Code's own fresh numbers are
        # taken at once during the wait (that sends nothing; see account.after_check)
        watch = outcome.local_readings
        return Decision(Health.RATE_LIMITED, max(told, penalty), held=True, watch_credentials=watch)
    if kind is OutcomeKind.TRANSIENT:
        wait = backoff(
            history.failures, policy.transient_base, policy.transient_cap, policy.backoff_jitter, rng
        )
        return Decision(Health.OFFLINE, wait)
    return _FIXED[kind](policy)


# The outcomes whose delay needs no randomness.
_FIXED: dict[OutcomeKind, Callable[[PollPolicy], Decision]] = {
    OutcomeKind.UNAUTHORIZED: lambda _: Decision(Health.UNAUTHORIZED, None, watch_credentials=True),
    OutcomeKind.BLOCKED: lambda p: Decision(Health.BLOCKED, p.blocked_delay),
    OutcomeKind.FORMAT_ERROR: lambda p: Decision(Health.ERROR, p.interval),
    OutcomeKind.CREDENTIALS_UNREADABLE: lambda p: Decision(
        Health.NO_CREDENTIALS, p.credential_recheck, watch_credentials=True
    ),
    # fetch() fails locally, so retrying at the interval sends nothing; the fingerprint watch
    # picks up a new login within credential_recheck.
    OutcomeKind.NO_CREDENTIALS: lambda p: Decision(Health.NO_CREDENTIALS, p.interval, watch_credentials=True),
}


def record(history: History, outcome: Outcome) -> History:
    """The history after ``outcome``: a success (or any answer we could read) resets it.

    Local failures (no request sent) leave it unchanged; failed requests count up.

    >>> record(History(failures=3), Outcome(OutcomeKind.SUCCESS))
    History(failures=0)
    >>> record(History(failures=3), Outcome(OutcomeKind.TRANSIENT))
    History(failures=4)
    """
    if outcome.kind in (OutcomeKind.SUCCESS, OutcomeKind.FORMAT_ERROR):
        return History()
    if not outcome.sent_request or outcome.kind is OutcomeKind.UNAUTHORIZED:
        return history
    return History(failures=history.failures + 1)
