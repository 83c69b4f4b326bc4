"""Sessions per account: `status --json` gains "sessions", and the tray part rescans transcripts."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.app.parts.sessions import app_part
from claude_tray.claude_code.sessions import SessionWatch, session_dirs
from claude_tray.claude_code.statusline import RecordStore, default_root, parse_feed
from claude_tray.cli import main
from claude_tray.paths import settings_file
from claude_tray.settings.model import Settings
from claude_tray.settings.schema import parse_settings
from tests.support.clock import FakeClock
from tests.support.dates import touch_now


def transcript(
    config: Path, session: str, tokens: int, *, model: str = "claude-opus-4-6", project: str = "proj"
) -> Path:
    path = config / "projects" / f"-home-me-{project}" / f"{session}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "type": "assistant",
        "cwd": f"/home/me/{project}",
        "requestId": f"req_{session}_{tokens}",
        "message": {"id": f"msg_{session}_{tokens}", "model": model, "usage": {"input_tokens": tokens}},
    }
    with path.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    return touch_now(path)


def test_status_json_lists_each_accounts_sessions(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_API_BASE", "http://127.0.0.1:9")  # nothing may be sent anyway
    work, idle = isolated_home / ".claude-work", isolated_home / ".claude-idle"
    transcript(work, "s-big", 620_000, project="claude-tray")
    transcript(work, "s-small", 50_000, model="claude-sonnet-4-5-20250929", project="website")
    old = transcript(idle, "s-old", 10_000)
    stamp = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    os.utime(old, (stamp, stamp))
    for config in (work, idle):
        RecordStore(default_root()).write(
            config, parse_feed(b'{"rate_limits": {"seven_day": {"used_percentage": 3}}}'), datetime.now(UTC)
        )
    settings_file().parent.mkdir(parents=True)
    settings_file().write_text(
        f'[[accounts]]\nname = "work"\nsource = "statusline"\nconfig_dir = "{work}"\n'
        f'[[accounts]]\nname = "idle"\nsource = "statusline"\nconfig_dir = "{idle}"\n'
    )
    assert main(["status", "--json"]) == 0
    accounts = {a["name"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert accounts["idle"]["sessions"] == []  # two hours quiet: not active
    big, small = accounts["work"]["sessions"]
    assert {
        k: big[k] for k in ("session_id", "project", "model", "context_tokens", "context_limit", "fill")
    } == {
        "session_id": "s-big",
        "project": "claude-tray",
        "model": "claude-opus-4-6",
        "context_tokens": 620_000,
        "context_limit": 1_000_000,
        "fill": 62.0,
    }
    assert (small["project"], small["context_limit"], small["fill"]) == ("website", 200_000, 25.0)


def test_session_dirs_follow_the_accounts_sources(isolated_home: Path) -> None:
    settings = parse_settings(
        '[[accounts]]\nname = "a"\n'
        '[[accounts]]\nname = "b"\nsource = "cli"\nconfig_dir = "/x/claude-b"\n'
        '[[accounts]]\nname = "w"\nsource = "web"\n'
    )
    assert session_dirs(settings) == {"a": isolated_home / ".claude", "b": Path("/x/claude-b")}


class AppStandIn:
    """The three things the part uses from the App: settings, clock and refresh_view()."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.rebuilds = 0

    def refresh_view(self) -> None:
        self.rebuilds += 1


def test_tray_part_rebuilds_the_menu_only_when_it_reads_differently(isolated_home: Path) -> None:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    app = AppStandIn(Settings(), clock)
    part = app_part(app)  # type: ignore[arg-type]
    assert part.every == 30.0 and part.check is not None and part.menu is not None
    menu = part.menu

    def lines() -> list[str]:
        return [e.label for section in menu().sections for e in section][1:]  # after the heading

    part.check()
    assert (app.rebuilds, lines()) == (0, [])
    path = transcript(isolated_home / ".claude", "s1", 100_000)
    part.check()
    assert app.rebuilds == 1 and lines() == ["proj · Opus · 10% of 1M"]
    part.check()  # nothing new
    assert app.rebuilds == 1
    transcript(isolated_home / ".claude", "s1", 100_400)  # still 10% of 1M: the menu reads the same
    part.check()
    assert app.rebuilds == 1 and lines() == ["proj · Opus · 10% of 1M"]
    transcript(isolated_home / ".claude", "s1", 300_000)
    part.check()
    assert app.rebuilds == 2 and lines() == ["proj · Opus · 30% of 1M"]
    stamp = (clock.now() - timedelta(hours=1)).timestamp()
    os.utime(path, (stamp, stamp))  # the session went quiet
    part.check()
    assert app.rebuilds == 3 and lines() == []


def test_watch_keeps_its_scanners_across_settings_changes(isolated_home: Path) -> None:
    transcript(isolated_home / ".claude", "s1", 1000)
    watch = SessionWatch(Settings())
    now = datetime.now(UTC)
    assert [s.session_id for s in watch.active(now)] == ["s1"]
    other = isolated_home / ".claude-work"
    transcript(other, "s2", 2000)
    watch.use(parse_settings(f'[[accounts]]\nname = "a"\n[[accounts]]\nname = "b"\nconfig_dir = "{other}"\n'))
    assert [s.session_id for s in watch.active(now)] == ["s2", "s1"]
    assert {k: [s.session_id for s in v] for k, v in watch.by_account(now).items()} == {
        "a": ["s1"],
        "b": ["s2"],
    }
