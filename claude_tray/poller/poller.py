"""The poller: one scheduler thread for every account, a small pool for the fetches.

The loop is dumb on purpose. Each cycle it (1) applies finished jobs through the pure policy
(:func:`~claude_tray.poller.policy.decide`) and state transitions (:mod:`.account`), (2)
notices a wake from sleep, (3) hands every due fetch or credential check to the pool, (4)
publishes the statuses that changed, then sleeps on ``Event.wait`` until the next due event,
a finished job, a manual refresh or ``stop()``. :meth:`Poller.step` runs the same cycle on the
calling thread without the pool, so tests drive it with a fake clock and never sleep.

Threads: ``claude-tray-poller`` (the scheduler) and ``claude-tray-fetch_N`` (the pool); all
are joined by :meth:`Poller.stop`. Listeners run on the scheduler thread (or the ``step()``
caller); one that raises is logged and the others still run.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from claude_tray.clock import Clock
from claude_tray.i18n import N_, _
from claude_tray.model import AccountStatus, Health, SourceKind, StatusChange
from claude_tray.poller import account as acc
from claude_tray.poller.account import AccountState
from claude_tray.poller.jobs import Job, JobResult, JobRunner
from claude_tray.poller.policy import PollPolicy, decide
from claude_tray.poller.staleness import next_reset
from claude_tray.poller.status import clock_text, status_of
from claude_tray.settings.model import Settings
from claude_tray.usage.fetch import AccountFetcher, abort_fetches

__all__ = ["Listener", "Poller"]

log = logging.getLogger(__name__)

Listener = Callable[[StatusChange], None]

_WAKE_CHECK = 60.0  # the thread looks at the clocks at least this often, to notice a resume
_AFTER_FAILURE = 5.0  # seconds before the cycle after an unexpected error (no busy loop)
_RETRY_AFTER_FAILURE = 3600.0  # an account whose result could not be applied tries again within this
_BAD = (Health.RATE_LIMITED, Health.UNAUTHORIZED, Health.BLOCKED, Health.OFFLINE, Health.ERROR)


class Poller:
    def __init__(
        self,
        fetchers: Sequence[AccountFetcher],
        settings: Settings,
        *,
        clock: Clock,
        rng: random.Random,
        executor_workers: int = 4,
    ) -> None:
        self._clock = clock
        self._rng = rng
        self._workers = executor_workers
        self._policy = PollPolicy.from_settings(settings)
        self._lock = threading.Lock()
        self._fetchers: dict[str, AccountFetcher] = {}
        self._states: dict[str, AccountState] = {}
        self._published: dict[str, AccountStatus] = {}
        # account -> (inputs, valid from, valid until, status): see _status
        self._status_cache: dict[str, tuple[tuple[object, ...], datetime, datetime, AccountStatus]] = {}
        self._listeners: list[Listener] = []
        self._results: queue.SimpleQueue[JobResult] = queue.SimpleQueue()
        self._runner = JobRunner()
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures: set[str] = set()  # kinds of unexpected error already logged
        self._executor: ThreadPoolExecutor | None = None
        self._offset = self._clock_offset()
        with self._lock:
            self._install(fetchers)

    # -- public API ---------------------------------------------------------------------------

    @property
    def policy(self) -> PollPolicy:
        return self._policy

    def add_listener(self, fn: Listener) -> None:
        with self._lock:
            self._listeners.append(fn)

    def start(self) -> None:
        """Start the scheduler thread and the fetch pool."""
        if self._thread is not None:
            raise RuntimeError("the poller is already running")
        self._stop_event.clear()
        self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="claude-tray-fetch")
        self._thread = threading.Thread(target=self._loop, name="claude-tray-poller")
        self._thread.start()

    def stop(self) -> None:
        """Stop at once and join every thread (a fetch in progress is cut short)."""
        self._stop_event.set()
        self._wake.set()
        abort_fetches()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        abort_fetches()  # again: a job the scheduler submitted just before it stopped
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        with self._lock:
            self._drain()
            for name, state in self._states.items():  # jobs cancelled before they ran
                self._states[name] = dataclasses.replace(state, in_flight=False)

    def step(self) -> float | None:
        """Run everything due now on this thread; seconds until the next due event (None: none)."""
        return self._cycle(inline=True)

    def statuses(self) -> tuple[AccountStatus, ...]:
        wall = self._clock.now()
        with self._lock:
            return tuple(self._status(state, wall) for state in self._states.values())

    def refresh(self, account: str | None = None) -> str:
        """Fetch now, bypassing the interval but never an active rate-limit wait. Says what happens."""
        mono, wall = self._clock.monotonic(), self._clock.now()
        with self._lock:
            if account is not None and account not in self._states:
                return _("No account named {name}").format(name=repr(account))
            names = [account] if account is not None else list(self._states)
            sentences = [self._refresh_one(name, mono, wall) for name in names]
        self._wake.set()
        if all(s == _(_REFRESHING) for s in sentences) or len(sentences) == 1:
            return sentences[0] if sentences else _("No accounts configured")
        return "; ".join(f"{name}: {s}" for name, s in zip(names, sentences, strict=True))

    def apply_settings(self, settings: Settings, fetchers: Sequence[AccountFetcher]) -> None:
        """Hot reload: surviving accounts keep their state and last good data; new ones start."""
        mono, wall = self._clock.monotonic(), self._clock.now()
        with self._lock:
            old = self._policy
            self._policy = PollPolicy.from_settings(settings)
            keep = {f.name for f in fetchers}
            for name in [n for n in self._states if n not in keep]:
                del self._states[name], self._fetchers[name]
                self._published.pop(name, None)
                self._status_cache.pop(name, None)
            self._install(fetchers)
            if self._policy.interval < old.interval:
                self._shorten(mono, wall)
        self._wake.set()

    # -- the cycle ----------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop_event.is_set():
            self._wake.clear()
            try:
                delay = self._cycle(inline=False)
            except Exception as err:  # noqa: BLE001 - a bug must not end polling: log, carry on
                self._unexpected("a poll cycle", err)
                delay = _AFTER_FAILURE
            if self._stop_event.is_set():
                break
            self._wake.wait(_WAKE_CHECK if delay is None else min(delay, _WAKE_CHECK))

    def _cycle(self, *, inline: bool) -> float | None:
        with self._lock:
            self._drain()
            self._check_wake()
            jobs = self._take_due()
        if inline:
            self._run_inline(jobs)
        else:
            for job in jobs:
                self._submit(job)
        with self._lock:
            self._drain()
            changes, listeners = self._changes(), list(self._listeners)
            delay = self._next_delay()
        self._notify(changes, listeners)
        return delay

    def _run_inline(self, jobs: list[Job]) -> None:
        """Run jobs here; a credential check that found a new login is fetched in the same step."""
        for _attempt in range(3):
            if not jobs:
                return
            for job in jobs:
                self._results.put(self._runner(job))
            with self._lock:
                self._drain()
                jobs = self._take_due()
        for job in jobs:  # the rounds are bounded; what is left runs on the next step
            self._results.put(self._runner(job))

    def _submit(self, job: Job) -> None:
        executor = self._executor
        if executor is None:  # only the scheduler thread submits, and stop() joins it first
            raise RuntimeError("the fetch pool is not running")

        def work() -> None:
            self._results.put(self._runner(job))
            self._wake.set()

        executor.submit(work)

    def _take_due(self) -> list[Job]:
        mono = self._clock.monotonic()
        jobs = []
        for name, state in self._states.items():
            if state.in_flight:
                continue
            fetch = state.due is not None and state.due <= mono
            check = state.watch and state.next_check is not None and state.next_check <= mono
            if fetch or check:
                self._states[name] = dataclasses.replace(state, in_flight=True)
                jobs.append(Job(name, self._fetchers[name], fetch=fetch))
        return jobs

    def _drain(self) -> None:
        while True:
            try:
                result = self._results.get_nowait()
            except queue.Empty:
                return
            if result.account not in self._states:
                continue
            try:
                self._apply(result)
            except Exception as err:  # noqa: BLE001 - the account must not stay "in flight"
                self._unexpected(f"account {result.account}", err)
                mono, wall = self._clock.monotonic(), self._clock.now()
                state = dataclasses.replace(self._states[result.account], in_flight=False)
                retry = mono + min(self._policy.interval, _RETRY_AFTER_FAILURE)
                self._states[result.account] = acc.scheduled(state, retry, mono, wall)

    def _unexpected(self, where: str, err: Exception) -> None:
        """Log an error nothing expected once per kind (with its traceback), then carry on."""
        kind = f"{where}: {type(err).__name__}"
        if kind not in self._failures:
            self._failures.add(kind)
            log.error("%s failed unexpectedly; carrying on", where, exc_info=err)

    def _apply(self, result: JobResult) -> None:
        mono, wall, policy = self._clock.monotonic(), self._clock.now(), self._policy
        state = self._states[result.account]
        if result.outcome is None:
            state, changed = acc.after_check(
                state, result.fingerprint, mono=mono, policy=policy, local_fresh=result.local_fresh
            )
            if changed:
                log.info("account %s: credentials changed; trying again", state.name)
                state = self._place(acc.scheduled(state, mono, mono, wall), mono, wall)
            self._states[state.name] = state
            return
        decision = decide(result.outcome, state.history, policy, self._rng)
        new = acc.after_outcome(
            state, result.outcome, decision, result.fingerprint, mono=mono, wall=wall, policy=policy
        )
        _log_transition(state, new)
        self._states[new.name] = self._place(new, mono, wall)

    def _check_wake(self) -> None:
        offset = self._clock_offset()
        jump, self._offset = offset - self._offset, offset
        if jump <= self._policy.wake_jump:
            return
        log.info("the wall clock moved %.0f s ahead of monotonic time (resumed?); polling soon", jump)
        mono, wall = self._clock.monotonic(), self._clock.now()
        for name, state in list(self._states.items()):
            woke = acc.woke(state, mono=mono, wall=wall, policy=self._policy)
            self._states[name] = self._place(woke, mono, wall)

    # -- scheduling helpers (called with the lock held) -----------------------------------------

    def _install(self, fetchers: Sequence[AccountFetcher]) -> None:
        mono, wall = self._clock.monotonic(), self._clock.now()
        for fetcher in fetchers:
            known = fetcher.name in self._states
            self._fetchers[fetcher.name] = fetcher
            if not known:
                fresh = acc.scheduled(AccountState(fetcher.name), mono, mono, wall)
                self._states[fetcher.name] = self._place(fresh, mono, wall)

    def _place(self, state: AccountState, mono: float, wall: datetime) -> AccountState:
        """Move a fetch so no two accounts fire within ``spread`` seconds of each other."""
        if state.due is None:
            return state
        others = [s.due for n, s in self._states.items() if n != state.name and s.due is not None]
        due = acc.spread(state.due, others, self._policy.spread)
        return state if due == state.due else acc.scheduled(state, due, mono, wall)

    def _shorten(self, mono: float, wall: datetime) -> None:
        """A shorter interval applies now, not after the next (longer) wait."""
        limit = mono + self._policy.interval
        for name, state in list(self._states.items()):
            if state.health is Health.FRESH and state.due is not None and state.due > limit:
                self._states[name] = self._place(acc.scheduled(state, limit, mono, wall), mono, wall)

    def _refresh_one(self, name: str, mono: float, wall: datetime) -> str:
        state, accepted = acc.refreshed(self._states[name], mono, wall)
        if not accepted:
            at = state.next_at or wall
            return _("Rate limited - next try allowed at {clock}").format(clock=clock_text(at))
        self._states[name] = self._place(state, mono, wall)
        return _(_REFRESHING)

    def _next_delay(self) -> float | None:
        mono, wall = self._clock.monotonic(), self._clock.now()
        times: list[float] = []
        for state in self._states.values():
            if not state.in_flight:
                times += [t - mono for t in (state.due, state.next_check) if t is not None]
            cached = self._status_cache.get(state.name)  # filled by _changes this cycle
            if cached is not None and cached[2] != _END_OF_TIME:
                times.append((cached[2] - wall).total_seconds())
        return max(0.0, min(times)) if times else None

    def _display_events(self, state: AccountState, wall: datetime) -> list[datetime]:
        """Wall-clock instants at which the shown status changes by itself (no fetch needed)."""
        snapshot = state.last_good
        if snapshot is None:
            return []
        events = [t for t in (next_reset(snapshot, wall),) if t is not None]
        if state.health is Health.FRESH:
            stale_at = snapshot.fetched_at + timedelta(seconds=self._policy.stale_after)
            if stale_at > wall:
                events.append(stale_at)
        return events

    def _status(self, state: AccountState, wall: datetime) -> AccountStatus:
        """``status_of``, reused while nothing it depends on has changed (most cycles)."""
        fetcher = self._fetchers.get(state.name)
        key: tuple[object, ...] = (state.health, state.outcome, state.last_good, state.next_at)
        key += (state.since, state.due is None, self._policy, fetcher)
        cached = self._status_cache.get(state.name)
        if cached is not None and cached[0] == key and cached[1] <= wall < cached[2]:
            return cached[3]
        status = status_of(state, wall, self._policy)
        # concrete fetchers say their source before the first reading (not part of the protocol)
        source = getattr(fetcher, "source_kind", None)
        if status.source is None and isinstance(source, SourceKind):
            status = dataclasses.replace(status, source=source)
        until = min(self._display_events(state, wall), default=_END_OF_TIME)
        self._status_cache[state.name] = (key, wall, until, status)
        return status

    def _changes(self) -> list[StatusChange]:
        wall = self._clock.now()
        changes = []
        for name, state in self._states.items():
            status, previous = self._status(state, wall), self._published.get(name)
            if status != previous:
                self._published[name] = status
                changes.append(StatusChange(previous, status))
        return changes

    def _clock_offset(self) -> float:
        return self._clock.now().timestamp() - self._clock.monotonic()

    # -- listeners ----------------------------------------------------------------------------

    @staticmethod
    def _notify(changes: list[StatusChange], listeners: list[Listener]) -> None:
        for change in changes:
            for listener in listeners:
                try:
                    listener(change)
                except Exception:  # a broken listener must not stop the poller
                    log.exception("a status listener failed (%r); carrying on", listener)


_REFRESHING = N_("Refreshing…")
_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def _log_transition(before: AccountState, after: AccountState) -> None:
    """One log line per change of health (edge-triggered), never one per poll."""
    if after.health is before.health:
        return
    words = (after.outcome.log_words or after.outcome.message) if after.outcome is not None else ""
    if after.health in _BAD:
        log.warning("account %s: %s -> %s: %s", after.name, before.health.value, after.health.value, words)
    else:
        log.info("account %s: %s -> %s", after.name, before.health.value, after.health.value)
