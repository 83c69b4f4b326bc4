"""The API client against a real HTTP server on 127.0.0.1: status codes, headers, timeouts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime

import pytest

from claude_tray import __version__
from claude_tray.api.client import UsageClient, default_user_agent
from claude_tray.errors import (
    ApiError,
    AuthError,
    BlockedError,
    RateLimited,
    ResponseFormatError,
    TransientApiError,
)
from tests.support.clock import FakeClock
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply

TOKEN = "sk-ant-oat01-CLIENT-TEST-TOKEN-abc123"
SESSION_KEY = "sk-ant-sid01-CLIENT-TEST-SESSION-xyz789"
USAGE = "/api/oauth/usage"
REAL_USAGE = "api/usage/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json"
CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>window._cf_chl_opt</body></html>"
)


@pytest.fixture
def client(server: LoopbackServer, clock: FakeClock) -> Iterator[UsageClient]:
    usage_client = UsageClient(server.url, server.url, "", timeout=2.0, clock=clock)
    yield usage_client
    usage_client.close()


def raised(client: UsageClient) -> ApiError:
    with pytest.raises(ApiError) as info:
        client.oauth_usage(TOKEN)
    assert TOKEN not in str(info.value) and TOKEN not in info.value.hint
    return info.value


def test_default_user_agent_is_honest() -> None:
    assert default_user_agent() == f"claude-tray/{__version__} (+https://github.com/claude-tray/claude-tray)"


def test_200_returns_json_and_sends_the_oauth_headers(server: LoopbackServer, client: UsageClient) -> None:
    server.script(USAGE, Reply(200, body=fixture_bytes(REAL_USAGE)))
    data = client.oauth_usage(TOKEN)
    assert isinstance(data, dict) and data["five_hour"]["utilization"] == 48.0
    [request] = server.seen
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["anthropic-beta"] == "oauth-2025-04-20"
    assert request.headers["User-Agent"] == default_user_agent()
    assert request.headers["Accept"] == "application/json"
    assert "Cookie" not in request.headers


def test_profile_uses_the_same_headers(server: LoopbackServer, client: UsageClient) -> None:
    server.script("/api/oauth/profile", Reply(200, body=b'{"account": {}}'))
    assert client.oauth_profile(TOKEN) == {"account": {}}
    assert server.seen[0].headers["anthropic-beta"] == "oauth-2025-04-20"


def test_web_requests_send_the_session_cookie_only(server: LoopbackServer, client: UsageClient) -> None:
    server.script("/api/organizations", Reply(200, body=b"[]"))
    server.script("/api/organizations/org-1/usage", Reply(200, body=b"{}"))
    server.script("/api/organizations/org-1/overage_spend_limit", Reply(200, body=b"{}"))
    assert client.web_organizations(SESSION_KEY) == []
    assert client.web_usage(SESSION_KEY, "org-1") == {}
    assert client.web_overage_spend_limit(SESSION_KEY, "org-1") == {}
    for request in server.seen:
        assert request.headers["Cookie"] == f"sessionKey={SESSION_KEY}"
        assert "Authorization" not in request.headers and "anthropic-beta" not in request.headers


def test_configured_user_agent_and_get_json(server: LoopbackServer) -> None:
    server.script("/releases/latest", Reply(200, body=b'{"tag_name": "v0.2.0"}'))
    custom = UsageClient(server.url, server.url, "my-fork/1.0", timeout=2.0)
    try:
        assert custom.get_json(f"{server.url}/releases/latest") == {"tag_name": "v0.2.0"}
    finally:
        custom.close()
    headers = server.seen[0].headers
    assert headers["User-Agent"] == "my-fork/1.0" and "Authorization" not in headers


def test_401_is_an_auth_error_with_the_server_message(server: LoopbackServer, client: UsageClient) -> None:
    body = fixture_bytes("api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json")
    server.script(USAGE, Reply(401, body=body))
    error = raised(client)
    assert isinstance(error, AuthError) and error.status == 401
    assert error.server_message.startswith("OAuth token has expired")
    assert "Claude Code" in error.hint


def test_403_scope_names_the_scope(server: LoopbackServer, client: UsageClient) -> None:
    body = fixture_bytes(
        "api/errors/anthropics__claude-code__issue-24996__oauth_usage_403_missing_user_profile_scope.json"
    )
    server.script(USAGE, Reply(403, body=body))
    error = raised(client)
    assert isinstance(error, AuthError) and error.status == 403
    assert "user:profile" in error.message and "setup-token" in error.hint


def test_403_other_json_suggests_proxy_or_vpn(server: LoopbackServer, client: UsageClient) -> None:
    body = fixture_bytes(
        "api/errors/hamed-elfayome__Claude-Usage-Tracker__issue-194__web_usage_403_invalid_authorization_for_org.json"
    )
    server.script("/api/organizations/o/usage", Reply(403, body=body))
    with pytest.raises(AuthError) as info:
        client.web_usage(SESSION_KEY, "o")
    assert "Invalid authorization for organization" in info.value.message
    assert "login-web" in info.value.hint and "VPN" in info.value.hint
    assert SESSION_KEY not in str(info.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(403, body=CLOUDFLARE_PAGE, content_type="text/html; charset=UTF-8"),
        Reply(403, headers={"cf-mitigated": "challenge"}, body=b"{}"),
    ],
    ids=["html-page", "cf-mitigated-header"],
)
def test_cloudflare_challenge_is_blocked_not_a_bad_key(
    server: LoopbackServer, client: UsageClient, reply: Reply
) -> None:
    server.script("/api/organizations", reply)
    with pytest.raises(BlockedError) as info:
        client.web_organizations(SESSION_KEY)
    assert "Cloudflare" in info.value.message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"Retry-After": "120"}, 120.0),
        ({"Retry-After": "0"}, 0.0),
        ({}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_429_carries_retry_after_seconds(
    server: LoopbackServer, client: UsageClient, header: dict[str, str], expected: float | None
) -> None:
    body = fixture_bytes("api/errors/anthropics__claude-code__issue-30930__oauth_usage_429_body.json")
    server.script(USAGE, Reply(429, headers=header, body=body))
    error = raised(client)
    assert isinstance(error, RateLimited) and error.retry_after == expected
    assert "Rate limited" in error.message


def test_429_retry_after_as_http_date(server: LoopbackServer, client: UsageClient, clock: FakeClock) -> None:
    when = format_datetime(clock.now() + timedelta(seconds=900), usegmt=True)
    server.script(USAGE, Reply(429, headers={"Retry-After": when}))
    error = raised(client)
    assert isinstance(error, RateLimited) and error.retry_after == 900.0


@pytest.mark.parametrize("status", [500, 502, 503, 529])
def test_5xx_is_transient(server: LoopbackServer, client: UsageClient, status: int) -> None:
    server.script(USAGE, Reply(status, body=b'{"type":"error","error":{"type":"overloaded_error"}}'))
    error = raised(client)
    assert isinstance(error, TransientApiError) and error.status == status


def test_timeout_is_transient(server: LoopbackServer, clock: FakeClock) -> None:
    server.script(USAGE, Reply(200, body=b"{}", delay=0.5))
    impatient = UsageClient(server.url, server.url, "", timeout=0.1, clock=clock)
    try:
        error = raised(impatient)
    finally:
        impatient.close()
    assert isinstance(error, TransientApiError) and error.status is None
    assert "0.1 s" in error.message


def test_connection_refused_is_transient(clock: FakeClock) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nobody = UsageClient(f"http://127.0.0.1:{port}", "http://127.0.0.1:9", "", timeout=2.0, clock=clock)
    error = raised(nobody)
    assert isinstance(error, TransientApiError) and "cannot connect" in error.message


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, body=b"not json", content_type="text/plain"),
        Reply(200, body=b'{"five_hour": '),
        Reply(404, body=b"{}"),
        Reply(302, headers={"Location": "https://example.invalid/login"}),
    ],
    ids=["text", "truncated", "404", "redirect"],
)
def test_unexpected_answers_are_format_errors(
    server: LoopbackServer, client: UsageClient, reply: Reply
) -> None:
    server.script(USAGE, reply)
    assert isinstance(raised(client), ResponseFormatError)
    assert server.count() == 1  # a redirect is not followed (the token stays where it was sent)


def test_a_server_message_quoting_a_token_is_redacted(server: LoopbackServer, client: UsageClient) -> None:
    echo = b'{"error": {"message": "bad token sk-ant-oat01-CLIENT-TEST-TOKEN-abc123"}}'
    server.script(USAGE, Reply(401, body=echo))
    error = raised(client)
    assert isinstance(error, AuthError) and "[redacted]" in error.server_message
