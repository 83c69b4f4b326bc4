"""The claude.ai session-key source without a desktop: the environment variable, keyring's
null and fail backends. The real Secret Service runs in tests/desktop/test_web_keyring.py."""

from __future__ import annotations

import pytest
from keyring.backends import fail, null

from claude_tray.errors import NoCredentialError, SourceUnavailable
from claude_tray.sources.base import CredentialSource
from claude_tray.sources.web_key import ENV_VAR, WebKeySource, looks_like_session_key
from tests.support.source_contract import SourceContract


class TestEnvironmentKeyContract(SourceContract):
    """Headless use: the key comes from CLAUDE_TRAY_SESSION_KEY; the keyring holds nothing."""

    @pytest.fixture(autouse=True)
    def _env(self) -> None:
        self.env: dict[str, str] = {}

    def make_source(self) -> CredentialSource:
        return WebKeySource("me", env=self.env, backend=null.Keyring())

    def store(self, secret: str) -> None:
        self.env[ENV_VAR] = secret

    def storage_state(self) -> object:
        return dict(self.env)


def test_the_environment_wins_and_is_described() -> None:
    source = WebKeySource("me", env={ENV_VAR: " sk-ant-sid01-ENV \n"}, backend=fail.Keyring())
    source.check()  # no keyring needed when the key is in the environment
    assert source.read().secret == "sk-ant-sid01-ENV"
    assert ENV_VAR in source.describe()


def test_no_keyring_backend_is_unavailable_with_the_headless_hint() -> None:
    source = WebKeySource("me", env={}, backend=fail.Keyring())
    with pytest.raises(SourceUnavailable) as info:
        source.check()
    assert ENV_VAR in info.value.hint
    with pytest.raises(SourceUnavailable):
        source.read()
    assert source.fingerprint() == ("unavailable", "SourceUnavailable")


def test_nothing_stored_names_the_login_command() -> None:
    with pytest.raises(NoCredentialError) as info:
        WebKeySource("work", env={}, backend=null.Keyring()).read()
    assert "claude-tray login-web --account work" in info.value.hint


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("sk-ant-sid01-abc", True),
        ("sk-ant-sid02-abc", True),
        ("sk-ant-", False),
        ("abc", False),
        ("sk-ant-a b", False),
    ],
)
def test_session_key_shape(value: str, ok: bool) -> None:
    assert looks_like_session_key(value) is ok
