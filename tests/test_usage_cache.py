"""Claude Code's own numbers first: the usage cache, freshest-reading fusion, the API last.

Files are written as Claude Code writes them (``.claude.json`` with unrelated state around the
cache key, 2-space JSON; status-line records through the real ``statusline`` code path), the API
is the loopback server, and every test counts the requests it sent. Times compared with the real
clock (subprocess tests) are computed from it at test time.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.api.client import UsageClient
from claude_tray.claude_code.statusline import FeedReading, LimitReading, RecordStore, default_root
from claude_tray.errors import NoCredentialError, RateLimited, RefusedClient
from claude_tray.model import Health, SourceKind
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import AccountSettings
from claude_tray.settings.schema import parse_settings
from claude_tray.sources import build_source
from claude_tray.sources.usage_cache import UsageCacheReader, claude_json_path, parse_cache
from claude_tray.usage.fetch import OAuthFetcher
from claude_tray.usage.freshest import FreshestFetcher, statusline_aware
from tests.support.claude_code import write_login
from tests.support.clock import FakeClock
from tests.support.fixtures import fixture_bytes, fixture_json
from tests.support.http import LoopbackServer, Reply

TOKEN = "sk-ant-oat01-USAGE-CACHE-TEST-TOKEN"
USAGE = "/api/oauth/usage"
REAL_USAGE = "api/usage/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json"
REFUSED = Reply(  # the real body from the report of the refused-client pattern, Retry-After: 0
    429,
    {"Retry-After": "0"},
    fixture_bytes("api/errors/anthropics__claude-code__issue-30930__oauth_usage_429_body.json"),
)


def usage_body(now: datetime, five: float = 48.0) -> dict[str, object]:
    """The real captured usage body, its reset times moved to just after ``now``."""
    body = fixture_json(REAL_USAGE)
    body["five_hour"] = {"utilization": five, "resets_at": (now + timedelta(hours=2)).isoformat()}
    body["seven_day"] = {"utilization": 64.0, "resets_at": (now + timedelta(days=3)).isoformat()}
    body["seven_day_sonnet"] = {"utilization": 2.0, "resets_at": (now + timedelta(days=3)).isoformat()}
    return body


def write_claude_json(path: Path, fetched_at: datetime, body: dict[str, object]) -> Path:
    """``.claude.json`` as Claude Code keeps it: identity, projects and the usage cache."""
    document = {
        "numStartups": 212,
        "installMethod": "native",
        "autoUpdates": True,
        "userID": "3f0c" * 16,
        "oauthAccount": {
            "accountUuid": "a1b2c3d4-0000-4000-8000-000000000001",
            "emailAddress": "me@example.com",
        },
        "projects": {"/home/me/proj": {"allowedTools": [], "history": [{"display": "fix the tests"}]}},
        "cachedUsageUtilization": {
            "fetchedAtMs": int(fetched_at.timestamp() * 1000),
            "accountUuid": "a1b2c3d4-0000-4000-8000-000000000001",
            "utilization": body,
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2))
    return path


def record(config: Path, at: datetime, five: float, seven: float) -> None:
    reset = at + timedelta(hours=1)
    reading = FeedReading(LimitReading(five, reset), LimitReading(seven, at + timedelta(days=3)))
    RecordStore(default_root()).write(config, reading, at)


@pytest.fixture
def client(server: LoopbackServer, clock: FakeClock) -> Iterator[UsageClient]:
    usage_client = UsageClient(server.url, server.url, "", 5.0, clock=clock)
    yield usage_client
    usage_client.close()


@pytest.fixture
def fetcher_for(client: UsageClient, clock: FakeClock) -> Callable[..., FreshestFetcher]:
    """What build_fetchers makes for one Claude Code account, with a client the test closes."""

    def make(config: Path, source: str = "cli") -> FreshestFetcher:
        account = AccountSettings(name="me", source=source, config_dir=str(config))
        return statusline_aware(
            account, OAuthFetcher("me", build_source(account, clock), client, clock), clock
        )

    return make


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


# --- the cache file --------------------------------------------------------------------------


def test_where_the_cache_lives(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    assert claude_json_path() == isolated_home / ".claude.json"  # beside ~/.claude, not inside
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(isolated_home / "cc"))
    assert claude_json_path() == isolated_home / "cc" / ".claude.json"
    assert claude_json_path("~/work-claude") == isolated_home / "work-claude" / ".claude.json"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b'{"numStartups": 3',  # caught mid-rewrite
        b"[]",
        b'{"cachedUsageUtilization": null}',
        b'{"cachedUsageUtilization": {"utilization": {"five_hour": {"utilization": 5}}}}',  # no time
        b'{"cachedUsageUtilization": {"fetchedAtMs": 1795320000, "utilization": {}}}',  # seconds, not ms
        b'{"cachedUsageUtilization": {"fetchedAtMs": true, "utilization": {}}}',
        b'{"cachedUsageUtilization": {"fetchedAtMs": 1795320000000, "utilization": "oops"}}',
    ],
)
def test_an_unusable_cache_is_no_reading(raw: bytes) -> None:
    assert parse_cache(raw, account="me") is None


def test_the_cache_parses_with_the_usage_parser(tmp_path: Path, clock: FakeClock) -> None:
    at = clock.now() - timedelta(minutes=3)
    path = write_claude_json(tmp_path / ".claude.json", at, usage_body(clock.now()))
    snapshot = UsageCacheReader(path, "me").read()
    assert snapshot is not None
    assert (snapshot.source, snapshot.fetched_at, snapshot.provenance) == (
        SourceKind.USAGE_CACHE,
        at.replace(microsecond=at.microsecond // 1000 * 1000),
        "via Claude Code's usage cache",
    )
    assert [w.key for w in snapshot.windows] == ["five_hour", "seven_day", "seven_day_sonnet"]
    assert snapshot.extra is not None and snapshot.extra.limit == 10.0  # minor units, as the API


def test_a_fifo_or_directory_in_place_of_the_file_is_no_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    assert UsageCacheReader(fifo, "me").read() is None  # returns at once: never blocks on a FIFO
    assert UsageCacheReader(tmp_path, "me").read() is None


# --- the freshest reading wins ---------------------------------------------------------------


def test_a_fresh_cache_covers_the_account_without_a_request(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, Reply(200, body=json.dumps(usage_body(clock.now(), five=70.0)).encode()))
    cached_at = clock.now() - timedelta(minutes=2)
    write_claude_json(config / ".claude.json", cached_at, usage_body(clock.now(), five=30.0))
    fetcher = fetcher_for(config)
    for _ in range(2):
        snapshot = fetcher.fetch()
        assert snapshot.source is SourceKind.USAGE_CACHE and snapshot.window("five_hour").utilization == 30.0  # type: ignore[union-attr]
        clock.advance(60)
    assert server.count() == 0  # a fresh zero-network reading: nothing sent
    clock.advance(180)  # the cache is now 6 minutes old and Claude Code did not refresh it
    snapshot = fetcher.fetch()
    assert (snapshot.source, snapshot.fetched_at) == (SourceKind.CLI, clock.now())
    assert server.count(USAGE) == 1


def test_a_fresh_status_line_record_beats_a_two_hour_old_cache(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, REFUSED)
    write_claude_json(
        config / ".claude.json", clock.now() - timedelta(hours=2), usage_body(clock.now(), five=10.0)
    )
    record(config, clock.now() - timedelta(seconds=30), five=55.0, seven=66.0)
    snapshot = fetcher_for(config).fetch()
    assert (snapshot.source, snapshot.fetched_at) == (
        SourceKind.STATUSLINE,
        clock.now() - timedelta(seconds=30),
    )
    assert [(w.key, w.utilization, w.read_at) for w in snapshot.windows] == [
        ("five_hour", 55.0, None),
        ("seven_day", 66.0, None),
        ("seven_day_sonnet", 2.0, clock.now() - timedelta(hours=2)),  # only the cache has it: its own age
    ]
    assert snapshot.extra is not None  # the status line has no money; the cache's is kept
    assert server.count() == 0


def test_a_fresh_cache_beats_a_two_hour_old_status_line_record(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, REFUSED)
    record(config, clock.now() - timedelta(hours=2), five=99.0, seven=99.0)
    write_claude_json(
        config / ".claude.json", clock.now() - timedelta(minutes=1), usage_body(clock.now(), five=12.0)
    )
    snapshot = fetcher_for(config).fetch()
    assert (snapshot.source, snapshot.fetched_at) == (
        SourceKind.USAGE_CACHE,
        clock.now() - timedelta(minutes=1),
    )
    assert [(w.key, w.utilization, w.read_at) for w in snapshot.windows] == [
        ("five_hour", 12.0, None),
        ("seven_day", 64.0, None),
        ("seven_day_sonnet", 2.0, None),
    ]
    assert server.count() == 0


def test_model_windows_from_an_old_reading_are_dropped_once_too_old(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    write_claude_json(config / ".claude.json", clock.now() - timedelta(days=2), usage_body(clock.now()))
    record(config, clock.now(), five=5.0, seven=6.0)
    snapshot = fetcher_for(config).fetch()
    assert [w.key for w in snapshot.windows] == ["five_hour", "seven_day"]  # a 2-day-old row is not shown
    assert server.count() == 0


def test_statusline_accounts_read_the_cache_too_and_never_send(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = tmp_path / "claude-work"
    fetcher = fetcher_for(config, source="statusline")
    with pytest.raises(NoCredentialError):
        fetcher.fetch()
    write_claude_json(config / ".claude.json", clock.now() - timedelta(hours=3), usage_body(clock.now()))
    snapshot = fetcher.fetch()  # old, but the best there is: shown with its own time
    assert (snapshot.source, snapshot.fetched_at) == (
        SourceKind.USAGE_CACHE,
        clock.now() - timedelta(hours=3),
    )
    assert server.count() == 0


# --- the endpoint is the last resort ---------------------------------------------------------


def test_refused_client_pattern_is_named_and_the_cache_is_kept(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, REFUSED)
    cached_at = clock.now() - timedelta(hours=1)
    write_claude_json(config / ".claude.json", cached_at, usage_body(clock.now(), five=33.0))
    fetcher = fetcher_for(config)
    with pytest.raises(RefusedClient) as info:
        fetcher.fetch()
    assert "statusline install" in info.value.hint and "says nothing about your usage" in info.value.hint
    assert info.value.hint.count(". ") == 0  # one sentence
    kept = fetcher.kept()
    assert (
        kept is not None
        and kept.source is SourceKind.USAGE_CACHE
        and kept.fetched_at == cached_at.replace(microsecond=0)
    )
    assert server.count(USAGE) == 1


def test_a_plain_429_names_the_bridge_not_the_refused_pattern(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(
        USAGE, Reply(200, body=json.dumps(usage_body(clock.now())).encode()), Reply(429, {"Retry-After": "0"})
    )
    fetcher = fetcher_for(config)
    fetcher.fetch()  # this login already got an answer: a later 429 is an ordinary one
    clock.advance(600)
    with pytest.raises(RateLimited) as info:
        fetcher.fetch()
    assert not isinstance(info.value, RefusedClient)
    assert "`claude-tray statusline install`" in info.value.hint


def test_the_poller_shows_the_cache_with_its_own_time_while_the_endpoint_refuses(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, REFUSED)
    cached_at = clock.now() - timedelta(minutes=90)
    write_claude_json(config / ".claude.json", cached_at, usage_body(clock.now(), five=41.0))
    settings = parse_settings(f'[network]\napi_base = "{server.url}"\n')
    poller = Poller([fetcher_for(config)], settings, clock=clock, rng=random.Random(3))
    poller.step()
    [status] = poller.statuses()
    assert (status.health, status.message) == (Health.RATE_LIMITED, "Usage API refused this app")
    assert "statusline install" in status.hint and "next try" in status.hint
    assert status.snapshot is not None and status.snapshot.source is SourceKind.USAGE_CACHE
    assert status.snapshot.fetched_at == cached_at.replace(microsecond=0)
    assert server.count(USAGE) == 1
    clock.advance(poller.policy.penalty_cap)  # past the held wait
    record(config, clock.now(), five=44.0, seven=65.0)  # Claude Code's status line starts reporting
    poller.step()
    [status] = poller.statuses()
    assert status.health is Health.FRESH and status.snapshot is not None
    assert status.snapshot.source is SourceKind.STATUSLINE
    assert server.count(USAGE) == 1  # the fresh record covered the account: nothing more sent


def test_no_request_while_a_fresh_reading_covers_the_account_over_hours(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    """Claude Code in use all afternoon: its status line writes every few minutes; zero requests."""
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, Reply(200, body=json.dumps(usage_body(clock.now())).encode()))
    settings = parse_settings(f'[network]\napi_base = "{server.url}"\n')
    poller = Poller([fetcher_for(config)], settings, clock=clock, rng=random.Random(5))
    record(config, clock.now(), five=1.0, seven=2.0)
    for minute in range(0, 240, 2):
        record(config, clock.now(), five=1.0 + minute / 10, seven=2.0)
        poller.step()
        clock.advance(120)
    assert server.count() == 0
    clock.advance(600)  # Claude Code idle: the record goes stale, the API is asked once
    poller.step()
    assert server.count(USAGE) == 1


# --- read-only toward Claude Code, end to end ------------------------------------------------


def run_status(server: LoopbackServer, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAUDE_TRAY_API_BASE": server.url, "HOME": str(home)}
    env.pop("CLAUDE_CONFIG_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_status_json_shows_the_cache_reading_while_the_endpoint_refuses(
    server: LoopbackServer, isolated_home: Path
) -> None:
    claude = write_login(isolated_home / ".claude", TOKEN)
    (claude / "settings.json").write_text('{\n  "model": "opus"\n}\n')
    now = datetime.now(UTC)  # the subprocess runs on the real clock
    cached_at = now - timedelta(hours=2)
    claude_json = write_claude_json(isolated_home / ".claude.json", cached_at, usage_body(now, five=37.0))
    server.script(USAGE, REFUSED)
    before, before_json = tree(claude), (claude_json.read_bytes(), claude_json.stat().st_mtime_ns)
    time.sleep(0.01)  # so a rewrite would show in the mtimes
    done = run_status(server, isolated_home)
    assert done.returncode == 1, done.stderr
    [account] = json.loads(done.stdout)["accounts"]
    assert account["health"] == "rate_limited" and account["message"] == "Usage API refused this app"
    assert "claude-tray statusline install" in account["hint"]
    assert account["provenance"] == "via Claude Code's usage cache" and account["source"] == "usage_cache"
    assert datetime.fromisoformat(account["fetched_at"]) == datetime.fromtimestamp(
        int(cached_at.timestamp() * 1000) / 1000, UTC
    )
    assert [(w["key"], w["utilization"]) for w in account["windows"]][:2] == [
        ("five_hour", 37.0),
        ("seven_day", 64.0),
    ]
    assert server.count(USAGE) == 1
    assert tree(claude) == before  # credentials, settings.json: same bytes, same mtimes
    assert (claude_json.read_bytes(), claude_json.stat().st_mtime_ns) == before_json


def test_claude_codes_fresh_numbers_end_a_rate_limit_wait_without_a_request(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path, fetcher_for: Callable[..., FreshestFetcher]
) -> None:
    config = write_login(tmp_path / "claude", TOKEN)
    server.script(USAGE, Reply(429, {"Retry-After": "1800"}))
    settings = parse_settings(f'[network]\napi_base = "{server.url}"\n')
    poller = Poller([fetcher_for(config)], settings, clock=clock, rng=random.Random(9))
    poller.step()
    assert poller.statuses()[0].health is Health.RATE_LIMITED and server.count(USAGE) == 1
    clock.advance(60)
    write_login(config, TOKEN + "-refreshed")  # a new token is no reason to cut the wait short
    for _ in range(8):
        clock.advance(poller.step() or 0.0)
    assert poller.statuses()[0].health is Health.RATE_LIMITED and server.count(USAGE) == 1
    record(config, clock.now(), five=31.0, seven=40.0)  # Claude Code takes a turn: its own numbers
    taken = clock.monotonic()
    for _ in range(3):
        delay = poller.step()
        if poller.statuses()[0].health is Health.FRESH:
            break
        clock.advance(delay or 0.0)
    [status] = poller.statuses()
    assert clock.monotonic() - taken <= 15.0  # within one local check, not after the 30 min wait
    assert status.health is Health.FRESH and status.snapshot is not None
    assert status.snapshot.source is SourceKind.STATUSLINE
    assert server.count(USAGE) == 1  # and nothing was sent for it
