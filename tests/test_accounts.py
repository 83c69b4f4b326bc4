"""Several accounts: `accounts add|list|remove` against the loopback API, and accounts in different states at once."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from claude_tray.api.client import UsageClient
from claude_tray.claude_code.logins import logged_in
from claude_tray.claude_code.statusline import RecordStore, default_root, parse_feed
from claude_tray.cli import main
from claude_tray.model import Health, SourceKind, StatusChange
from claude_tray.paths import settings_file
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import AccountSettings
from claude_tray.settings.schema import load_settings, parse_settings
from claude_tray.sources import build_source
from claude_tray.usage.fetch import OAuthFetcher
from claude_tray.usage.freshest import statusline_aware
from tests.support.claude_code import write_login
from tests.support.clock import FakeClock
from tests.support.fixtures import fixture_bytes
from tests.support.http import LoopbackServer, Reply
from tests.support.polling import run_for

PROFILE = "/api/oauth/profile"
USAGE = "/api/oauth/usage"
REAL_PROFILE = "api/profile/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_profile_REAL_captured_2026-03.json"
MINIMAL_PROFILE = "api/profile/steipete__CodexBar__ClaudeOAuthTests.swift_L126_oauth_profile.json"
REAL_USAGE = "api/usage/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json"
EXPIRED_401 = "api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json"
TOKEN_HOME = "sk-ant-oat01-ACCOUNTS-HOME-token"
TOKEN_WORK = "sk-ant-oat01-ACCOUNTS-WORK-token"


@pytest.fixture
def api(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> LoopbackServer:
    monkeypatch.setenv("CLAUDE_TRAY_API_BASE", server.url)
    return server


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    for text in (out, err):
        assert TOKEN_HOME not in text and TOKEN_WORK not in text
    return code, out, err


@pytest.mark.parametrize(
    ("fixture", "email", "plan"),
    [(REAL_PROFILE, "max@clau.de", "Max 5x"), (MINIMAL_PROFILE, "user@example.com", None)],
)
def test_add_names_the_account_by_its_profile_email(
    api: LoopbackServer,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    email: str,
    plan: str | None,
) -> None:
    api.script(PROFILE, Reply(200, body=fixture_bytes(fixture)))
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)
    code, out, _ = cli(capsys, "accounts", "add", "--source", "cli", "--config-dir", str(work))
    assert code == 0
    assert f"added account {email!r}" in out and (plan is None or plan in out)
    [request] = api.seen
    assert (request.path, request.headers["Authorization"]) == (PROFILE, f"Bearer {TOKEN_WORK}")
    accounts = load_settings(settings_file()).accounts
    # the implied default login stays, the new one is added after it
    assert accounts == (AccountSettings(), AccountSettings(name=email, source="cli", config_dir=str(work)))
    assert TOKEN_WORK not in settings_file().read_text()


def test_add_with_a_name_and_refusing_a_duplicate(
    api: LoopbackServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.script(PROFILE, Reply(200, body=fixture_bytes(MINIMAL_PROFILE)))
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)
    assert cli(capsys, "accounts", "add", "--config-dir", str(work), "--name", "work")[0] == 0
    before = settings_file().read_text()
    code, _, err = cli(capsys, "accounts", "add", "--config-dir", str(work), "--name", "work")
    assert code == 1 and "an account named 'work' exists" in err
    assert settings_file().read_text() == before
    assert [a.name for a in load_settings(settings_file()).accounts] == ["default", "work"]


def test_add_for_the_default_dir_does_not_duplicate_the_default(
    api: LoopbackServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.script(PROFILE, Reply(200, body=fixture_bytes(REAL_PROFILE)))
    write_login(isolated_home / ".claude", TOKEN_HOME)
    assert cli(capsys, "accounts", "add", "--config-dir", str(isolated_home / ".claude"))[0] == 0
    assert [a.name for a in load_settings(settings_file()).accounts] == ["max@clau.de"]


def test_add_fails_cleanly_when_the_login_is_rejected_or_missing(
    api: LoopbackServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.script(PROFILE, Reply(401, body=fixture_bytes(EXPIRED_401)))
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)
    code, _, err = cli(capsys, "accounts", "add", "--config-dir", str(work))
    assert code == 1 and "open Claude Code once" in err
    code, _, err = cli(capsys, "accounts", "add", "--config-dir", str(isolated_home / ".claude-none"))
    assert code == 1 and "no Claude Code login" in err
    assert api.count() == 1  # the missing login sent nothing
    assert not settings_file().exists()


def test_add_a_statusline_account_sends_nothing(
    api: LoopbackServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(
        capsys,
        "accounts",
        "add",
        "--source",
        "statusline",
        "--config-dir",
        str(isolated_home / ".claude-work"),
    )
    assert code == 0 and "'claude-work'" in out
    assert api.count() == 0
    assert load_settings(settings_file()).accounts[1].source == "statusline"


def test_list_marks_the_login_claude_code_uses_and_remove(
    api: LoopbackServer, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_login(isolated_home / ".claude", TOKEN_HOME)
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)
    mirror = write_login(isolated_home / ".claude-mirror", TOKEN_HOME)  # the same login, copied
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text(
        '[[accounts]]\nname = "home"\n\n'
        f'[[accounts]]\nname = "work"\nsource = "cli"\nconfig_dir = "{work}"\n\n'
        f'[[accounts]]\nname = "mirror"\nsource = "cli"\nconfig_dir = "{mirror}"\n\n'
        '[[accounts]]\nname = "web"\nsource = "web"\n'
    )
    code, out, _ = cli(capsys, "accounts", "list", "--json")
    assert code == 0
    marks = {row["name"]: row["logged_in"] for row in json.loads(out)["accounts"]}
    assert marks == {"home": True, "work": False, "mirror": True, "web": False}
    code, out, _ = cli(capsys, "accounts", "list")
    assert (
        code == 0 and out.splitlines()[1].startswith("  work ") and out.splitlines()[0].startswith("* home ")
    )
    assert cli(capsys, "accounts", "remove", "work")[0] == 0
    assert [a.name for a in load_settings(settings_file()).accounts] == ["home", "mirror", "web"]
    assert f'# config_dir = "{work}"' in settings_file().read_text()  # commented out, not lost
    code, _, err = cli(capsys, "accounts", "remove", "work")
    assert code == 1 and "no account named 'work'" in err
    assert api.count() == 0  # listing and removing never send anything


def test_logged_in_is_a_local_digest_comparison() -> None:
    assert logged_in({"a": "x", "b": "y", "c": None}, "y") == ("b",)
    assert logged_in({"a": "x", "b": "x"}, "x") == ("a", "b")
    assert logged_in({"a": None}, None) == ()


def test_accounts_in_different_states_at_once(
    server: LoopbackServer, clock: FakeClock, isolated_home: Path
) -> None:
    """One login fresh over the API, one rejected (401), one fed by the status line: one poller, one server."""
    home = write_login(isolated_home / ".claude", TOKEN_HOME)
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)
    busy = write_login(isolated_home / ".claude-busy", "sk-ant-oat01-ACCOUNTS-BUSY-token")
    RecordStore(default_root()).write(
        busy, parse_feed(b'{"rate_limits": {"five_hour": {"used_percentage": 64}}}'), clock.now()
    )
    server.script(
        USAGE,
        Reply(200, body=fixture_bytes(REAL_USAGE)),
        Reply(401, body=fixture_bytes(EXPIRED_401)),
        Reply(200, body=fixture_bytes(REAL_USAGE)),
    )
    settings = parse_settings(
        f'[network]\napi_base = "{server.url}"\n'
        f'[[accounts]]\nname = "home"\nsource = "cli"\nconfig_dir = "{home}"\n'
        f'[[accounts]]\nname = "work"\nsource = "cli"\nconfig_dir = "{work}"\n'
        f'[[accounts]]\nname = "busy"\nsource = "cli"\nconfig_dir = "{busy}"\n'
    )
    client = UsageClient(server.url, server.url, "", 5.0, clock=clock)
    try:
        # the composition build_fetchers makes, with a client this test can close
        fetchers = [
            statusline_aware(a, OAuthFetcher(a.name, build_source(a, clock), client, clock), clock)
            for a in settings.accounts
        ]
        poller = Poller(fetchers, settings, clock=clock, rng=random.Random(1))
        answered: dict[str, float] = {}

        def note(change: StatusChange) -> None:
            if change.current.health is not Health.STARTING:
                answered.setdefault(change.current.account, clock.monotonic())

        poller.add_listener(note)
        run_for(poller, clock, 10)
        states = {s.account: s for s in poller.statuses()}
        home_snapshot, busy_snapshot = states["home"].snapshot, states["busy"].snapshot
        assert states["home"].health is Health.FRESH and home_snapshot is not None
        assert home_snapshot.source is SourceKind.CLI
        assert states["work"].health is Health.UNAUTHORIZED and "Claude Code" in states["work"].hint
        assert states["busy"].health is Health.FRESH and busy_snapshot is not None
        assert busy_snapshot.source is SourceKind.STATUSLINE
        tokens = [r.headers["Authorization"] for r in server.seen]
        assert tokens == [f"Bearer {TOKEN_HOME}", f"Bearer {TOKEN_WORK}"]  # busy sent nothing
        times = sorted(answered.values())
        assert len(times) == 3 and all(
            b - a >= 1.0 for a, b in itertools.pairwise(times)
        )  # never the same second
        run_for(poller, clock, 3600)  # an hour on: home polls on, work stays stopped after its 401
    finally:
        client.close()
    tokens = [r.headers["Authorization"] for r in server.seen]
    assert tokens.count(f"Bearer {TOKEN_WORK}") == 1
    assert tokens.count(f"Bearer {TOKEN_HOME}") >= 10
    assert {s.account: s.health for s in poller.statuses()}["work"] is Health.UNAUTHORIZED


def test_menu_marks_the_logged_in_account(isolated_home: Path, clock: FakeClock) -> None:
    from claude_tray.app.parts.logins import app_part
    from claude_tray.model import AccountStatus
    from claude_tray.settings.model import Settings
    from claude_tray.tray.view import build_view

    """Two logins kept in their own dirs; ~/.claude holds whichever one Claude Code uses now."""
    write_login(isolated_home / ".claude", TOKEN_HOME)
    home = write_login(isolated_home / ".claude-home", TOKEN_HOME)
    work = write_login(isolated_home / ".claude-work", TOKEN_WORK)

    class AppStandIn:
        def __init__(self, settings: Settings) -> None:
            self.settings, self.clock, self.rebuilds = settings, clock, 0

        def refresh_view(self) -> None:
            self.rebuilds += 1

    app = AppStandIn(
        parse_settings(
            f'[[accounts]]\nname = "home"\nconfig_dir = "{home}"\n[[accounts]]\nname = "work"\nconfig_dir = "{work}"\n'
        )
    )
    part = app_part(app)  # type: ignore[arg-type]
    assert part.check is not None and part.menu is not None
    part.check()
    assert (part.menu().marks, app.rebuilds) == ({"home": "logged in to Claude Code"}, 1)
    part.check()
    assert app.rebuilds == 1  # unchanged: no rebuild
    write_login(isolated_home / ".claude", TOKEN_WORK)  # `claude /login` as the work account in ~/.claude
    part.check()
    assert (part.menu().marks, app.rebuilds) == ({"work": "logged in to Claude Code"}, 2)
    statuses = [AccountStatus("home", Health.STARTING), AccountStatus("work", Health.STARTING)]
    labels = [e.label for e in build_view(statuses, app.settings, clock.now(), menu=part.menu()).menu]
    assert "work · logged in to Claude Code" in labels and "home" in labels
