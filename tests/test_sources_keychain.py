"""The macOS Keychain source, driving a fake ``security`` executable through real subprocesses."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from claude_tray.errors import (
    CredentialAccessDenied,
    CredentialFormatError,
    NoCredentialError,
    SourceUnavailable,
)
from claude_tray.model import SourceKind
from claude_tray.sources.base import CredentialSource
from claude_tray.sources.keychain import SERVICE, KeychainSource, service_names
from tests.support.clock import FakeClock
from tests.support.fake_security import FakeSecurity
from tests.support.source_contract import SourceContract

USER = "alice"


def item(token: str) -> str:
    oauth = {"accessToken": token, "expiresAt": 4102444800000, "scopes": ["user:inference", "user:profile"]}
    return json.dumps({"claudeAiOauth": oauth})


def keychain(fake: FakeSecurity, clock: FakeClock, config_dir: str | None = None) -> KeychainSource:
    return KeychainSource(clock, config_dir=config_dir, user=USER, security=fake.path, platform="darwin")


@pytest.fixture
def fake(tmp_path: Path) -> FakeSecurity:
    return FakeSecurity(tmp_path / "bin")


class TestKeychainContract(SourceContract):
    @pytest.fixture(autouse=True)
    def _fake(self, fake: FakeSecurity, clock: FakeClock) -> None:
        self.fake = fake
        self.clock = clock

    def make_source(self) -> CredentialSource:
        return keychain(self.fake, self.clock)

    def store(self, secret: str) -> None:
        self.fake.put(SERVICE, USER, item(secret))

    def storage_state(self) -> object:
        return self.fake.state()


def test_argv_is_the_documented_read_by_absolute_path(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.put(SERVICE, USER, item("sk-ant-oat01-K"))
    assert keychain(fake, clock).read().kind is SourceKind.KEYCHAIN
    assert fake.calls() == [["find-generic-password", "-s", SERVICE, "-a", USER, "-w"]]
    if not Path("/usr/bin/security").exists():  # the default is the absolute path, never $PATH
        with pytest.raises(SourceUnavailable, match=r"^/usr/bin/security is missing"):
            KeychainSource(clock, platform="darwin").check()


def test_hashed_service_first_when_a_config_dir_is_set(fake: FakeSecurity, clock: FakeClock) -> None:
    config_dir = "/Users/alice/.claude-work"
    hashed = f"{SERVICE}-{hashlib.sha256(config_dir.encode()).hexdigest()[:8]}"
    assert service_names(config_dir) == (hashed, SERVICE)
    fake.put(hashed, USER, item("sk-ant-oat01-HASHED"))
    fake.put(SERVICE, USER, item("sk-ant-oat01-PLAIN"))
    assert keychain(fake, clock, config_dir).read().secret == "sk-ant-oat01-HASHED"


def test_plain_service_when_the_hashed_one_is_missing(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.put(SERVICE, USER, item("sk-ant-oat01-PLAIN"))
    assert keychain(fake, clock, "/Users/alice/.claude-work").read().secret == "sk-ant-oat01-PLAIN"
    services = [call[2] for call in fake.calls()]
    assert services[0].startswith(f"{SERVICE}-") and services[1] == SERVICE


def test_hex_encoded_value(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.put(SERVICE, USER, item("sk-ant-oat01-HEX").encode().hex())
    assert keychain(fake, clock).read().secret == "sk-ant-oat01-HEX"


def test_neither_json_nor_hex(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.put(SERVICE, USER, "garbage value")
    with pytest.raises(CredentialFormatError):
        keychain(fake, clock).read()


def test_mcp_only_item_is_not_a_login(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.put(SERVICE, USER, json.dumps({"mcpOAuth": {"plugin:slack:slack": {"accessToken": ""}}}))
    with pytest.raises(NoCredentialError, match="only MCP"):
        keychain(fake, clock).read()


def test_other_exit_status_is_access_denied(fake: FakeSecurity, clock: FakeClock) -> None:
    fake.fail_with(51)
    with pytest.raises(CredentialAccessDenied, match="exit status 51") as info:
        keychain(fake, clock).read()
    assert "Keychain" in info.value.hint


def test_unavailable_off_macos_or_without_the_tool(
    fake: FakeSecurity, clock: FakeClock, tmp_path: Path
) -> None:
    with pytest.raises(SourceUnavailable, match="only on macOS"):
        KeychainSource(clock, user=USER, security=fake.path, platform="linux").check()
    with pytest.raises(SourceUnavailable, match="missing"):
        KeychainSource(clock, user=USER, security=tmp_path / "nope", platform="darwin").check()
    assert fake.calls() == []
