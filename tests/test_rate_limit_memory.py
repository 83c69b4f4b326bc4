"""A rate limit outlives the process that met it, and Retry-After is clamped to one cap.

Real ``status`` and ``watch`` subprocesses against a loopback server, sharing one state dir:
after a 429 with ``Retry-After: 600``, neither a second ``status`` nor a fresh ``watch`` asks the
server again inside the penalty.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from claude_tray.errors import RETRY_AFTER_CAP, RateLimited
from claude_tray.model import Health, UsageSnapshot
from claude_tray.usage.last_poll import RateLimitMemory, read_records
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import WatchProcess
from tests.test_status_command import USAGE, login, status  # noqa: F401 - login is a fixture

BODY = json.dumps({"five_hour": {"utilization": 10.0}, "seven_day": {"utilization": 20.0}}).encode()


@pytest.mark.parametrize("value", [1e12, float("inf"), 10**30])
def test_retry_after_is_clamped_where_it_is_made(value: float) -> None:
    assert RateLimited("429", retry_after=value).retry_after == RETRY_AFTER_CAP


@pytest.mark.parametrize(
    "header",
    ["1000000000000", "Fri, 31 Dec 9999 23:59:59 GMT"],
    ids=["huge-seconds", "year-9999"],
)
def test_status_reports_a_next_attempt_within_the_cap(
    server: LoopbackServer,
    login: Path,  # noqa: F811
    header: str,
) -> None:
    server.script(USAGE, Reply(429, {"Retry-After": header}, body=b"{}"))
    run = status(server, "--json")
    assert run.code == 1 and "Traceback" not in run.stderr
    next_at = datetime.fromisoformat(str(run.account()["next_attempt_at"]))
    assert next_at - datetime.now(UTC) <= timedelta(seconds=RETRY_AFTER_CAP + 60)


def test_a_429_is_honoured_by_the_next_status_and_a_new_watch(
    server: LoopbackServer,
    login: Path,  # noqa: F811
    isolated_home: Path,
) -> None:
    server.script(USAGE, Reply(429, {"Retry-After": "600"}, body=b"{}"), Reply(200, body=BODY))
    first = status(server)
    assert first.code == 1 and server.count(USAGE) == 1
    second = status(server, "--json")
    assert server.count(USAGE) == 1, "the second status asked inside the penalty"
    entry = second.account()
    assert entry["health"] == "rate_limited"
    left = datetime.fromisoformat(str(entry["next_attempt_at"])) - datetime.now(UTC)
    assert timedelta(seconds=500) < left <= timedelta(seconds=600)
    env = {"CLAUDE_TRAY_API_BASE": server.url}
    with WatchProcess("--format", "json", env=env) as watch:
        doc = watch.next_doc(lambda d: d["health"] == "rate_limited")
        assert watch.stop() == 0
    assert server.count(USAGE) == 1, "a restarted watch asked inside the penalty"
    assert doc["health"] == "rate_limited"


class _Counting:
    name = "a"

    def __init__(self, *results: UsageSnapshot | RateLimited) -> None:
        self.results = list(results)
        self.calls = 0

    def fetch(self) -> UsageSnapshot:
        self.calls += 1
        result = self.results.pop(0)
        if isinstance(result, RateLimited):
            raise result
        return result

    def fingerprint(self) -> object:
        return 1


def test_the_memory_ends_when_the_time_is_up(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "last_poll.json"
    snapshot = UsageSnapshot("a", None, clock.now(), (), None)  # type: ignore[arg-type]
    inner = _Counting(RateLimited("429", retry_after=100.0), snapshot)
    memory = RateLimitMemory(inner, path, clock.now)  # type: ignore[arg-type]
    with pytest.raises(RateLimited):
        memory.fetch()
    assert read_records(path)["a"].health is Health.RATE_LIMITED
    clock.advance(60)
    with pytest.raises(RateLimited) as info:
        memory.fetch()
    assert inner.calls == 1 and info.value.retry_after == pytest.approx(40.0)
    clock.advance(41)
    assert memory.fetch() is snapshot and inner.calls == 2


def test_a_recorded_limit_far_in_the_future_is_clamped(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "last_poll.json"
    far = (clock.now() + timedelta(days=10000)).isoformat()
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "accounts": {
                    "a": {
                        "health": "rate_limited",
                        "recorded_at": clock.now().isoformat(),
                        "next_attempt_at": far,
                    }
                },
            }
        )
    )
    memory = RateLimitMemory(_Counting(), path, clock.now)  # type: ignore[arg-type]
    with pytest.raises(RateLimited) as info:
        memory.fetch()
    assert info.value.retry_after == RETRY_AFTER_CAP


def test_http_date_header_in_the_client(server: LoopbackServer, clock: FakeClock) -> None:
    from claude_tray.api.client import UsageClient

    when = format_datetime(datetime(9999, 12, 31, tzinfo=UTC), usegmt=True)
    server.script(USAGE, Reply(429, {"Retry-After": when}, body=b"{}"))
    client = UsageClient(server.url, server.url, "", timeout=5.0, clock=clock)
    try:
        with pytest.raises(RateLimited) as info:
            client.oauth_usage("sk-ant-oat01-CLAMP-TEST-TOKEN")
    finally:
        client.close()
    assert info.value.retry_after == RETRY_AFTER_CAP
