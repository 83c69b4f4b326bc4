"""One account's scheduling state, and the pure transitions the poller applies to it.

The :class:`~claude_tray.poller.poller.Poller` keeps one frozen :class:`AccountState` per
account and swaps it for the result of a transition; nothing here touches a clock, a thread or
the network. Times named ``mono`` are :meth:`Clock.monotonic` seconds (for waiting), ``wall``
are aware UTC datetimes (for showing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from claude_tray.model import Health, UsageSnapshot
from claude_tray.poller.outcome import Outcome
from claude_tray.poller.policy import Decision, History, PollPolicy, record

__all__ = ["AccountState", "after_check", "after_outcome", "refreshed", "scheduled", "spread", "woke"]


@dataclass(frozen=True, slots=True)
class AccountState:
    name: str
    health: Health = Health.STARTING  # from the last decision (age-based staleness is derived)
    outcome: Outcome | None = None  # the last outcome: its words become message and hint
    last_good: UsageSnapshot | None = None  # survives every failure
    history: History = field(default_factory=History)
    due: float | None = None  # mono time of the next fetch; None = wait for a credential change
    next_at: datetime | None = None  # ``due`` on the wall clock, fixed when scheduled
    held_until: float | None = None  # mono end of an active rate-limit wait (refresh can't skip it)
    watch: bool = False  # check the credential fingerprint while waiting
    fingerprint: Hashable = None  # as seen just before the last fetch
    next_check: float | None = None  # mono time of the next fingerprint check
    in_flight: bool = False
    since: datetime | None = None  # when ``health`` last changed

    @property
    def held(self) -> bool:
        return self.held_until is not None


def scheduled(state: AccountState, due: float | None, mono: float, wall: datetime) -> AccountState:
    """Set the next fetch time (and its wall-clock twin, rounded to the second for display)."""
    if due is None:
        return dataclasses.replace(state, due=None, next_at=None)
    at = wall + timedelta(seconds=max(0.0, due - mono))
    return dataclasses.replace(state, due=due, next_at=at.replace(microsecond=0))


def after_outcome(
    state: AccountState,
    outcome: Outcome,
    decision: Decision,
    fingerprint: Hashable,
    *,
    mono: float,
    wall: datetime,
    policy: PollPolicy,
) -> AccountState:
    """Record a finished fetch: new health, words, history, last good data and next times."""
    changed = decision.health is not state.health
    new = dataclasses.replace(
        state,
        health=decision.health,
        outcome=outcome,
        last_good=_newer(outcome.snapshot, state.last_good),
        history=record(state.history, outcome),
        held_until=mono + decision.delay if decision.held and decision.delay is not None else None,
        watch=decision.watch_credentials,
        fingerprint=fingerprint,
        next_check=mono + policy.credential_recheck if decision.watch_credentials else None,
        in_flight=False,
        since=wall if changed or state.since is None else state.since,
    )
    due = None if decision.delay is None else mono + decision.delay
    return scheduled(new, due, mono, wall)


def _newer(reading: UsageSnapshot | None, kept: UsageSnapshot | None) -> UsageSnapshot | None:
    """A success's reading, or numbers kept beside a failure when newer than the last good ones."""
    if reading is None or kept is None:
        return reading or kept
    return reading if reading.fetched_at >= kept.fetched_at else kept


def after_check(
    state: AccountState,
    fingerprint: Hashable,
    *,
    mono: float,
    policy: PollPolicy,
    local_fresh: bool = False,
) -> tuple[AccountState, bool]:
    """A local fingerprint check finished. Returns the new state and whether to fetch now.

    During an active rate-limit wait a change alone may not cut the wait short (a new token is
    no reason to ask again early); only a fresh zero-network reading (``local_fresh``: a fetch
    would send nothing) does. Otherwise the change is noted and the watch goes on.
    """
    if not state.watch:
        return dataclasses.replace(state, in_flight=False), False
    changed = fingerprint != state.fingerprint
    if changed and state.held_until is not None and state.held_until > mono and not local_fresh:
        waiting = dataclasses.replace(
            state, in_flight=False, fingerprint=fingerprint, next_check=mono + policy.credential_recheck
        )
        return waiting, False
    new = dataclasses.replace(
        state,
        in_flight=False,
        fingerprint=fingerprint,
        next_check=None if changed else mono + policy.credential_recheck,
        watch=not changed,
    )
    return new, changed


def refreshed(state: AccountState, mono: float, wall: datetime) -> tuple[AccountState, bool]:
    """A manual refresh: fetch now unless a rate-limit wait is active. Returns (state, accepted)."""
    if state.held_until is not None and state.held_until > mono:
        return state, False
    if state.in_flight and not state.watch:
        return state, True  # the fetch under way is the refresh
    # Otherwise nothing, or only a local credential check, is under way: ask for a fetch now.
    # A check finishing later keeps this ``due`` (after_check leaves it alone once watch is off).
    ready = dataclasses.replace(state, held_until=None, watch=False, next_check=None)
    return scheduled(ready, mono, mono, wall), True


def woke(state: AccountState, *, mono: float, wall: datetime, policy: PollPolicy) -> AccountState:
    """After sleep: poll once soon, never before an active rate-limit wait ends.

    Monotonic time did not move while asleep, so a held wait still lasts its full length in
    awake time (conservative toward the server). Wall-clock display times are recomputed.
    """
    if state.watch:
        state = dataclasses.replace(state, next_check=mono)
    if state.due is None or state.in_flight:
        return state
    soon = mono + policy.wake_settle
    if state.held_until is not None:
        soon = max(soon, state.held_until)
    return scheduled(state, min(state.due, soon), mono, wall)


def spread(at: float, others: Iterable[float], gap: float) -> float:
    """The earliest time >= ``at`` that is at least ``gap`` away from every other account's.

    >>> spread(10.0, [10.0, 11.0], 1.5)
    12.5
    >>> spread(10.0, [20.0], 1.5)
    10.0
    """
    taken = sorted(others)
    moved = True
    while moved:
        moved = False
        for other in taken:
            if abs(at - other) < gap:
                at, moved = other + gap, True
    return at
