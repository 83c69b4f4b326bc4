"""Event commands: ``[events] command`` run once per edge the notification rules decide.

The same :class:`~claude_tray.notify.NoticeRules` that decide desktop notifications decide the
events (threshold, refill, login_lost, login_back, blocked, settings_invalid, and rate_limited on
entering a backoff), but every edge counts, whatever ``[notifications]`` switches say: a person
who wants a sound or a paused batch job may well want no pop-up. The first reading only arms the
rules, so nothing runs for the state found at start-up.

Each event runs the configured argv once, without a shell, with the event in ``CLAUDE_TRAY_*``
environment variables and as one JSON document on stdin (:func:`event_document`). Text that
came from a server (window keys, messages) is only ever data in those two places. Commands run
one at a time on a named worker thread started at the first event (the poller is never held
up); one that outlives ``[events] timeout`` has its process group stopped; one that fails is
logged once per failure streak and never retried.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from claude_tray.clock import Clock
from claude_tray.errors import ConfigError
from claude_tray.model import StatusChange
from claude_tray.notifiers.rules import Notice, NoticeRules
from claude_tray.settings.model import EventSettings, Settings

__all__ = ["CommandRunner", "EventJob", "EventListener", "event_document", "event_environment"]

log = logging.getLogger(__name__)

MAX_QUEUED = 16  # events waiting behind a slow command; more are dropped (and logged)
KILL_GRACE = 1.0  # seconds between SIGTERM and SIGKILL for a command past its timeout
_TEXT_CAP = 2000  # characters of a title/message passed on (server text can be long)


def _clean(text: str, cap: int = _TEXT_CAP) -> str:
    """Text safe to put in an environment variable: no NUL (the OS refuses it), bounded."""
    return text.replace("\0", "")[:cap]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _iso(when: datetime | None) -> str:
    return "" if when is None else when.isoformat()


def event_environment(notice: Notice) -> dict[str, str]:
    """The ``CLAUDE_TRAY_*`` variables of one event; absent values are empty strings."""
    return {
        "CLAUDE_TRAY_EVENT": notice.kind.value,
        "CLAUDE_TRAY_ACCOUNT": _clean(notice.account, 200),
        "CLAUDE_TRAY_WINDOW": _clean(notice.window, 200),
        "CLAUDE_TRAY_UTILIZATION": _number(notice.utilization),
        "CLAUDE_TRAY_LEVEL": _number(notice.level),
        "CLAUDE_TRAY_RESETS_AT": _iso(notice.resets_at),
    }


def event_document(notice: Notice, now: datetime) -> dict[str, Any]:
    """The JSON document on the command's stdin: the variables' values plus the notice text."""
    return {
        "event": notice.kind.value,
        "account": notice.account,
        "window": notice.window or None,
        "utilization": notice.utilization,
        "level": notice.level,
        "resets_at": notice.resets_at.isoformat() if notice.resets_at else None,
        "title": _clean(notice.title),
        "message": _clean(notice.body),
        "urgency": notice.urgency.name.lower(),
        "time": now.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class EventJob:
    """One run: the argv, the variables added to the environment, stdin, the time allowed."""

    argv: tuple[str, ...]
    env: dict[str, str]
    stdin: bytes
    timeout: float
    event: str  # for the log


class CommandRunner:
    """Runs :class:`EventJob` values one at a time on the ``claude-tray-events`` thread.

    The thread starts with the first job and is joined by :meth:`close`, which also stops a
    command still running. :meth:`submit` never blocks the caller (the poller's thread).
    """

    def __init__(self, max_queued: int = MAX_QUEUED) -> None:
        self._queue: queue.Queue[EventJob | None] = queue.Queue(max_queued)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._running: subprocess.Popen[bytes] | None = None
        self._closed = False
        self._failing = False
        self.runs = 0  # commands started (for tests)

    def submit(self, job: EventJob) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="claude-tray-events", daemon=True)
                self._thread.start()
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                log.warning("event command still busy; the %s event is dropped", job.event)

    def close(self) -> None:
        """Stop a running command, drop waiting ones, join the thread."""
        with self._lock:
            self._closed = True
            thread, running = self._thread, self._running
        if running is not None:
            _stop_group(running)
        if thread is not None:
            self._queue.put(None)  # the worker drains the queue once closed, so this cannot stay stuck
            thread.join()

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if not self._closed:
                self._run(job)

    def _run(self, job: EventJob) -> None:
        try:
            proc = _start(job)
        except (OSError, ValueError) as err:
            self._failed(f"cannot start {job.argv[0]!r}: {err}", job)
            return
        with self._lock:
            self.runs += 1
            self._running = proc
            closed = self._closed
        try:
            if closed:
                _stop_group(proc)
            _feed(proc, job.stdin)
            code = proc.wait(timeout=job.timeout)
        except subprocess.TimeoutExpired:
            _stop_group(proc)
            self._failed(f"{job.argv[0]!r} did not finish within {job.timeout:g} s and was stopped", job)
            return
        finally:
            with self._lock:
                self._running = None
        if code != 0 and not self._closed:  # not when close() stopped it
            self._failed(f"{job.argv[0]!r} exited with status {code}", job)
        elif self._failing:
            log.info("event command works again")
            self._failing = False

    def _failed(self, what: str, job: EventJob) -> None:
        """Logged once per failure streak; the event is not run again."""
        if self._failing:
            log.debug("event command for %s: %s", job.event, what)
        else:
            log.warning("event command for %s: %s (not retried)", job.event, what)
        self._failing = True


def _start(job: EventJob) -> subprocess.Popen[bytes]:
    # Its own session (POSIX) / process group (Windows), so a timeout stops whatever it started.
    # stdout is not ours to share: `watch` prints JSON lines there. stderr goes where our log goes.
    extra: dict[str, Any] = {}
    if sys.platform == "win32":
        extra["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        extra["start_new_session"] = True
    return subprocess.Popen(  # the person's own argv, no shell
        job.argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, **job.env},
        close_fds=True,
        **extra,
    )


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    """Write the document and close stdin; a command that does not read it is fine.

    The document is a few KiB, well under a pipe's buffer, so the write cannot block."""
    assert proc.stdin is not None
    with contextlib.suppress(OSError):  # BrokenPipeError: it exited without reading
        proc.stdin.write(data)
    with contextlib.suppress(OSError):
        proc.stdin.close()


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the command's process group, SIGKILL after a grace; then reap it."""
    if sys.platform == "win32":
        proc.kill()
        proc.wait()
        return
    for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break  # the whole group is gone already
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    proc.wait()


class EventListener:
    """Rules plus a runner; attach with ``poller.add_listener``; hears settings like the notifier.

    Its own :class:`NoticeRules` (the notification listener has another), so switching a
    notification kind off never hides an event, and a command added later releases no backlog.
    """

    def __init__(self, settings: Settings, clock: Clock, runner: CommandRunner | None = None) -> None:
        self._clock = clock
        self._rules = NoticeRules(settings.notifications)
        self._events = settings.events
        self._runner = runner if runner is not None else CommandRunner()
        self._lock = threading.Lock()

    def __call__(self, change: StatusChange) -> None:
        with self._lock:
            notices = self._rules.edges(change, self._clock.now())
            self._submit(notices, self._events)

    def settings_applied(self, settings: Settings) -> None:
        with self._lock:
            self._rules.update_settings(settings.notifications)
            self._rules.settings_ok()
            self._events = settings.events

    def settings_invalid(self, error: ConfigError) -> None:
        with self._lock:
            self._submit(self._rules.settings_error_edges(error), self._events)

    def close(self) -> None:
        self._runner.close()

    def _submit(self, notices: list[Notice], events: EventSettings) -> None:
        if not events.command:
            return
        now = self._clock.now()
        for notice in notices:
            document = json.dumps(event_document(notice, now)).encode()
            job = EventJob(
                events.command, event_environment(notice), document, events.timeout, notice.kind.value
            )
            self._runner.submit(job)
