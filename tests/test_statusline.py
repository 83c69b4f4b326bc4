"""The status-line bridge: parsing, records, the `statusline` command, install/uninstall, fetchers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.claude_code.statusline import (
    FeedReading,
    LimitReading,
    RecordStore,
    config_key,
    default_root,
    parse_feed,
    record_snapshot,
    status_text,
)
from claude_tray.commands.statusline import feed_line, install, is_ours, uninstall
from claude_tray.errors import AuthError, ConfigError, NoCredentialError, StatuslineInputError
from claude_tray.model import SourceKind, WindowGroup
from claude_tray.settings.schema import parse_settings
from claude_tray.usage.fetch import AccountFetcher, build_fetchers
from tests.support.claude_code import write_login
from tests.support.clock import FakeClock
from tests.support.dates import touch_now
from tests.support.fixtures import fixture_bytes, fixture_json
from tests.support.http import LoopbackServer, Reply

# The real clock at import, to the minute: `claude-tray statusline` runs in a subprocess on the
# real clock, so the reset times it is fed must lie ahead of *today*, whatever today is.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
RESET_5H = int((NOW + timedelta(hours=2, minutes=14)).timestamp())
RESET_7D = int((NOW + timedelta(days=3, hours=4)).timestamp())
STATUSLINE_FIXTURE = "transcripts/ryoppippi__ccusage__apps_ccusage_test_statusline-test.json"


def payload(five: object = 42, seven: object = 81.5, **extra: object) -> bytes:
    """The real (older) status-line stdin plus the rate_limits block newer CLIs add."""
    data = fixture_json(STATUSLINE_FIXTURE)
    data["rate_limits"] = {
        "five_hour": {"used_percentage": five, "resets_at": RESET_5H},
        "seven_day": {"used_percentage": seven, "resets_at": RESET_7D},
    }
    data.update(extra)
    return json.dumps(data).encode()


def run_cli(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        input=stdin,
        capture_output=True,
        timeout=30,
        check=False,
        env=env,
    )


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    """Hold for ``seconds`` while ``condition`` stays true (a deadline, never a bare sleep)."""
    deadline = time.monotonic() + seconds
    while condition() and time.monotonic() < deadline:
        time.sleep(0.05)


# --- parsing -------------------------------------------------------------------------------


def test_parse_real_payload_with_rate_limits() -> None:
    reading = parse_feed(payload())
    assert reading.five_hour == LimitReading(42.0, datetime.fromtimestamp(RESET_5H, UTC))
    assert reading.seven_day is not None and reading.seven_day.used == 81.5


def test_payload_without_rate_limits_has_none() -> None:
    """The real fixture (Claude Code 1.0.88) predates rate_limits: no limits, no error."""
    reading = parse_feed(json.dumps(fixture_json(STATUSLINE_FIXTURE)).encode())
    assert reading == FeedReading(None, None) and not reading.has_limits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0.0),
        (23.5, 23.5),
        (105, 105.0),  # seen in the wild
        (1795321848, None),  # an epoch leaked into the percentage (claude-monitor's guard)
        (-1, None),
        (True, None),
        ("42", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_used_percentage_is_range_checked(value: object, expected: float | None) -> None:
    reading = parse_feed(payload(five=value))
    assert (reading.five_hour.used if reading.five_hour else None) == expected


@pytest.mark.parametrize("resets_at", [1795321848000, 12, "soon", None, True])
def test_implausible_resets_at_keeps_the_percentage_only(resets_at: object) -> None:
    raw = json.dumps({"rate_limits": {"five_hour": {"used_percentage": 10, "resets_at": resets_at}}})
    assert parse_feed(raw.encode()).five_hour == LimitReading(10.0, None)


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"text"', b"{", b"\xff\xfe"])
def test_malformed_input_raises_the_one_error(raw: bytes) -> None:
    with pytest.raises(StatuslineInputError):
        parse_feed(raw)


def test_status_text() -> None:
    reading = parse_feed(payload())
    assert status_text(reading, NOW) == "5h 42% (2h 14m) · 7d 82% (3d 4h)"
    past = FeedReading(LimitReading(7.0, NOW - timedelta(minutes=1)), None)
    assert status_text(past, NOW) == "5h 7%"
    assert status_text(FeedReading(None, None), NOW) == ""


# --- records ---------------------------------------------------------------------------------


def test_record_round_trip_keeps_the_written_time(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "state")
    config = tmp_path / "claude"
    store.write(config, parse_feed(payload()), NOW)
    record = store.read(config)
    assert record is not None
    assert (record.written_at, record.config_dir) == (NOW, str(config))
    assert record.reading == parse_feed(payload())
    assert [p.name for p in (tmp_path / "state").iterdir()] == [f"{config_key(config)}.json"]  # no temp left
    assert oct(store.path_for(config).stat().st_mode & 0o777) == "0o600"
    snapshot = record_snapshot(record, "work")
    assert (snapshot.account, snapshot.source, snapshot.fetched_at) == ("work", SourceKind.STATUSLINE, NOW)
    assert snapshot.provenance == "via Claude Code status line"
    assert [(w.key, w.label, w.utilization, w.group) for w in snapshot.windows] == [
        ("five_hour", "5-hour", 42.0, WindowGroup.SESSION),
        ("seven_day", "Weekly", 81.5, WindowGroup.WEEKLY),
    ]


def test_a_reading_without_limits_keeps_the_last_record(tmp_path: Path) -> None:
    store = RecordStore(tmp_path)
    store.write(tmp_path / "c", parse_feed(payload()), NOW)
    store.write(tmp_path / "c", FeedReading(None, None), NOW + timedelta(minutes=1))
    record = store.read(tmp_path / "c")
    assert record is not None and record.written_at == NOW


def test_one_record_per_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert config_key(Path("~/.claude")) == config_key(Path.home() / ".claude")
    assert config_key(Path("work/../work")) == config_key(tmp_path / "work")
    assert config_key(Path.home() / ".claude") != config_key(Path.home() / ".claude-work")


@pytest.mark.parametrize(
    "content", [b"", b"{", b"[]", b'{"schema": 99}', b'{"schema": 1, "written_at": "x"}']
)
def test_unreadable_record_is_none(tmp_path: Path, content: bytes) -> None:
    store = RecordStore(tmp_path)
    store.path_for(tmp_path / "c").write_bytes(content)
    assert store.read(tmp_path / "c") is None


# --- the command Claude Code runs ----------------------------------------------------------


def install_previous(home: Path, command: str) -> Path:
    """A Claude Code settings.json with the person's own status line, then claude-tray installed."""
    config = home / ".claude"
    config.mkdir(exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"statusLine": {"type": "command", "command": command}}))
    done = run_cli("statusline", "install")
    assert done.returncode == 0, done.stderr
    return config


def state_root(home: Path) -> Path:
    return home / ".local/state/claude-tray/statusline"


def test_statusline_records_and_prints_one_line(isolated_home: Path) -> None:
    done = run_cli("statusline", stdin=payload())
    assert (done.returncode, done.stderr) == (0, b"")
    line = done.stdout.decode()
    assert line.startswith("5h 42% (") and "· 7d 82%" in line and line.count("\n") == 1
    record = RecordStore(state_root(isolated_home)).read(isolated_home / ".claude")
    assert (
        record is not None and record.reading.five_hour is not None and record.reading.five_hour.used == 42.0
    )


@pytest.mark.parametrize("stdin", [b"", b"{not json", b"[]", b"\x00\xff" * 100])
def test_malformed_stdin_prints_nothing_and_exits_0(stdin: bytes) -> None:
    done = run_cli("statusline", stdin=stdin)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


@pytest.mark.parametrize(
    "stdin", [b"", b"{not json", b'{"rate_limits": {"five_hour": {"used_percentage": 1795321848}}}']
)
def test_malformed_stdin_prints_their_previous_line(isolated_home: Path, stdin: bytes) -> None:
    install_previous(isolated_home, "echo 'main · my branch'")
    done = run_cli("statusline", stdin=stdin)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"main \xc2\xb7 my branch\n", b"")
    assert not list(state_root(isolated_home).glob("[0-9a-f]*.json"))  # nothing recorded


def test_chained_command_gets_the_same_stdin_and_is_shown_first(isolated_home: Path) -> None:
    script = isolated_home / "mine.py"
    script.write_text("import json, sys\nprint('model:', json.load(sys.stdin)['model']['display_name'])\n")
    install_previous(isolated_home, f"{sys.executable} {script}")
    done = run_cli("statusline", stdin=payload())
    assert done.returncode == 0
    assert done.stdout.decode().startswith("model: Sonnet 4 | 5h 42% (")


def test_a_hanging_or_failing_previous_command_costs_only_its_part(tmp_path: Path) -> None:
    store = tmp_path / "state"
    store.mkdir()
    config = tmp_path / "c"
    pidfile = tmp_path / "pid"
    ours = "5h 42% (2h 14m) · 7d 82% (3d 4h)"
    cases = (
        ("exit 3", ours),
        ("echo half; exit 1", f"half | {ours}"),
        (f"sleep 30 & echo $! > {pidfile}; wait", ours),
    )
    for command, expected in cases:
        backup = {"schema": 1, "had": True, "previous": {"type": "command", "command": command}}
        (store / f"install-{config_key(config)}.json").write_text(json.dumps(backup))
        started = time.monotonic()
        assert feed_line(payload(), config, store, NOW, chain_timeout=0.5) == expected
        assert time.monotonic() - started < 3.0
    sleeper = Path(f"/proc/{pidfile.read_text().strip()}/stat")
    wait_for(lambda: alive(sleeper), seconds=5.0)
    assert not alive(sleeper)  # the shell's child was killed with it, not left running


def alive(proc_stat: Path) -> bool:
    try:
        return proc_stat.read_text().split(") ", 1)[1][0] not in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return False


# --- install / uninstall -------------------------------------------------------------------

CLAUDE_SETTINGS = """{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {
    "allow": [
      "Bash(npm run lint)"
    ],
    "deny": []
  },
  "statusLine": {
    "type": "command",
    "command": "~/.claude/statusline.sh",
    "padding": 0
  },
  "env": {
    "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
    "NOTE": "café ✓"
  },
  "model": "opus"
}
"""


def test_install_uninstall_round_trip_restores_the_file_exactly(isolated_home: Path) -> None:
    config = isolated_home / ".claude"
    config.mkdir()
    settings = config / "settings.json"
    settings.write_text(CLAUDE_SETTINGS, encoding="utf-8")
    settings.chmod(0o644)
    done = run_cli("statusline", "install")
    assert done.returncode == 0, done.stderr
    assert b"~/.claude/statusline.sh" in done.stdout  # says what is chained
    data = json.loads(settings.read_text(encoding="utf-8"))
    original = json.loads(CLAUDE_SETTINGS)
    assert list(data) == list(original)  # every key kept, in place
    assert {k: v for k, v in data.items() if k != "statusLine"} == {
        k: v for k, v in original.items() if k != "statusLine"
    }
    assert is_ours(data["statusLine"]) and data["statusLine"]["padding"] == 0
    assert oct(settings.stat().st_mode & 0o777) == "0o644"
    again = run_cli("statusline", "install")  # idempotent: the saved previous setting is not lost
    assert again.returncode == 0 and b"already installed" in again.stdout
    assert run_cli("statusline", "uninstall").returncode == 0
    assert settings.read_text(encoding="utf-8") == CLAUDE_SETTINGS
    assert not list(state_root(isolated_home).glob("install-*.json"))


def test_installed_command_really_runs_as_claude_code_would(isolated_home: Path, tmp_path: Path) -> None:
    """Run the exact command string written into settings.json through a shell."""
    work = tmp_path / "claude-work"
    work.mkdir()
    install(
        work, state_root(isolated_home), f"{sys.executable} -m claude_tray statusline --config-dir {work}"
    )
    command = json.loads((work / "settings.json").read_text())["statusLine"]["command"]
    done = subprocess.run(
        command, shell=True, input=payload(five=7), capture_output=True, timeout=30, check=False
    )
    assert done.stdout.decode().startswith("5h 7% (")
    assert RecordStore(state_root(isolated_home)).read(work) is not None


def test_round_trip_without_a_previous_status_line(tmp_path: Path) -> None:
    config, store = tmp_path / "c", tmp_path / "state"
    config.mkdir()
    original = '{\n    "model": "sonnet"\n}'  # 4-space indent, no final newline
    (config / "settings.json").write_text(original)
    install(config, store, "claude-tray statusline")
    assert json.loads((config / "settings.json").read_text())["statusLine"]["type"] == "command"
    assert "uninstalled" in uninstall(config, store)
    assert (config / "settings.json").read_text() == original


@pytest.mark.parametrize(
    ("original", "installed"),
    [
        (
            '{"model": "sonnet"}\n',
            '{"model": "sonnet", "statusLine": {"type": "command", "command": "claude-tray statusline"}}\n',
        ),
        (
            '{"model":"sonnet"}',
            '{"model":"sonnet","statusLine":{"type":"command","command":"claude-tray statusline"}}',
        ),
    ],
    ids=["spaced", "compact-no-newline"],
)
def test_a_one_line_settings_file_stays_one_line(tmp_path: Path, original: str, installed: str) -> None:
    config, store = tmp_path / "c", tmp_path / "state"
    config.mkdir()
    (config / "settings.json").write_text(original)
    install(config, store, "claude-tray statusline")
    assert (config / "settings.json").read_text() == installed
    uninstall(config, store)
    assert (config / "settings.json").read_text() == original


def test_install_into_a_config_dir_without_settings(tmp_path: Path) -> None:
    config, store = tmp_path / "c", tmp_path / "state"
    install(config, store, "claude-tray statusline")
    assert json.loads((config / "settings.json").read_text()) == {
        "statusLine": {"type": "command", "command": "claude-tray statusline"}
    }
    uninstall(config, store)
    assert not (config / "settings.json").exists()  # install created it; uninstall leaves nothing


def test_invalid_settings_json_is_refused_and_untouched(tmp_path: Path) -> None:
    config, store = tmp_path / "c", tmp_path / "state"
    config.mkdir()
    (config / "settings.json").write_text('{\n  "model": "opus",\n}\n')
    with pytest.raises(ConfigError) as info:
        install(config, store, "claude-tray statusline")
    assert info.value.problems[0].line == 3
    assert (config / "settings.json").read_text() == '{\n  "model": "opus",\n}\n'
    assert not store.exists()


def test_uninstall_never_touches_a_status_line_that_is_not_ours(tmp_path: Path) -> None:
    config, store = tmp_path / "c", tmp_path / "state"
    config.mkdir()
    (config / "settings.json").write_text('{"statusLine": {"type": "command", "command": "old"}}')
    install(config, store, "claude-tray statusline")
    changed_by_person = '{"statusLine": {"type": "command", "command": "newer"}}'
    (config / "settings.json").write_text(changed_by_person)
    assert "not installed" in uninstall(config, store)
    assert (config / "settings.json").read_text() == changed_by_person


def test_symlinked_settings_stay_a_symlink(tmp_path: Path) -> None:
    config, store, dotfiles = tmp_path / "c", tmp_path / "state", tmp_path / "dotfiles"
    config.mkdir()
    dotfiles.mkdir()
    (dotfiles / "settings.json").write_text('{\n  "model": "opus"\n}\n')
    (config / "settings.json").symlink_to(dotfiles / "settings.json")
    install(config, store, "claude-tray statusline")
    assert (config / "settings.json").is_symlink()
    assert "statusLine" in json.loads((dotfiles / "settings.json").read_text())
    uninstall(config, store)
    assert (dotfiles / "settings.json").read_text() == '{\n  "model": "opus"\n}\n'


def test_invalid_settings_via_the_cli_exits_1_with_the_line(isolated_home: Path) -> None:
    config = isolated_home / ".claude"
    config.mkdir()
    (config / "settings.json").write_text("{oops")
    done = run_cli("statusline", "install")
    assert (
        done.returncode == 1 and b"settings.json:1:" in done.stderr and b"nothing was changed" in done.stderr
    )


# --- reading never writes into ~/.claude ----------------------------------------------------


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    } | {
        str(p.relative_to(root)) + "/": (b"", p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_dir()
    }


def test_statusline_and_transcript_reading_never_write_under_claude_dir(isolated_home: Path) -> None:
    from claude_tray.claude_code.transcripts import TranscriptScanner
    from claude_tray.clock import SystemClock
    from claude_tray.sources.usage_cache import UsageCacheReader
    from claude_tray.usage.freshest import FreshestFetcher

    claude = isolated_home / ".claude"
    project = claude / "projects" / "-home-me-proj"
    project.mkdir(parents=True)
    transcript = project / "s1.jsonl"
    transcript.write_bytes(
        b'{"type":"assistant","message":{"model":"claude-opus-4-6","usage":{"input_tokens":5}}}\n{"half'
    )
    touch_now(transcript)
    (claude / "settings.json").write_text('{"model": "opus"}\n')
    (claude / ".credentials.json").write_text('{"claudeAiOauth": {"accessToken": "x"}}')
    before = tree(claude)
    assert run_cli("statusline", stdin=payload()).returncode == 0
    assert run_cli("statusline", stdin=b"junk").returncode == 0
    cache = UsageCacheReader(isolated_home / ".claude.json", "default")
    store = RecordStore(state_root(isolated_home))
    assert FreshestFetcher("default", claude, store, cache, SystemClock()).fetch().windows
    scanner = TranscriptScanner(claude)
    assert scanner.active_sessions(SystemClock().now())[0].context_tokens == 5
    assert tree(claude) == before
    with transcript.open("ab") as fh:  # Claude Code finishes its line
        fh.write(b"\n")
    appended = tree(claude)
    scanner.scan()
    assert tree(claude) == appended
    assert run_cli("statusline", "install").returncode == 0  # the one command that may write there
    assert tree(claude)["settings.json"] != before["settings.json"]


# --- fetchers ------------------------------------------------------------------------------


TOKEN = "sk-ant-oat01-STATUSLINE-TEST-TOKEN"
USAGE = "/api/oauth/usage"
REAL_USAGE = "api/usage/deuxdoom__usage-monitor-for-claude__docs_api-reference.md_oauth_usage_REAL_captured_2026-03.json"
EXPIRED_401 = "api/errors/paperclipai__paperclip__issue-139__api_401_oauth_token_expired.json"


def account_toml(name: str, source: str, config: Path) -> str:
    return f'\n[[accounts]]\nname = "{name}"\nsource = "{source}"\nconfig_dir = "{config}"\n'


def fetchers_for(server_url: str, clock: FakeClock, *accounts: str) -> tuple[AccountFetcher, ...]:
    text = f'[network]\napi_base = "{server_url}"\n' + "".join(accounts)
    return build_fetchers(parse_settings(text), clock)


def logged_in_account(server: LoopbackServer, clock: FakeClock, config: Path, reply: Reply) -> AccountFetcher:
    """A Claude Code login in ``config`` as the one account, the usage endpoint answering ``reply``."""
    server.script(USAGE, reply)
    write_login(config, TOKEN)
    [fetcher] = fetchers_for(server.url, clock, account_toml("me", "cli", config))
    return fetcher


def test_a_fresh_record_defers_the_oauth_poll_until_claude_code_is_idle(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "claude"
    fetcher = logged_in_account(server, clock, config, Reply(200, body=fixture_bytes(REAL_USAGE)))
    store = RecordStore(default_root())
    assert fetcher.fetch().source is SourceKind.CLI and server.count(USAGE) == 1  # no record yet
    clock.advance(30)
    written = clock.now()
    store.write(config, parse_feed(payload(five=55)), written)  # Claude Code took a turn
    for _ in range(3):
        snapshot = fetcher.fetch()
        assert (snapshot.source, snapshot.fetched_at) == (SourceKind.STATUSLINE, written)
        five_hour = snapshot.window("five_hour")
        assert five_hour is not None and five_hour.utilization == 55.0
        clock.advance(100)
    assert server.count(USAGE) == 1  # deferred: no request while the record was fresh
    clock.advance(100)  # Claude Code idle for > 5 min: the record is stale
    assert fetcher.fetch().source is SourceKind.CLI and server.count(USAGE) == 2


def test_a_record_older_than_the_last_api_reading_never_shadows_it(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "claude"
    fetcher = logged_in_account(server, clock, config, Reply(200, body=fixture_bytes(REAL_USAGE)))
    api = fetcher.fetch()
    clock.advance(30)
    RecordStore(default_root()).write(
        config, parse_feed(payload(five=99)), api.fetched_at - timedelta(seconds=10)
    )
    snapshot = fetcher.fetch()  # a fresh zero-network reading exists: no request ...
    assert server.count(USAGE) == 1
    assert (snapshot.source, snapshot.fetched_at) == (
        SourceKind.CLI,
        api.fetched_at,
    )  # ... but the API's is newer
    assert snapshot.window("five_hour") == api.window("five_hour")


def test_a_new_record_changes_the_fingerprint_so_a_stopped_account_resumes(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "claude"
    fetcher = logged_in_account(server, clock, config, Reply(401, body=fixture_bytes(EXPIRED_401)))
    with pytest.raises(AuthError):
        fetcher.fetch()
    before = fetcher.fingerprint()
    RecordStore(default_root()).write(config, parse_feed(payload()), clock.now())
    assert fetcher.fingerprint() != before
    assert fetcher.fetch().source is SourceKind.STATUSLINE and server.count(USAGE) == 1


def test_statusline_only_accounts_never_send_anything(
    server: LoopbackServer, clock: FakeClock, tmp_path: Path
) -> None:
    config = tmp_path / "claude-work"
    [fetcher] = fetchers_for(server.url, clock, account_toml("work", "statusline", config))
    with pytest.raises(NoCredentialError) as info:
        fetcher.fetch()
    assert "claude-tray statusline install" in info.value.hint
    RecordStore(default_root()).write(config, parse_feed(payload()), clock.now() - timedelta(hours=2))
    snapshot = fetcher.fetch()  # an old record is still the best data: shown with its age
    assert (snapshot.source, snapshot.fetched_at) == (SourceKind.STATUSLINE, clock.now() - timedelta(hours=2))
    assert server.count() == 0


def test_statusline_only_account_without_records_says_how_to_fix(tmp_path: Path, clock: FakeClock) -> None:
    from claude_tray.sources.usage_cache import UsageCacheReader
    from claude_tray.usage.freshest import FreshestFetcher

    cache = UsageCacheReader(tmp_path / "c" / ".claude.json", "cc")
    with pytest.raises(NoCredentialError) as info:
        FreshestFetcher("cc", tmp_path / "c", RecordStore(tmp_path / "s"), cache, clock).fetch()
    assert "claude-tray statusline install" in info.value.hint


def test_doctor_sees_whether_a_statusline_account_has_records(tmp_path: Path, clock: FakeClock) -> None:
    from claude_tray.settings.model import AccountSettings
    from claude_tray.sources import describe_sources

    account = AccountSettings(name="cc", source="statusline", config_dir=str(tmp_path / "c"))
    [before] = describe_sources(account, clock, kinds=(SourceKind.STATUSLINE,))
    assert (before.available, before.found) == (True, False)
    assert "claude-tray statusline install" in before.hint
    RecordStore(default_root()).write(tmp_path / "c", parse_feed(payload()), clock.now())
    [after] = describe_sources(account, clock, kinds=(SourceKind.STATUSLINE,))
    assert after.found and str(tmp_path / "c") in after.where
