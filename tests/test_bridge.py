"""The status-line bridge's state per config dir, what the tray offers, doctor's report of it, and
the age labels of windows kept from an older reading. Claude Code's files keep their bytes."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.claude_code.statusline import default_root
from claude_tray.model import Health, SourceKind
from claude_tray.settings.schema import parse_settings
from claude_tray.sources.usage_cache import parse_cache
from tests.support.claude_code import write_login
from tests.support.clock import FakeClock
from tests.test_usage_cache import TOKEN, tree, usage_body, write_claude_json

# --- doctor ----------------------------------------------------------------------------------


def test_doctor_reports_the_bridge_and_the_cache_per_config_dir(isolated_home: Path) -> None:
    from tests.test_doctor import run_doctor

    claude = write_login(isolated_home / ".claude", TOKEN)
    now = datetime.now(UTC)  # doctor runs on the real clock
    write_claude_json(isolated_home / ".claude.json", now - timedelta(hours=3, minutes=5), usage_body(now))
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_CONFIG_DIR"}
    before = tree(claude)

    def finding(topic: str) -> dict[str, str]:
        findings = json.loads(run_doctor("--json", env=env).stdout)["findings"]
        return next(f for f in findings if f["topic"] == topic)

    bridge = finding("Status line bridge")
    assert (bridge["level"], bridge["text"].split(": ")[0]) == ("info", str(claude))
    assert "not installed" in bridge["text"]
    assert bridge["hint"] == f"claude-tray statusline install --config-dir {claude}"
    assert finding("usage cache")["text"] == f"{isolated_home / '.claude.json'}: read 3h 5m ago"
    assert tree(claude) == before  # doctor wrote nothing
    from claude_tray.commands.statusline import install

    install(claude, default_root(), "claude-tray statusline")
    assert finding("Status line bridge")["level"] == "ok"


# --- what people see -------------------------------------------------------------------------


def test_a_window_kept_from_an_older_reading_says_its_own_age(clock: FakeClock) -> None:
    from claude_tray.model import AccountStatus, UsageSnapshot, UsageWindow, WindowGroup
    from claude_tray.report.status import format_text, status_document
    from claude_tray.tray.view import account_rows
    from claude_tray.usage.fuse import fuse

    now = clock.now()
    cache = parse_cache(
        json.dumps({"cachedUsageUtilization": {"fetchedAtMs": int((now - timedelta(hours=2)).timestamp() * 1000),
                                               "utilization": usage_body(now)}}).encode(),
        account="me",
    )  # fmt: skip
    line = UsageSnapshot("me", SourceKind.STATUSLINE, now - timedelta(minutes=1), (
        UsageWindow("five_hour", "5-hour", 50.0, now + timedelta(hours=1), WindowGroup.SESSION),
        UsageWindow("seven_day", "Weekly", 70.0, now + timedelta(days=2), WindowGroup.WEEKLY),
    ))  # fmt: skip
    snapshot = fuse([cache, line], now)
    assert snapshot is not None
    rows = [r.label for r in account_rows(AccountStatus("me", Health.FRESH, snapshot), now, UTC)]
    assert rows[0].startswith("5-hour: 50% · resets in 1h") and "read" not in rows[0]
    assert rows[2].startswith("Sonnet weekly: 2% · resets in 3d") and rows[2].endswith(" · read 2h ago")
    assert rows[-1] == "updated 1m ago · via Claude Code status line"
    text = format_text([AccountStatus("me", Health.FRESH, snapshot)], now, UTC)
    assert "(read 2h ago)" in text and "(via Claude Code status line)" in text
    [account] = status_document([AccountStatus("me", Health.FRESH, snapshot)])["accounts"]  # type: ignore[misc]
    assert account["fetched_at"] == (now - timedelta(minutes=1)).isoformat()
    assert [w["read_at"] for w in account["windows"]][:3] == [
        None,
        None,
        (now - timedelta(hours=2)).isoformat(),
    ]


def test_the_bridge_rows() -> None:
    from claude_tray.app.parts.bridge import BRIDGE_LABEL, NO_NUMBERS_LINE, UNDO_LABEL, bridge_entries
    from claude_tray.model import AccountStatus
    from claude_tray.tray.menu import Action

    starting = [AccountStatus("me", Health.STARTING)]
    refused = [AccountStatus("me", Health.RATE_LIMITED)]
    offer = (("me", Path("/home/me/.claude")),)
    assert [e.label for e in bridge_entries(offer, starting, None)] == [BRIDGE_LABEL]
    rows = bridge_entries(offer, refused, None)
    assert [(e.label, e.action, e.account) for e in rows] == [
        (NO_NUMBERS_LINE, None, None),
        (BRIDGE_LABEL, Action.INSTALL_BRIDGE, "me"),
    ]
    two = (*offer, ("work", Path("/home/me/.claude-work")))
    assert [e.label for e in bridge_entries(two, starting, None)] == [
        f"{BRIDGE_LABEL}: me",
        f"{BRIDGE_LABEL}: work",
    ]
    assert bridge_entries((), refused, None) == ()  # installed (or no config dir): nothing offered
    assert [e.label for e in bridge_entries((), refused, "bad JSON")] == ["Status line not changed: bad JSON"]
    undo = bridge_entries((), refused, None, offer)  # installed from the menu: the item is its undo
    assert [(e.label, e.action, e.account) for e in undo] == [(UNDO_LABEL, Action.UNINSTALL_BRIDGE, "me")]


@pytest.mark.parametrize(
    ("content", "state"),
    [
        (None, "not_installed"),
        ("", "not_installed"),
        ('{"statusLine": {"type": "command", "command": "~/bin/my-line.sh"}}', "not_installed"),
        ('{"statusLine": {"type": "command", "command": "/usr/bin/claude-tray statusline"}}', "installed"),
        ('{"model": ', "unreadable"),
        ("[]", "unreadable"),
    ],
)
def test_bridge_state_and_what_is_offered(tmp_path: Path, content: str | None, state: str) -> None:
    from claude_tray.app.parts.bridge import bridge_dirs
    from claude_tray.claude_code.bridge import bridge_state

    config = tmp_path / "claude"
    config.mkdir()
    if content is not None:
        (config / "settings.json").write_text(content)
    before = tree(config)
    assert bridge_state(config).value == state
    settings = parse_settings(f'[[accounts]]\nname = "me"\nsource = "cli"\nconfig_dir = "{config}"\n')
    assert bridge_dirs(settings) == ((("me", config),) if state == "not_installed" else ())
    assert bridge_state(tmp_path / "missing").value == "no_config_dir"
    assert tree(config) == before
