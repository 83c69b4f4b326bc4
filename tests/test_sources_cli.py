"""Claude Code's .credentials.json: the source contract plus each distinct way it can be unusable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_tray.errors import (
    CredentialAccessDenied,
    CredentialFormatError,
    MissingScope,
    NoCredentialError,
    TokenExpired,
)
from claude_tray.model import SourceKind
from claude_tray.settings.model import AccountSettings
from claude_tray.sources import ChainSource, build_source, describe_sources, resolve_kind
from claude_tray.sources.base import CredentialSource
from claude_tray.sources.cli_file import CliFileSource
from claude_tray.sources.keychain import KeychainSource
from tests.support.clock import FakeClock
from tests.support.fixtures import fixture_bytes
from tests.support.source_contract import SourceContract

C = "api/credentials/"
FUTURE_MS = 4102444800000  # 2100-01-01


def credentials(token: str, *, expires_ms: int | None = FUTURE_MS, scopes: list[str] | None = None) -> bytes:
    oauth: dict[str, object] = {
        "accessToken": token,
        "refreshToken": "sk-ant-ort01-REFRESH",
        "subscriptionType": "max",
    }
    if expires_ms is not None:
        oauth["expiresAt"] = expires_ms
    oauth["scopes"] = scopes if scopes is not None else ["user:inference", "user:profile"]
    return json.dumps({"claudeAiOauth": oauth}).encode()


class TestCliFileContract(SourceContract):
    @pytest.fixture(autouse=True)
    def _dir(self, tmp_path: Path, clock: FakeClock) -> None:
        self.dir = tmp_path / "claude"
        self.dir.mkdir()
        self.clock = clock

    def make_source(self) -> CredentialSource:
        return CliFileSource(self.dir, self.clock)

    def store(self, secret: str) -> None:
        (self.dir / ".credentials.json").write_bytes(credentials(secret))

    def storage_state(self) -> object:
        path = self.dir / ".credentials.json"
        return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture
def claude_dir(tmp_path: Path) -> Path:
    path = tmp_path / "claude"
    path.mkdir()
    return path


def read(claude_dir: Path, clock: FakeClock, content: bytes) -> object:
    (claude_dir / ".credentials.json").write_bytes(content)
    return CliFileSource(claude_dir, clock).read()


def test_a_real_shape_reads_every_field(claude_dir: Path, clock: FakeClock) -> None:
    credential = read(claude_dir, clock, credentials("sk-ant-oat01-X"))
    assert credential.expires_at is not None and credential.expires_at.year == 2100  # type: ignore[attr-defined]
    assert credential.scopes == ("user:inference", "user:profile")  # type: ignore[attr-defined]
    assert credential.subscription_type == "max"  # type: ignore[attr-defined]


def test_missing_file(claude_dir: Path, clock: FakeClock) -> None:
    with pytest.raises(NoCredentialError, match=r"no Claude Code login at .*\.credentials\.json"):
        CliFileSource(claude_dir, clock).read()


@pytest.mark.parametrize(
    "content", [b'{"claudeAiOauth": {"accessTok', b"", b"\xff\xfe"], ids=["cut", "empty", "binary"]
)
def test_partial_json_is_a_format_error(claude_dir: Path, clock: FakeClock, content: bytes) -> None:
    with pytest.raises(CredentialFormatError, match="not complete JSON"):
        read(claude_dir, clock, content)


def test_mcp_only_file_is_not_a_login(claude_dir: Path, clock: FakeClock) -> None:
    with pytest.raises(NoCredentialError, match="only MCP server logins"):
        read(
            claude_dir,
            clock,
            fixture_bytes(C + "steipete__CodexBar__ClaudeOAuthTests.swift_L58_keychain_mcpOAuth_only.json"),
        )


def test_expired_token_is_never_returned(claude_dir: Path, clock: FakeClock) -> None:
    # expiresAt 1785876648522 = 2026-08-04; the fake clock says 2026-11-22
    with pytest.raises(TokenExpired, match="expired at 2026-08-04") as info:
        read(
            claude_dir,
            clock,
            fixture_bytes(C + "kunchenguid__quota-axi__pr-63__credentials_json_after_refresh_redacted.json"),
        )
    assert "EXPIRED-FIXTURE" not in str(info.value) and "Claude Code" in info.value.hint


@pytest.mark.parametrize(
    "name",
    [
        "robinebers__openusage__ClaudeProviderTests.swift_L424_credentials_inference_only_scope_rateLimitTier.json",
        "steipete__CodexBar__ClaudeOAuthTests.swift_L9_credentials_claudeAiOauth.json",
    ],
)
def test_token_without_user_profile_scope(claude_dir: Path, clock: FakeClock, name: str) -> None:
    with pytest.raises(MissingScope, match="lack user:profile") as info:
        read(claude_dir, clock, fixture_bytes(C + name))
    assert "setup-token" in info.value.hint


def test_unknown_expiry_and_scopes_are_allowed(claude_dir: Path, clock: FakeClock) -> None:
    credential = read(claude_dir, clock, b'{"claudeAiOauth": {"accessToken": "sk-ant-oat01-OLD"}}')
    assert (credential.expires_at, credential.scopes) == (None, None)  # type: ignore[attr-defined]


def test_login_without_token(claude_dir: Path, clock: FakeClock) -> None:
    with pytest.raises(CredentialFormatError, match="without an access token"):
        read(claude_dir, clock, b'{"claudeAiOauth": {"accessToken": ""}}')


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_access_denied(claude_dir: Path, clock: FakeClock) -> None:
    path = claude_dir / ".credentials.json"
    path.write_bytes(credentials("sk-ant-oat01-X"))
    path.chmod(0)
    with pytest.raises(CredentialAccessDenied):
        CliFileSource(claude_dir, clock).read()


def test_fingerprint_sees_a_same_size_rewrite_with_the_same_mtime(claude_dir: Path, clock: FakeClock) -> None:
    path = claude_dir / ".credentials.json"
    path.write_bytes(credentials("sk-ant-oat01-AAAA"))
    source = CliFileSource(claude_dir, clock)
    before = source.fingerprint()
    stat = path.stat()
    path.write_bytes(credentials("sk-ant-oat01-BBBB"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert source.fingerprint() != before


def test_config_dir_precedence(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    def path_of(account: AccountSettings) -> str:
        source = build_source(account, clock, platform="linux")
        assert isinstance(source, CliFileSource)
        return str(source.path)

    assert path_of(AccountSettings()) == str(isolated_home / ".claude/.credentials.json")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", "/srv/claude-env")
    assert path_of(AccountSettings()) == "/srv/claude-env/.credentials.json"
    assert path_of(AccountSettings(config_dir="~/work-claude")) == str(
        isolated_home / "work-claude/.credentials.json"
    )


def test_auto_is_keychain_then_file_on_macos_and_the_file_elsewhere(clock: FakeClock) -> None:
    assert resolve_kind("auto", "linux") is SourceKind.CLI
    assert resolve_kind("auto", "win32") is SourceKind.CLI
    assert resolve_kind("auto", "darwin") is SourceKind.KEYCHAIN
    mac = build_source(AccountSettings(), clock, platform="darwin")
    assert (
        isinstance(mac, ChainSource)
        and "Keychain" in mac.describe()
        and ".credentials.json" in mac.describe()
    )
    assert isinstance(
        build_source(AccountSettings(source="keychain"), clock, platform="darwin"), KeychainSource
    )


def test_chain_falls_back_to_the_file_when_the_keychain_is_unavailable(
    isolated_home: Path, clock: FakeClock
) -> None:
    (isolated_home / ".claude").mkdir()
    (isolated_home / ".claude/.credentials.json").write_bytes(credentials("sk-ant-oat01-FILE"))
    # "darwin" on a Linux box: the Keychain check fails (no /usr/bin/security), the file answers
    chain = build_source(AccountSettings(), clock, platform="darwin")
    credential = chain.read()
    assert (credential.secret, credential.kind) == ("sk-ant-oat01-FILE", SourceKind.CLI)


def test_describe_sources_for_doctor(
    isolated_home: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_SESSION_KEY", "sk-ant-sid01-DOCKEY")  # keeps the OS keyring out of it
    (isolated_home / ".claude").mkdir()
    (isolated_home / ".claude/.credentials.json").write_bytes(credentials("sk-ant-oat01-DOC"))
    reports = {r.kind: r for r in describe_sources(AccountSettings(), clock, platform="linux")}
    assert set(reports) == set(SourceKind)
    assert reports[SourceKind.CLI].available and reports[SourceKind.CLI].reason.startswith(
        "login found, expires 2100"
    )
    assert (
        not reports[SourceKind.KEYCHAIN].available and "only on macOS" in reports[SourceKind.KEYCHAIN].reason
    )
    assert reports[SourceKind.WEB].available and "CLAUDE_TRAY_SESSION_KEY" in reports[SourceKind.WEB].where
    assert all("-DOC" not in f"{r}" for r in reports.values())
