"""Fetchers against the loopback server: credential caching by fingerprint, org discovery once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from keyring.backends import null

from claude_tray.api.client import UsageClient
from claude_tray.errors import NoCredentialError, TokenExpired
from claude_tray.model import ExtraUsage, SourceKind
from claude_tray.settings.model import AccountSettings, NetworkSettings, Settings
from claude_tray.sources.cli_file import CliFileSource
from claude_tray.sources.keychain import SERVICE, KeychainSource
from claude_tray.sources.web_key import ENV_VAR, WebKeySource
from claude_tray.usage.fetch import OAuthFetcher, WebFetcher, build_fetchers
from claude_tray.usage.last_poll import RateLimitMemory
from tests.support.clock import FakeClock
from tests.support.fake_security import FakeSecurity
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply

USAGE = "/api/oauth/usage"
OK_BODY = fixture_bytes("api/usage/leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json")
WEB = "api/web/"


def credentials(token: str, expires: datetime) -> str:
    oauth = {"accessToken": token, "expiresAt": int(expires.timestamp() * 1000), "scopes": ["user:profile"]}
    return json.dumps({"claudeAiOauth": oauth})


@pytest.fixture
def client(server: LoopbackServer, clock: FakeClock) -> Iterator[UsageClient]:
    usage_client = UsageClient(server.url, server.url, "", timeout=2.0, clock=clock)
    yield usage_client
    usage_client.close()


def bearer(server: LoopbackServer) -> list[str]:
    return [r.headers["Authorization"] for r in server.seen if r.path == USAGE]


def test_file_token_is_reread_only_after_the_file_changes(
    tmp_path: Path, server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script(USAGE, Reply(200, body=OK_BODY))
    path = tmp_path / ".credentials.json"
    path.write_text(credentials("sk-ant-oat01-ONE", datetime(2100, 1, 1, tzinfo=UTC)))
    fetcher = OAuthFetcher("me", CliFileSource(tmp_path, clock), client, clock)
    snapshot = fetcher.fetch()
    assert (snapshot.account, snapshot.source, snapshot.fetched_at) == ("me", SourceKind.CLI, clock.now())
    assert snapshot.window("five_hour") is not None
    fetcher.fetch()
    path.write_text(credentials("sk-ant-oat01-TWO", datetime(2100, 1, 1, tzinfo=UTC)))
    fetcher.fetch()
    assert bearer(server) == ["Bearer sk-ant-oat01-ONE"] * 2 + ["Bearer sk-ant-oat01-TWO"]


def test_a_cached_token_that_expires_is_not_sent(
    tmp_path: Path, server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script(USAGE, Reply(200, body=OK_BODY))
    (tmp_path / ".credentials.json").write_text(
        credentials("sk-ant-oat01-SOON", datetime(2026, 11, 22, 12, 30, tzinfo=UTC))
    )
    fetcher = OAuthFetcher("me", CliFileSource(tmp_path, clock), client, clock)
    fetcher.fetch()
    clock.advance(3600)
    with pytest.raises(TokenExpired):
        fetcher.fetch()
    assert server.count(USAGE) == 1


def test_keychain_is_read_once_per_change(
    tmp_path: Path, server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script(USAGE, Reply(200, body=OK_BODY))
    fake = FakeSecurity(tmp_path / "bin")
    fake.put(SERVICE, "alice", credentials("sk-ant-oat01-KC1", datetime(2100, 1, 1, tzinfo=UTC)))
    source = KeychainSource(clock, user="alice", security=fake.path, platform="darwin")
    fetcher = OAuthFetcher("me", source, client, clock)
    assert fetcher.fetch().source is SourceKind.KEYCHAIN
    fetcher.fetch()
    assert len(fake.calls()) == 3  # fingerprint + read, then fingerprint only
    fake.put(SERVICE, "alice", credentials("sk-ant-oat01-KC2", datetime(2100, 1, 1, tzinfo=UTC)))
    fetcher.fetch()
    assert len(fake.calls()) == 5
    assert bearer(server)[-1] == "Bearer sk-ant-oat01-KC2"


def web_fetcher(client: UsageClient, clock: FakeClock, env: dict[str, str], org: str = "") -> WebFetcher:
    source = WebKeySource("me", env=env, backend=null.Keyring())
    return WebFetcher("web", source, client, clock, org=org)


def test_web_discovers_the_chat_org_once_and_reads_the_overage_limit(
    server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script(
        "/api/organizations",
        Reply(
            200,
            body=fixture_bytes(
                WEB + "steipete__CodexBar__ClaudeUsageTests.swift_L751_organizations_api_and_chat.json"
            ),
        ),
    )
    server.script(
        "/api/organizations/org-chat/usage",
        Reply(
            200,
            body=fixture_bytes(
                WEB
                + "linuxlewis__claude-usage__ClaudeUsageTests_ClaudeUsageTests.swift_L33_web_usage_realistic.json"
            ),
        ),
    )
    server.script(
        "/api/organizations/org-chat/overage_spend_limit",
        Reply(
            200,
            body=fixture_bytes(
                WEB + "steipete__CodexBar__ClaudeUsageTests.swift_L702_web_overage_spend_limit_EUR.json"
            ),
        ),
    )
    env = {ENV_VAR: "sk-ant-sid01-WEB1"}
    fetcher = web_fetcher(client, clock, env)
    snapshot = fetcher.fetch()
    assert snapshot.source is SourceKind.WEB and [w.key for w in snapshot.windows][:2] == [
        "five_hour",
        "seven_day",
    ]
    assert snapshot.extra == ExtraUsage(True, 0.0, 20.0, "EUR", 0.0)
    fetcher.fetch()
    assert (server.count("/api/organizations"), server.count("/api/organizations/org-chat/usage")) == (1, 2)
    env[ENV_VAR] = "sk-ant-sid01-WEB2"  # another key may see another org: discover again
    fetcher.fetch()
    assert server.count("/api/organizations") == 2
    assert all(r.headers["Cookie"].startswith("sessionKey=sk-ant-sid01-WEB") for r in server.seen)


def test_web_with_a_configured_org_skips_discovery_and_tolerates_no_overage(
    server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script("/api/organizations/org-x/usage", Reply(200, body=b'{"five_hour": {"utilization": 5}}'))
    server.script("/api/organizations/org-x/overage_spend_limit", Reply(404, body=b"{}"))
    snapshot = web_fetcher(client, clock, {ENV_VAR: "sk-ant-sid01-W"}, org="org-x").fetch()
    assert snapshot.extra is None and server.count("/api/organizations") == 0


def test_web_without_a_chat_org(server: LoopbackServer, client: UsageClient, clock: FakeClock) -> None:
    server.script(
        "/api/organizations", Reply(200, body=b'[{"uuid": "o", "name": "API", "capabilities": ["api"]}]')
    )
    with pytest.raises(NoCredentialError, match=r"no claude\.ai organization"):
        web_fetcher(client, clock, {ENV_VAR: "sk-ant-sid01-W"}).fetch()


def test_build_fetchers_one_per_account(clock: FakeClock) -> None:
    settings = Settings(
        network=NetworkSettings(api_base="http://127.0.0.1:9", web_base="http://127.0.0.1:9"),
        accounts=(AccountSettings(name="a", source="cli"), AccountSettings(name="b", source="web")),
    )
    fetchers = build_fetchers(settings, clock)
    assert [f.name for f in fetchers] == ["a", "b"]
    assert isinstance(fetchers[1], RateLimitMemory)  # every fetcher shares recorded rate limits
    assert isinstance(fetchers[1].inner, WebFetcher)
