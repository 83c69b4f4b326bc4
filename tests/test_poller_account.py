"""Pure per-account transitions that the poller tests cannot observe between two steps."""

from __future__ import annotations

from datetime import UTC, datetime

from claude_tray.poller import account as acc
from claude_tray.poller.account import AccountState
from claude_tray.poller.policy import PollPolicy
from claude_tray.settings.model import Settings

WALL = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
POLICY = PollPolicy.from_settings(Settings(), floor=60.0)


def test_refresh_during_a_credential_check_still_fetches() -> None:
    waiting = AccountState("a", watch=True, fingerprint="old", next_check=100.0, in_flight=True)
    state, accepted = acc.refreshed(waiting, 100.0, WALL)
    assert accepted
    assert state.due == 100.0  # a fetch is asked for although the check is still running
    state, changed = acc.after_check(state, "old", mono=101.0, policy=POLICY)
    assert not changed
    assert (state.in_flight, state.due) == (False, 100.0)  # the check did not swallow the refresh


def test_refresh_during_a_fetch_is_that_fetch() -> None:
    fetching = AccountState("a", due=None, in_flight=True)
    state, accepted = acc.refreshed(fetching, 100.0, WALL)
    assert accepted
    assert state is fetching


def test_refresh_respects_an_active_rate_limit_wait() -> None:
    held = AccountState("a", held_until=500.0, due=500.0)
    state, accepted = acc.refreshed(held, 100.0, WALL)
    assert not accepted
    assert state is held
