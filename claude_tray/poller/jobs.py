"""One unit of work for an account: a fetch, or only a local credential fingerprint check.

Jobs run on the fetch pool (or inline, for :meth:`Poller.step`) and never raise: every failure
becomes an :class:`~claude_tray.poller.outcome.Outcome` value.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Hashable
from dataclasses import dataclass

from claude_tray.errors import ClaudeTrayError
from claude_tray.poller.outcome import Outcome, OutcomeKind, outcome_of, success
from claude_tray.usage.fetch import AccountFetcher

__all__ = ["Job", "JobResult", "JobRunner"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    account: str
    fetcher: AccountFetcher
    fetch: bool  # False: only read the credential fingerprint (local, no network)


@dataclass(frozen=True, slots=True)
class JobResult:
    account: str
    fingerprint: Hashable  # read *before* the fetch, so a change during the fetch is noticed
    outcome: Outcome | None  # None for a fingerprint-only check
    local_fresh: bool = False  # a check: the fetcher has a fresh zero-network reading right now


class JobRunner:
    """Runs jobs; remembers which unexpected exceptions it already logged a traceback for."""

    def __init__(self) -> None:
        self._reported: set[tuple[str, str]] = set()  # (account, exception type)

    def __call__(self, job: Job) -> JobResult:
        fingerprint = self._fingerprint(job)
        if not job.fetch:
            return JobResult(job.account, fingerprint, None, local_fresh=self._local_fresh(job))
        return JobResult(job.account, fingerprint, self._fetch(job))

    def _local_fresh(self, job: Job) -> bool:
        """Whether the fetcher could answer without a request now (not part of the protocol)."""
        probe = getattr(job.fetcher, "has_fresh_local", None)
        if probe is None:
            return False
        try:
            return bool(probe())
        except Exception as err:  # noqa: BLE001 - a local read must not cost the check
            self._report(job.account, err)
            return False

    def _fingerprint(self, job: Job) -> Hashable:
        try:
            return job.fetcher.fingerprint()
        except ClaudeTrayError as err:  # e.g. the file vanished: that is a fingerprint too
            return ("unreadable", type(err).__name__)
        except Exception as err:  # noqa: BLE001 - a buggy source must not kill the poller
            self._report(job.account, err)
            return ("failed", type(err).__name__)

    def _fetch(self, job: Job) -> Outcome:
        try:
            return success(job.fetcher.fetch())
        except ClaudeTrayError as err:
            return self._with_kept(job, outcome_of(err))
        except Exception as err:  # noqa: BLE001 - the protocol forbids it, but the loop must survive
            self._report(job.account, err)
            return Outcome(OutcomeKind.FORMAT_ERROR, "Unexpected error", f"{type(err).__name__}; see the log")

    def _with_kept(self, job: Job, outcome: Outcome) -> Outcome:
        """A failure keeps the numbers the fetcher can still read without a request (Claude
        Code's status line or usage cache), when it offers them (not part of the protocol)."""
        kept = getattr(job.fetcher, "kept", None)
        if kept is None:
            return outcome
        try:
            snapshot = kept()
        except Exception as err:  # noqa: BLE001 - a local read must not cost the outcome
            self._report(job.account, err)
            return outcome
        return dataclasses.replace(outcome, snapshot=snapshot, local_readings=True)

    def _report(self, account: str, err: Exception) -> None:
        """Log a traceback once per account and exception type (not on every poll)."""
        key = (account, type(err).__name__)
        if key not in self._reported:
            self._reported.add(key)
            log.error("account %s: unexpected %s", account, type(err).__name__, exc_info=err)
