"""Turn an account's scheduling state into the :class:`AccountStatus` people see. Pure.

The words come from :mod:`claude_tray.poller.outcome` (the one error -> words mapping); this
module only adds what depends on time: the next allowed try for a rate limit ("next try 14:05",
local time), when the kept data is from, windows that reset since the kept (not fresh) reading
was taken (shown as 0 % with "reset since last reading"), and "stale" when fresh data
has grown old because a poll is overdue (after sleep, for example). Every added text is an
absolute time, so a status only changes when something happens, not every minute.
"""

from __future__ import annotations

import time
from datetime import datetime

from claude_tray.i18n import N_, _
from claude_tray.model import AccountStatus, Health
from claude_tray.poller.account import AccountState
from claude_tray.poller.policy import PollPolicy
from claude_tray.poller.staleness import as_of, reset_notes

__all__ = ["clock_text", "derived_health", "status_of"]

_STARTING = (N_("Starting"), N_("first reading on its way"))
_STALE = (N_("Data is old"), N_("a new reading is on its way"))


def clock_text(at: datetime) -> str:
    """A wall-clock instant as local "HH:MM" (what people read on their panel clock).

    Through ``time.localtime``: ``datetime.astimezone()`` without a zone keeps a little memory
    per call in CPython 3.11 (measured by the soak test), and this runs on every status change.
    """
    local = time.localtime(at.timestamp())
    return f"{local.tm_hour:02d}:{local.tm_min:02d}"


def derived_health(state: AccountState, wall: datetime, policy: PollPolicy) -> Health:
    """The decision's health, except that fresh data ``stale_after`` old or older is stale."""
    snapshot = state.last_good
    if state.health is not Health.FRESH or snapshot is None:
        return state.health
    old = (wall - snapshot.fetched_at).total_seconds() >= policy.stale_after
    return Health.STALE if old else Health.FRESH


def status_of(state: AccountState, wall: datetime, policy: PollPolicy) -> AccountStatus:
    """What listeners and ``statuses()`` get for this account at ``wall``."""
    health = derived_health(state, wall, policy)
    message, hint = _words(state, health)
    snapshot = state.last_good
    parts = [hint]
    if health is Health.RATE_LIMITED and state.next_at is not None:
        parts.insert(
            0, _("next try {clock}").format(clock=clock_text(state.next_at))
        )  # first: what happens next
    if snapshot is not None and health not in (Health.FRESH, Health.STARTING):
        parts.append(_("showing data from {clock}").format(clock=clock_text(snapshot.fetched_at)))
    hint = " · ".join(part for part in parts if part)
    # a fresh reading is the server's word; only kept (not fresh) data is aged by resets
    aged = snapshot is not None and health not in (Health.FRESH, Health.STARTING)
    return AccountStatus(
        account=state.name,
        health=health,
        snapshot=as_of(snapshot, wall) if aged and snapshot is not None else snapshot,
        message=message,
        hint=hint,
        next_attempt_at=state.next_at if _network_scheduled(state) else None,
        changed_at=state.since,
        detail=reset_notes(snapshot, wall) if aged and snapshot is not None else (),
    )


def _words(state: AccountState, health: Health) -> tuple[str, str]:
    if health is Health.STARTING:
        return _(_STARTING[0]), _(_STARTING[1])
    if health is Health.STALE:
        return _(_STALE[0]), _(_STALE[1])
    if health is Health.FRESH or state.outcome is None:
        return "", ""
    outcome = state.outcome
    return outcome.message, outcome.hint  # a 429's "next try" time is added by status_of


def _network_scheduled(state: AccountState) -> bool:
    """Only a planned request has a "next attempt"; local credential re-checks do not."""
    return state.due is not None and state.health is not Health.NO_CREDENTIALS
