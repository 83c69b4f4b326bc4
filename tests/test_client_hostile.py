"""The API client against a server that drips, bombs and never finishes: every read is bounded.

Real sockets on 127.0.0.1 (tests/support/hostile.py); the bounds asserted are hang guards (a
fetch that should end after ~1 s must end well within 10 s), not performance goals.
"""

from __future__ import annotations

import gzip
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Hashable, Iterator
from pathlib import Path

import pytest

from claude_tray.api.client import UsageClient
from claude_tray.api.transport import MAX_BODY, abort_all
from claude_tray.clock import SystemClock
from claude_tray.errors import ApiError, CredentialFormatError, ResponseFormatError, TransientApiError
from claude_tray.model import UsageSnapshot
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import Settings
from tests.support.hostile import HostileServer, body, drip_body, drip_headers, gzip_bomb
from tests.support.watch import WatchProcess, write_credentials

TOKEN = "sk-ant-oat01-HOSTILE-TEST-TOKEN-abc123"
HANG_GUARD = 10.0  # seconds: far above every deadline used here, far below "forever"


@pytest.fixture
def make_client() -> Iterator[type[UsageClient]]:
    made: list[UsageClient] = []

    def make(url: str, timeout: float = 1.0) -> UsageClient:
        client = UsageClient(url, url, "", timeout=timeout)
        made.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in made:
        client.close()


def _timed_failure(client: UsageClient) -> tuple[Exception, float]:
    start = time.monotonic()
    with pytest.raises(Exception) as info:
        client.oauth_usage(TOKEN)
    return info.value, time.monotonic() - start


@pytest.mark.parametrize("behaviour", [drip_body(0.1), drip_headers(0.1)], ids=["body", "headers"])
def test_a_dripping_server_hits_the_total_deadline(make_client, behaviour) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(behaviour) as server:
        err, took = _timed_failure(make_client(server.url, timeout=1.0))
    assert isinstance(err, TransientApiError)
    assert "within 1 s" in str(err)
    assert 0.9 <= took < HANG_GUARD


def test_abort_all_ends_a_fetch_in_flight_at_once(make_client) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(drip_body(0.1)) as server:
        client = make_client(server.url, timeout=60.0)
        caught: list[BaseException] = []

        def fetch() -> None:
            try:
                client.oauth_usage(TOKEN)
            except ApiError as err:
                caught.append(err)

        worker = threading.Thread(target=fetch, name="test-fetch")
        worker.start()
        server.wait_for_request(HANG_GUARD)  # the request is now waiting in the dripping answer
        start = time.monotonic()
        abort_all()
        worker.join(HANG_GUARD)
        took = time.monotonic() - start
    assert not worker.is_alive()
    assert took < 2.0
    [err] = caught
    assert isinstance(err, TransientApiError) and "quitting" in str(err)


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "chunkless"])
def test_a_large_body_is_refused_after_the_cap(make_client, length: bool) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(body(b" " * (200 << 20), length=length)) as server:
        err, took = _timed_failure(make_client(server.url, timeout=5.0))
    assert isinstance(err, ResponseFormatError)
    assert "unusable body" in str(err) and str(MAX_BODY) in str(err)
    assert took < HANG_GUARD


def test_a_gzip_bomb_is_refused_once_decoded_past_the_cap(make_client) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(body(gzip_bomb(1 << 30), encoding="gzip")) as server:
        err, _ = _timed_failure(make_client(server.url, timeout=5.0))
    assert isinstance(err, ResponseFormatError) and "decoded" in str(err)


def test_a_small_gzip_body_still_decodes(make_client) -> None:  # type: ignore[no-untyped-def]
    payload = b'{"five_hour": {"utilization": 12.0, "resets_at": null}}'
    with HostileServer(body(gzip.compress(payload), encoding="gzip")) as server:
        data = make_client(server.url).oauth_usage(TOKEN)
    assert data == {"five_hour": {"utilization": 12.0, "resets_at": None}}


def test_an_encoding_not_asked_for_is_a_format_error(make_client) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(body(b"\x00\x01", encoding="br")) as server:
        err, _ = _timed_failure(make_client(server.url))
    assert isinstance(err, ResponseFormatError)


def test_a_token_that_cannot_travel_in_a_header_is_a_credential_error(make_client) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(body(b"{}")) as server:
        client = make_client(server.url)
        with pytest.raises(CredentialFormatError) as info:
            client.oauth_usage("sk-ant-oat01-\u2603-snowman")
        assert server.connections == 0  # refused before anything was sent
    assert "\u2603" not in str(info.value)


def test_a_user_agent_that_cannot_travel_falls_back_to_the_default() -> None:
    client = UsageClient("http://127.0.0.1:9", "http://127.0.0.1:9", "caf\u00e9 \u2603", timeout=1.0)
    try:
        assert client.user_agent.startswith("claude-tray/")
    finally:
        client.close()


_CAPPED_FETCH = """
import sys
from claude_tray.api.client import UsageClient
from claude_tray.errors import ApiError
client = UsageClient(sys.argv[1], sys.argv[1], "", timeout=10.0)
try:
    client.oauth_usage("sk-ant-oat01-CAPPED")
except ApiError as err:
    print(type(err).__name__)
"""


def _cap_memory() -> None:
    limit = 400 << 20  # 400 MiB of address space: a 1 GiB bomb cannot be inflated in it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize(
    "behaviour",
    [body(gzip_bomb(1 << 30), encoding="gzip"), body(b" " * (200 << 20))],
    ids=["gzip-1GiB", "plain-200MB"],
)
def test_under_a_memory_cap_a_bomb_is_a_clean_error(behaviour) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(behaviour) as server:
        done = subprocess.run(
            [sys.executable, "-c", _CAPPED_FETCH, server.url],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_cap_memory,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ResponseFormatError"
    assert "MemoryError" not in done.stderr


class _ClientFetcher:
    """A real client behind the fetcher protocol (the poller never sees HTTP)."""

    name = "a"

    def __init__(self, client: UsageClient) -> None:
        self._client = client

    def fetch(self) -> UsageSnapshot:
        self._client.oauth_usage(TOKEN)
        raise AssertionError("the dripping server never finishes")

    def fingerprint(self) -> Hashable:
        return 1


def test_stopping_the_poller_never_waits_for_a_slow_fetch(make_client) -> None:  # type: ignore[no-untyped-def]
    with HostileServer(drip_body(0.1)) as server:
        fetcher = _ClientFetcher(make_client(server.url, timeout=60.0))
        poller = Poller([fetcher], Settings(), clock=SystemClock(), rng=random.Random(1))
        poller.start()
        server.wait_for_request(HANG_GUARD)
        start = time.monotonic()
        poller.stop()
        took = time.monotonic() - start
    assert server.connections == 1
    assert took < 2.0


def test_sigterm_stops_watch_during_a_dripping_fetch(isolated_home: Path) -> None:
    """The real ``watch`` with network.timeout = 300: SIGTERM must not wait for the drip."""
    write_credentials(isolated_home, "sk-ant-oat01-hostile-watch-token")
    config = isolated_home / "config.toml"
    config.write_text("[network]\ntimeout = 300\n", encoding="utf-8")
    with HostileServer(drip_body(0.1)) as server:
        env = {"CLAUDE_TRAY_API_BASE": server.url, "CLAUDE_TRAY_CONFIG": str(config)}
        with WatchProcess("--format", "json", env=env) as watch:
            server.wait_for_request(HANG_GUARD)  # watch's fetch now waits in the dripping body
            assert server.connections == 1, watch.stderr
            start = time.monotonic()
            code = watch.stop(timeout=HANG_GUARD)
            took = time.monotonic() - start
    assert code == 0, watch.stderr
    assert took < 2.0
