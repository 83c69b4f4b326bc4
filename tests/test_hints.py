"""Every hint fits its situation: one row per mismatch people met (a 500 is not "offline", a
directory is not a locked keyring, an env-var key is not fixed by ``login-web``, ...).

Each row raises the real error from the real part (a loopback server, a real file system,
the real settings parser, the real doctor) and reads the words the outcome mapping, the poll
status, or doctor put in front of a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from keyring.backends import null

from claude_tray.api.client import UsageClient
from claude_tray.errors import ClaudeTrayError, ConfigError, ResponseFormatError, TransientApiError
from claude_tray.model import Health, SourceKind, UsageSnapshot, UsageWindow, WindowGroup
from claude_tray.poller.account import AccountState
from claude_tray.poller.outcome import outcome_of
from claude_tray.poller.policy import PollPolicy
from claude_tray.poller.status import status_of
from claude_tray.report.doctor import BackendProbe, diagnose
from claude_tray.settings.file import remove_account
from claude_tray.settings.schema import parse_settings
from claude_tray.sources.cli_file import CliFileSource
from claude_tray.sources.web_key import ENV_VAR, WebKeySource
from claude_tray.usage.fetch import WebFetcher
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply
from tests.test_doctor import finding, healthy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(server: LoopbackServer, clock: FakeClock) -> Iterator[UsageClient]:
    usage_client = UsageClient(server.url, server.url, "", timeout=2.0, clock=clock)
    yield usage_client
    usage_client.close()


def words(error: ClaudeTrayError) -> tuple[str, str]:
    outcome = outcome_of(error)
    return outcome.message, outcome.hint


def test_a_server_error_is_not_called_offline() -> None:
    message, hint = words(TransientApiError("HTTP 500", status=500))
    assert message == "Server error 500"
    assert "network" not in hint and hint == "the server had a problem; will retry"
    assert words(TransientApiError("connection refused")) == (
        "Offline",
        "will retry when the network is back",
    )


def test_kept_data_is_named_once_and_never_above_no_data() -> None:
    window = UsageWindow("five_hour", "5-hour", 42.0, NOW.replace(hour=15), WindowGroup.SESSION)
    kept = UsageSnapshot("me", SourceKind.CLI, NOW.replace(hour=11), (window,))
    outcome = outcome_of(ResponseFormatError("not JSON"))
    with_data = AccountState("me", Health.ERROR, outcome, last_good=kept)
    hint = status_of(with_data, NOW, PollPolicy()).hint
    assert hint.count("showing") == 1 and hint.startswith("will try again · showing data from ")
    without = status_of(AccountState("me", Health.ERROR, outcome), NOW, PollPolicy()).hint
    assert "showing" not in without and "last good" not in without


def test_a_directory_in_place_of_the_login_file_is_not_a_locked_keyring(tmp_path: Path) -> None:
    (tmp_path / ".credentials.json").mkdir()
    with pytest.raises(ClaudeTrayError) as caught:
        CliFileSource(tmp_path, FakeClock()).read()
    message, hint = words(caught.value)
    assert message == "Login file unreadable"
    assert "locked" not in message.lower() and "keyring" not in hint
    assert "directory" in caught.value.message and "remove that directory" in hint


def test_unreadable_login_file_says_permissions_not_keyring(tmp_path: Path) -> None:
    path = tmp_path / ".credentials.json"
    path.write_text("{}")
    path.chmod(0)
    try:
        if path.read_bytes() is not None:  # root reads anything: nothing to test then
            pytest.skip("running as root: a 0000 file is still readable")
    except PermissionError:
        pass
    with pytest.raises(ClaudeTrayError) as caught:
        CliFileSource(tmp_path, FakeClock()).read()
    assert words(caught.value) == ("Login file unreadable", "check the file's permissions")


def test_a_rejected_key_from_the_environment_is_not_fixed_by_login_web(
    server: LoopbackServer, client: UsageClient, clock: FakeClock
) -> None:
    server.script("/api/organizations", Reply(401, body=b'{"error": {"type": "authentication_error"}}'))
    env = {ENV_VAR: "sk-ant-sid01-HINTS-ENV-KEY"}
    fetcher = WebFetcher("web", WebKeySource("me", env=env, backend=null.Keyring()), client, clock)
    with pytest.raises(ClaudeTrayError) as caught:
        fetcher.fetch()
    _, hint = words(caught.value)
    assert ENV_VAR in hint and "login-web" not in hint
    stored = WebFetcher("web", WebKeySource("me", env={}, backend=_Stored()), client, clock)
    with pytest.raises(ClaudeTrayError) as caught:
        stored.fetch()
    assert "login-web" in words(caught.value)[1]  # a key from the keyring: login-web replaces it


class _Stored(null.Keyring):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return "sk-ant-sid01-HINTS-STORED-KEY"


def test_fix_the_file_only_for_problems_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as bad:
        parse_settings("[general\n", "config.toml")
    assert bad.value.hint == "fix the file and save it"
    path = tmp_path / "config.toml"
    path.write_text('[[accounts]]\nname = "work"\nsource = "cli"\n')
    with pytest.raises(ConfigError) as unknown:
        remove_account(path, "nobody")
    assert "fix the file" not in unknown.value.hint
    assert "accounts list" in unknown.value.hint


BACKENDS = ("appindicator", "gtk", "xorg")


@pytest.mark.parametrize(
    ("backend", "topic", "must", "must_not"),
    [
        (
            BackendProbe(("xorg",), "xorg", "PYSTRAY_BACKEND=xorg", host=None),
            "Tray host",
            "XEmbed system tray",
            "GNOME",
        ),
        (
            BackendProbe(("xorg",), "xorg", "PYSTRAY_BACKEND=xorg", host="XEmbed system tray"),
            "Tray backend",
            "unset PYSTRAY_BACKEND",
            "PyGObject",
        ),
        (
            BackendProbe(
                ("bogus",), rejected=(("bogus", "ModuleNotFoundError: No module named 'pystray._bogus'"),)
            ),
            "Tray backend",
            "PYSTRAY_BACKEND=bogus names no pystray backend",
            "PyGObject",
        ),
        (
            BackendProbe(BACKENDS, rejected=tuple((b, "ImportError: gi") for b in BACKENDS)),
            "Tray backend",
            "PyGObject",
            "PYSTRAY_BACKEND",
        ),
        (
            BackendProbe(BACKENDS, "appindicator", "first of ...", host=None),
            "Tray host",
            "AppIndicator extension",
            "XEmbed",
        ),
    ],
    ids=["forced-xorg-no-host", "forced-xorg-no-menu", "bogus-backend", "no-gi", "no-sni-host"],
)
def test_tray_hints_fit_the_backend(backend: BackendProbe, topic: str, must: str, must_not: str) -> None:
    probes = replace(healthy(), backend=backend, sni_watcher=False)
    _, _, hint = finding(probes, topic)
    assert must in hint and must_not not in hint
    assert not any("GNOME" in f.hint for f in diagnose(probes).findings if backend.chosen == "xorg"), (
        "the GNOME extension does not help a forced xorg icon"
    )


def test_no_tray_host_names_the_fix_for_the_backend() -> None:
    from claude_tray.app.launch import no_host_reason

    assert "XEmbed system tray" in no_host_reason("xorg") and "GNOME" not in no_host_reason("xorg")
    assert "AppIndicator extension" in no_host_reason("appindicator")
