"""Drive ``python -m claude_tray watch`` as a real subprocess and read its JSON lines.

Lines are read by a named thread into a queue, so a test waits on a condition with a deadline
(never sleeps); :meth:`WatchProcess.stop` signals the process, checks the exit status and joins
the reader threads (the thread-leak fixture would catch a forgotten one).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support.dates import login_expiry_ms

REPO = Path(__file__).resolve().parents[2]


def write_credentials(home: Path, token: str, *, expires_at_ms: int | None = None) -> Path:
    """A Claude Code login in ``home/.claude/.credentials.json`` (test token, never a real one)."""
    path = home / ".claude" / ".credentials.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "claudeAiOauth": {
            "accessToken": token,
            "refreshToken": "test-refresh",
            "expiresAt": login_expiry_ms() if expires_at_ms is None else expires_at_ms,
            "scopes": ["user:inference", "user:profile"],
            "subscriptionType": "max",
        }
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    tmp.replace(path)  # atomically, as Claude Code does
    return path


class WatchProcess:
    """``claude-tray watch --format FORMAT`` with ``env`` added to the (isolated) environment."""

    def __init__(self, *args: str, env: Mapping[str, str]) -> None:
        self._env = {**os.environ, **env}
        self._args = ["watch", *args]
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self.proc: subprocess.Popen[str] | None = None
        self._readers: list[threading.Thread] = []

    def __enter__(self) -> WatchProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "claude_tray", *self._args],
            cwd=REPO,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.proc.stdout is not None
        assert self.proc.stderr is not None
        self._readers = [
            threading.Thread(
                target=self._pump, args=(self.proc.stdout, self.lines.put), name="test-watch-out"
            ),
            threading.Thread(
                target=self._pump, args=(self.proc.stderr, self.stderr.append), name="test-watch-err"
            ),
        ]
        for reader in self._readers:
            reader.start()
        return self

    @staticmethod
    def _pump(stream: Any, sink: Callable[[str], None]) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def next_doc(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """The next printed JSON document matching ``predicate`` (earlier ones are consumed)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            doc = json.loads(line)  # every line must be one JSON document
            if predicate(doc):
                return doc
        raise AssertionError(f"no matching line within {timeout} s; stderr: {self.stderr[-5:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Signal the process, wait for it and the readers; returns its exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for reader in self._readers:
                reader.join(timeout=5.0)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
        return code

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(signal.SIGKILL if et is not None else signal.SIGTERM)
