"""The poll decision as a table: outcome (or raised error) + history -> health and next delay."""

from __future__ import annotations

import doctest
import random
from types import ModuleType

import pytest

from claude_tray.errors import (
    AuthError,
    BlockedError,
    ClaudeTrayError,
    CredentialAccessDenied,
    CredentialFormatError,
    MissingScope,
    NoCredentialError,
    RateLimited,
    ResponseFormatError,
    SourceUnavailable,
    TokenExpired,
    TransientApiError,
)
from claude_tray.model import Health
from claude_tray.poller import account, policy, staleness
from claude_tray.poller.outcome import Outcome, OutcomeKind, outcome_of
from claude_tray.poller.policy import Decision, History, PollPolicy, decide, record
from claude_tray.settings.model import GeneralSettings, Settings

K = OutcomeKind
H = Health
POLICY = PollPolicy(interval=300.0)
SEEDS = range(300)

# (outcome, failures before it, health, lowest delay, highest delay (None: no request), held, watch)
TABLE: list[tuple[Outcome, int, Health, float | None, float | None, bool, bool]] = [
    (Outcome(K.SUCCESS), 0, H.FRESH, 300.0, 315.0, False, False),
    (Outcome(K.SUCCESS), 7, H.FRESH, 300.0, 315.0, False, False),
    (Outcome(K.RATE_LIMITED, retry_after=None), 0, H.RATE_LIMITED, 108.0, 132.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=0.0), 0, H.RATE_LIMITED, 108.0, 132.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=0.0), 1, H.RATE_LIMITED, 216.0, 264.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=0.0), 3, H.RATE_LIMITED, 864.0, 1056.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=0.0), 4, H.RATE_LIMITED, 1620.0, 1800.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=0.0), 40, H.RATE_LIMITED, 1620.0, 1800.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=-5.0), 0, H.RATE_LIMITED, 108.0, 132.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=30.0), 0, H.RATE_LIMITED, 108.0, 132.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=600.0), 0, H.RATE_LIMITED, 600.0, 600.0, True, False),
    (Outcome(K.RATE_LIMITED, retry_after=1e9), 0, H.RATE_LIMITED, 21600.0, 21600.0, True, False),
    (Outcome(K.UNAUTHORIZED), 0, H.UNAUTHORIZED, None, None, False, True),
    (Outcome(K.UNAUTHORIZED, sent_request=False), 3, H.UNAUTHORIZED, None, None, False, True),
    (Outcome(K.BLOCKED), 0, H.BLOCKED, 1800.0, 1800.0, False, False),
    (Outcome(K.TRANSIENT), 0, H.OFFLINE, 27.0, 33.0, False, False),
    (Outcome(K.TRANSIENT), 1, H.OFFLINE, 54.0, 66.0, False, False),
    (Outcome(K.TRANSIENT), 4, H.OFFLINE, 432.0, 528.0, False, False),
    (Outcome(K.TRANSIENT), 5, H.OFFLINE, 810.0, 900.0, False, False),
    (Outcome(K.FORMAT_ERROR), 2, H.ERROR, 300.0, 300.0, False, False),
    (Outcome(K.NO_CREDENTIALS, sent_request=False), 0, H.NO_CREDENTIALS, 300.0, 300.0, False, True),
    (
        Outcome(K.CREDENTIALS_UNREADABLE, sent_request=False),
        0,
        H.NO_CREDENTIALS,
        15.0,
        15.0,
        False,
        True,
    ),
]


def _delays(outcome: Outcome, failures: int) -> list[Decision]:
    return [decide(outcome, History(failures), POLICY, random.Random(seed)) for seed in SEEDS]


@pytest.mark.parametrize(("outcome", "failures", "health", "lo", "hi", "held", "watch"), TABLE)
def test_decision_table(
    outcome: Outcome,
    failures: int,
    health: Health,
    lo: float | None,
    hi: float | None,
    held: bool,
    watch: bool,
) -> None:
    decisions = _delays(outcome, failures)
    assert {d.health for d in decisions} == {health}
    assert {d.held for d in decisions} == {held}
    assert {d.watch_credentials for d in decisions} == {watch}
    delays = [d.delay for d in decisions]
    if hi is None:
        assert set(delays) == {None}
        return
    assert all(d is not None for d in delays)
    numbers = [d for d in delays if d is not None]
    assert lo is not None
    assert lo - 1e-9 <= min(numbers)
    assert max(numbers) <= hi + 1e-9
    if hi - lo > 1.0:  # a jittered row really jitters: 300 seeds cover most of the range
        assert max(numbers) - min(numbers) > 0.6 * (hi - lo)


def test_every_outcome_kind_has_a_row() -> None:
    assert {row[0].kind for row in TABLE} == set(OutcomeKind)


# (raised error, health, delay (None: no request), whether the failure was local)
ERRORS: list[tuple[ClaudeTrayError, Health, float | None, bool]] = [
    (RateLimited("429", retry_after=900.0), H.RATE_LIMITED, 900.0, False),
    (AuthError("401", status=401), H.UNAUTHORIZED, None, False),
    (AuthError("403", status=403, server_message="scope"), H.UNAUTHORIZED, None, False),
    (TokenExpired("expired"), H.UNAUTHORIZED, None, True),
    (MissingScope("no user:profile"), H.UNAUTHORIZED, None, True),
    (BlockedError("just a moment"), H.BLOCKED, 1800.0, False),
    (TransientApiError("503", status=503), H.OFFLINE, None, False),
    (TransientApiError("refused"), H.OFFLINE, None, False),
    (ResponseFormatError("not json"), H.ERROR, 300.0, False),
    (NoCredentialError("no file"), H.NO_CREDENTIALS, 300.0, True),
    (SourceUnavailable("not macOS"), H.NO_CREDENTIALS, 300.0, True),
    (CredentialAccessDenied("locked"), H.NO_CREDENTIALS, 300.0, True),
    (CredentialFormatError("half written"), H.NO_CREDENTIALS, 15.0, True),
]


@pytest.mark.parametrize(("error", "health", "delay", "local"), ERRORS)
def test_raised_error_to_decision(
    error: ClaudeTrayError, health: Health, delay: float | None, local: bool
) -> None:
    """The HA-style table: what a fetcher raises decides the health; local failures send nothing."""
    outcome = outcome_of(error)
    decision = decide(outcome, History(), POLICY, random.Random(1))
    assert decision.health is health
    assert outcome.sent_request is not local
    if health is H.OFFLINE:
        assert decision.delay is not None
        assert 27.0 <= decision.delay <= 33.0
    else:
        assert decision.delay == delay
    assert outcome.message, "every state has words for people"


def test_expired_token_stops_with_the_fix_hint() -> None:
    outcome = outcome_of(TokenExpired("expiresAt is in the past"))
    assert outcome.hint == "open Claude Code once to refresh its login"
    assert decide(outcome, History(), POLICY, random.Random(0)).delay is None


@pytest.mark.parametrize(
    ("before", "outcome", "after"),
    [
        (4, Outcome(K.SUCCESS), 0),
        (4, Outcome(K.FORMAT_ERROR), 0),  # the server answered; a parse problem is no backoff
        (0, Outcome(K.RATE_LIMITED, retry_after=0.0), 1),
        (1, Outcome(K.TRANSIENT), 2),  # mixed failures keep counting: never reset the wait
        (2, Outcome(K.BLOCKED), 3),
        (2, Outcome(K.UNAUTHORIZED), 2),
        (2, Outcome(K.NO_CREDENTIALS, sent_request=False), 2),  # nothing sent: nothing to back off
    ],
)
def test_record(before: int, outcome: Outcome, after: int) -> None:
    assert record(History(before), outcome) == History(after)


def test_policy_from_settings_normal_use() -> None:
    p = PollPolicy.from_settings(Settings(), floor=60.0)
    assert p == PollPolicy(interval=300.0)
    slow = PollPolicy.from_settings(Settings(general=GeneralSettings(poll_interval=900.0)), floor=60.0)
    assert slow.interval == 900.0
    assert slow.penalty_base == 120.0


def test_policy_never_polls_below_the_floor() -> None:
    p = PollPolicy.from_settings(Settings(general=GeneralSettings(poll_interval=5.0)), floor=60.0)
    assert p.interval == 60.0


def test_policy_reads_the_env_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PollPolicy.from_settings(Settings()).penalty_base == 120.0  # knob unset
    monkeypatch.setenv("CLAUDE_TRAY_MIN_INTERVAL", "0.5")
    fast = PollPolicy.from_settings(Settings(general=GeneralSettings(poll_interval=1.0)))
    assert (fast.interval, fast.penalty_base, fast.penalty_cap) == (1.0, 1.0, 15.0)
    assert (fast.transient_base, fast.blocked_delay, fast.credential_recheck) == (0.25, 15.0, 0.125)
    monkeypatch.setenv("CLAUDE_TRAY_MIN_INTERVAL", "600")  # a higher floor never stretches backoff
    assert PollPolicy.from_settings(Settings()).penalty_base == 120.0


@pytest.mark.parametrize("module", [policy, staleness, account])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
