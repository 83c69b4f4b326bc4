"""The claude.ai session key in a real Secret Service (gnome-keyring on a private D-Bus session).

Covers: store and read back (also over the raw Secret Service API), a locked keyring, nothing
stored, no Secret Service at all (a bus that can activate nothing), and ``login-web`` +
``status`` end to end as subprocesses, which must never print the key.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tray.errors import CredentialAccessDenied, NoCredentialError
from claude_tray.sources.base import CredentialSource
from claude_tray.sources.web_key import SERVICE, WebKeySource
from tests.desktop.helpers import keyring_service as ks
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply
from tests.support.source_contract import SourceContract

pytestmark = pytest.mark.desktop

# the generic keyring fixtures live in helpers/keyring_service.py; registered for this module
private_bus, secret_service, bare_bus = ks.private_bus, ks.secret_service, ks.bare_bus

KEY = "sk-ant-sid01-DESKTOP-KEYRING-TEST-KEY"
ORGS = fixture_bytes(
    "api/web/steipete__CodexBar__ClaudeUsageTests.swift_L751_organizations_api_and_chat.json"
)
USAGE = fixture_bytes(
    "api/web/linuxlewis__claude-usage__ClaudeUsageTests_ClaudeUsageTests.swift_L33_web_usage_realistic.json"
)


def secret_service_keyring() -> WebKeySource:
    from keyring.backends import SecretService

    return WebKeySource("me", env={}, backend=SecretService.Keyring())


class TestSecretServiceContract(SourceContract):
    @pytest.fixture(autouse=True)
    def _keyring(self, secret_service: subprocess.Popen[bytes]) -> None:
        self.source = secret_service_keyring()

    def make_source(self) -> CredentialSource:
        return self.source

    def store(self, secret: str) -> None:
        self.source.store(secret)

    def storage_state(self) -> object:
        return ks.stored_items(SERVICE)


def test_stored_where_other_secret_service_clients_see_it(secret_service: subprocess.Popen[bytes]) -> None:
    source = secret_service_keyring()
    source.store(KEY)
    [(attributes, secret)] = ks.stored_items(SERVICE)
    assert (attributes["service"], attributes["username"], secret) == (SERVICE, "me", KEY.encode())
    source.delete()
    source.delete()  # deleting twice is fine
    with pytest.raises(NoCredentialError):
        source.read()


# keyring's Secret Service backend leaves its D-Bus connection open when it raises KeyringLocked;
# the socket is closed when collected, with a ResourceWarning that is not ours to fix
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_locked_keyring_is_access_denied(secret_service: subprocess.Popen[bytes]) -> None:
    source = secret_service_keyring()
    source.store(KEY)
    with ks.prompts_fail_at_once():
        ks.lock_default_collection()
        with pytest.raises(CredentialAccessDenied) as info:
            source.read()
        assert "unlock" in info.value.hint
        del info  # its traceback holds keyring's frames, and so the leaked connection
        with pytest.raises(CredentialAccessDenied):
            source.store("sk-ant-sid01-OTHER")
        assert source.fingerprint() == ("unavailable", "CredentialAccessDenied")
    gc.collect()  # collect the leaked connections inside this test (see the mark above)


def run_cli(
    server: LoopbackServer, home: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    config = home / "config.toml"
    config.write_text('[[accounts]]\nname = "team"\nsource = "web"\n')
    environment = {**os.environ, "CLAUDE_TRAY_WEB_BASE": server.url, "CLAUDE_TRAY_CONFIG": str(config), **env}
    done = subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert KEY not in done.stdout + done.stderr and "DESKTOP-KEYRING" not in done.stdout + done.stderr
    return done


def test_login_web_checks_stores_and_status_reads_it(
    secret_service: subprocess.Popen[bytes], server: LoopbackServer, isolated_home: Path
) -> None:
    server.script("/api/organizations", Reply(200, body=ORGS))
    server.script("/api/organizations/org-chat/usage", Reply(200, body=USAGE))
    server.script("/api/organizations/org-chat/overage_spend_limit", Reply(404))
    login = run_cli(
        server, isolated_home, "login-web", "--account", "team", stdin=KEY + "\n", **ks.PIN_SECRET_SERVICE
    )
    assert login.returncode == 0, login.stderr
    assert "Stored the claude.ai session key for account 'team' (organization 'Chat Org')" in login.stdout
    assert [secret for _, secret in ks.stored_items(SERVICE)] == [KEY.encode()]
    status = run_cli(server, isolated_home, "status", "--json", **ks.PIN_SECRET_SERVICE)
    assert status.returncode == 0, status.stderr
    [account] = json.loads(status.stdout)["accounts"]
    assert (account["name"], account["source"], account["health"]) == ("team", "web", "fresh")
    assert all(r.headers["Cookie"] == f"sessionKey={KEY}" for r in server.seen)


def test_login_web_refuses_a_key_claude_ai_rejects(
    secret_service: subprocess.Popen[bytes], server: LoopbackServer, isolated_home: Path
) -> None:
    server.script("/api/organizations", Reply(401, body=b'{"error": {"message": "Invalid session"}}'))
    login = run_cli(server, isolated_home, "login-web", stdin=KEY + "\n", **ks.PIN_SECRET_SERVICE)
    assert login.returncode == 1
    assert login.stderr.startswith("claude-tray: not stored: claude.ai check failed: Login rejected (401)")
    assert ks.stored_items(SERVICE) == []


def test_no_secret_service_at_all(bare_bus: str, server: LoopbackServer, isolated_home: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bare_bus, "DISPLAY": ""}  # no autolaunch, nothing to activate
    status = run_cli(server, isolated_home, "status", "--json", **env)
    [account] = json.loads(status.stdout)["accounts"]
    assert (status.returncode, account["health"], account["message"]) == (
        1,
        "no_credentials",
        "Source unavailable",
    )
    assert "CLAUDE_TRAY_SESSION_KEY" in account["hint"]
    login = run_cli(server, isolated_home, "login-web", stdin=KEY + "\n", **env)
    assert login.returncode == 1
    assert login.stderr.startswith("claude-tray: cannot store a session key: no OS keyring is available")
    assert server.count() == 0  # neither command sent anything


def test_doctor_sees_a_locked_keyring_without_unlocking_it(
    secret_service: subprocess.Popen[bytes], isolated_home: Path
) -> None:
    env = {**os.environ, **ks.PIN_SECRET_SERVICE, "DISPLAY": "", "WAYLAND_DISPLAY": ""}

    def keyring_line() -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-m", "claude_tray", "doctor", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        [line] = [f for f in json.loads(done.stdout)["findings"] if f["topic"] == "Keyring"]
        return line

    assert keyring_line()["level"] == "ok"
    with ks.prompts_fail_at_once():
        ks.lock_default_collection()
        locked = keyring_line()
    assert locked["level"] == "warn" and str(locked["text"]).endswith(": locked")
    assert "unlock it" in str(locked["hint"])


def test_accounts_add_web_asks_checks_stores_and_appends_the_table(
    secret_service: subprocess.Popen[bytes], server: LoopbackServer, isolated_home: Path
) -> None:
    server.script("/api/organizations", Reply(200, body=ORGS))
    server.script("/api/organizations/org-chat/usage", Reply(200, body=USAGE))
    server.script("/api/organizations/org-chat/overage_spend_limit", Reply(404))
    config = isolated_home / "fresh.toml"
    env = {
        **os.environ,
        **ks.PIN_SECRET_SERVICE,
        "CLAUDE_TRAY_WEB_BASE": server.url,
        "CLAUDE_TRAY_CONFIG": str(config),
    }

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "claude_tray", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert KEY not in done.stdout + done.stderr
        return done

    added = cli("accounts", "add", "--source", "web", "--name", "team", stdin=KEY + "\n")
    assert added.returncode == 0, added.stderr
    assert (
        added.stdout
        == "added account 'team': claude.ai session key (organization 'Chat Org') in the OS keyring\n"
    )
    assert [secret for _, secret in ks.stored_items(SERVICE)] == [KEY.encode()]
    assert KEY not in config.read_text()
    listed = json.loads(cli("accounts", "list", "--json").stdout)["accounts"]
    assert [(a["name"], a["source"]) for a in listed] == [("default", "auto"), ("team", "web")]
    status = cli("status", "--json", "--account", "team")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["accounts"][0]["health"] == "fresh"
    again = cli("accounts", "add", "--source", "web", "--name", "team", stdin=KEY + "\n")
    assert again.returncode == 1 and "an account named 'team' exists" in again.stderr
