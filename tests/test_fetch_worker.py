"""The tray's fetch worker: one request per short-lived process, the same answers and errors.

Real worker processes (``python -m claude_tray.api.worker``) against real sockets on 127.0.0.1.
The secret travels on the worker's stdin only: its argv and environment are read from ``/proc``
while it is stuck on a dripping server. Bounds are hang guards, not performance goals.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claude_tray.api import worker
from claude_tray.api.worker import WorkerClient, abort_all
from claude_tray.errors import (
    ApiError,
    AuthError,
    CredentialFormatError,
    RateLimited,
    ResponseFormatError,
    TransientApiError,
)
from tests.support.hostile import HostileServer, body, drip_body, gzip_bomb
from tests.support.http import LoopbackServer, Reply

TOKEN = "sk-ant-oat01-WORKER-TEST-TOKEN-xyz789"
USAGE = "/api/oauth/usage"
HANG_GUARD = 20.0  # seconds: above a worker's start-up on a loaded machine, far below "forever"


def client(url: str, timeout: float = 5.0, user_agent: str = "") -> WorkerClient:
    return WorkerClient(url, url, user_agent, timeout)


def test_a_reading_comes_back_with_the_honest_user_agent() -> None:
    payload = {"five_hour": {"utilization": 12.5, "resets_at": None}}
    with LoopbackServer() as server:
        server.script(USAGE, Reply(200, body=json.dumps(payload).encode()))
        assert client(server.url).oauth_usage(TOKEN) == payload
        [seen] = server.seen
    assert seen.headers["User-Agent"].startswith("claude-tray/")
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_configured_user_agent_is_sent_and_an_unsendable_one_falls_back() -> None:
    with LoopbackServer() as server:
        server.script(USAGE, Reply(200))
        client(server.url, user_agent="my-tray/2").oauth_usage(TOKEN)
        client(server.url, user_agent="caf\u00e9 \u2603").oauth_usage(TOKEN)
        first, second = (seen.headers["User-Agent"] for seen in server.seen)
    assert first == "my-tray/2"
    assert second.startswith("claude-tray/")
    assert client("http://127.0.0.1:9", user_agent="\u2603").user_agent.startswith("claude-tray/")


def test_a_429_keeps_its_retry_after() -> None:
    with LoopbackServer() as server:
        server.script(USAGE, Reply(429, {"Retry-After": "600"}, body=b'{"error": {"message": "slow down"}}'))
        with pytest.raises(RateLimited) as info:
            client(server.url).oauth_usage(TOKEN)
    assert info.value.retry_after == 600.0
    assert "slow down" in info.value.message


def test_a_401_is_an_auth_error_with_its_status_and_hint() -> None:
    body_401 = json.dumps({"error": {"message": f"bad token {TOKEN}"}}).encode()
    with LoopbackServer() as server:
        server.script(USAGE, Reply(401, body=body_401))
        with pytest.raises(AuthError) as info:
            client(server.url).oauth_usage(TOKEN)
    assert info.value.status == 401
    assert info.value.hint
    assert TOKEN not in str(info.value) and TOKEN not in info.value.server_message


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(503, body=b"{}"), TransientApiError),
        (Reply(200, body=b"not json"), ResponseFormatError),
        (Reply(200, body=b"[" * 100_000 + b"]" * 100_000), ResponseFormatError),
    ],
    ids=["5xx", "not-json", "nested"],
)
def test_failures_keep_their_type(reply: Reply, error: type[ApiError]) -> None:
    with LoopbackServer() as server:
        server.script(USAGE, reply)
        with pytest.raises(error):
            client(server.url).oauth_usage(TOKEN)


def test_a_gzip_bomb_is_refused_in_the_worker() -> None:
    with (
        HostileServer(body(gzip_bomb(1 << 30), encoding="gzip")) as server,
        pytest.raises(ResponseFormatError),
    ):
        client(server.url).oauth_usage(TOKEN)


def test_an_unsendable_token_is_refused_before_anything_is_sent() -> None:
    with HostileServer(body(b"{}")) as server:
        with pytest.raises(CredentialFormatError):
            client(server.url).oauth_usage("sk-ant-oat01-\u2603-snowman")
        assert server.connections == 0


def test_nothing_listening_is_transient() -> None:
    with pytest.raises(TransientApiError):
        client("http://127.0.0.1:9").oauth_usage(TOKEN)


def _in_flight() -> list[subprocess.Popen[bytes]]:
    with worker._flights_lock:
        return [f.proc for f in worker._flights if f.proc is not None]


class _Background:
    """One call on its own thread, collecting what it raised."""

    def __init__(self, wc: WorkerClient) -> None:
        self.caught: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(wc,), name="test-worker-call")
        self.thread.start()

    def _run(self, wc: WorkerClient) -> None:
        try:
            wc.oauth_usage(TOKEN)
        except ApiError as err:
            self.caught.append(err)


def _wait_for_connection(server: HostileServer) -> None:
    server.wait_for_request(HANG_GUARD)
    assert server.connections == 1


def test_the_secret_is_on_stdin_only_and_abort_kills_the_worker_at_once() -> None:
    with HostileServer(drip_body(0.1)) as server:
        call = _Background(client(server.url, timeout=300.0))
        _wait_for_connection(server)
        [proc] = _in_flight()
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes()
        start = time.monotonic()
        abort_all()
        call.thread.join(HANG_GUARD)
        took = time.monotonic() - start
    assert TOKEN.encode() not in cmdline and TOKEN.encode() not in environ
    assert b"claude_tray.api.worker" in cmdline
    assert not call.thread.is_alive() and took < 2.0
    [err] = call.caught
    assert isinstance(err, TransientApiError) and "quitting" in str(err)
    assert proc.returncode is not None  # reaped: no zombie left behind
    assert not _in_flight()


def test_a_worker_that_never_answers_is_killed_at_the_hard_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    hung = [sys.executable, "-c", "import time; time.sleep(120)"]
    real_popen = subprocess.Popen

    def spawn_hung() -> subprocess.Popen[bytes]:
        return real_popen(hung, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    monkeypatch.setattr(worker, "_spawn", spawn_hung)
    monkeypatch.setattr(worker, "START_SLACK", 0.5)
    start = time.monotonic()
    with pytest.raises(TransientApiError) as info:
        client("http://127.0.0.1:9", timeout=0.5).oauth_usage(TOKEN)
    assert time.monotonic() - start < HANG_GUARD
    assert "within 0.5 s" in str(info.value)
    assert not _in_flight()


def test_a_worker_given_garbage_says_so_and_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "claude_tray.api.worker"],
        input=b'{"call": "__class__", "args": []}',
        capture_output=True,
        timeout=60,
        env={**os.environ},
        check=False,
    )
    assert done.returncode == 2 and b"expected one JSON request" in done.stderr
    assert done.stdout == b""


def test_importing_the_worker_client_leaves_requests_alone() -> None:
    probe = "import sys, claude_tray.api.worker; print('requests' in sys.modules, 'urllib3' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "False"]
