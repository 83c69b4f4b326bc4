"""The paths people wait for import only what they need (tests/bench/cli_speed.py measures the time).

Claude Code runs ``claude-tray statusline`` on every turn, so that path must start like a small
stdlib script. These tests run the real entry point in a fresh interpreter and look at
``sys.modules`` afterwards; nothing here is timed.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest

from claude_tray import __version__, paths
from claude_tray.claude_code.statusline import RecordStore, config_key

# third-party packages and the heavier stdlib modules the status line has no use for
NEVER_ON_THE_FEED = {
    "requests",
    "PIL",
    "pystray",
    "sqlite3",
    "platformdirs",
    "argparse",
    "keyring",
    "dataclasses",
    "inspect",
    "typing",
    "pathlib",
    "tempfile",
    "claude_tray.model",
    "claude_tray.report.status",
    "claude_tray.settings.schema",
    "claude_tray.i18n",  # the status line stays English: no catalog lookup per turn
    "gettext",
    "babel",
}
if importlib.util.find_spec("_sha256") or importlib.util.find_spec("_sha2"):
    NEVER_ON_THE_FEED.add("hashlib")  # the built-in SHA-256 is used instead of OpenSSL's

ROOT = Path(__file__).resolve().parents[1]

# Runs the entry point as the console script does, then reports every module loaded.
PROBE = """
import sys
from claude_tray.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
raise SystemExit(code)
"""


# the countdown is not pinned: without site (-S) the probe cannot follow tests/run's time shift
OUR_LINE = re.compile(r"5h 42% \(\d+[dhm][ \dhm]*\)\n")


def payload() -> bytes:
    resets = int((datetime.now(UTC) + timedelta(hours=2, minutes=14, seconds=30)).timestamp())
    return json.dumps({"rate_limits": {"five_hour": {"used_percentage": 42, "resets_at": resets}}}).encode()


def probe(*args: str, stdin: bytes = b"") -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    """Without site (-S): no editable-install finder or test sitecustomize importing things first.

    The paths probed here need nothing outside the standard library and claude_tray itself.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, *args],
        input=stdin,
        capture_output=True,
        timeout=30,
        check=False,
        env=env,
    )
    _, _, modules = done.stderr.rpartition(b"\nMODULES ")
    assert modules, done.stderr
    return done, set(modules.decode().split())


def top_level(modules: set[str]) -> set[str]:
    return modules | {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("flag", [None, "--config-dir", "--config-dir="])
def test_the_status_line_feed_imports_nothing_heavy(isolated_home: Path, flag: str | None) -> None:
    config = isolated_home / "claude-work"
    args = {
        None: [],
        "--config-dir": ["--config-dir", str(config)],
        "--config-dir=": [f"--config-dir={config}"],
    }
    done, modules = probe("statusline", *args[flag], stdin=payload())
    assert done.returncode == 0 and OUR_LINE.fullmatch(done.stdout.decode())
    assert not top_level(modules) & NEVER_ON_THE_FEED
    recorded = RecordStore(paths.state_dir() / "statusline").read(
        config if flag else isolated_home / ".claude"
    )
    assert recorded is not None and recorded.reading.five_hour is not None  # it really recorded


def test_bad_input_and_a_chained_command_stay_lean(isolated_home: Path) -> None:
    store = paths.state_dir() / "statusline"
    store.mkdir(parents=True)
    backup = {"schema": 1, "had": True, "previous": {"type": "command", "command": "echo mine"}}
    (store / f"install-{config_key(isolated_home / '.claude')}.json").write_text(json.dumps(backup))
    for stdin, line in ((b"{not json", "mine\n"), (payload(), re.escape("mine | ") + OUR_LINE.pattern)):
        done, modules = probe("statusline", stdin=stdin)
        assert done.returncode == 0 and re.fullmatch(line, done.stdout.decode())
        assert not top_level(modules) & NEVER_ON_THE_FEED


def test_anything_unusual_still_goes_through_argparse_with_the_same_result(isolated_home: Path) -> None:
    """An abbreviated flag is argparse's business; the feed it reaches is the same one."""
    config = isolated_home / "c"
    done, modules = probe("statusline", "--config", str(config), stdin=payload())
    assert done.returncode == 0 and OUR_LINE.fullmatch(done.stdout.decode())
    assert "argparse" in modules
    assert RecordStore(paths.state_dir() / "statusline").read(config) is not None
    done, _ = probe("statusline", "--bogus")
    assert done.returncode == 2 and b"unrecognized arguments: --bogus" in done.stderr


def test_version_skips_argparse() -> None:
    done, modules = probe("--version")
    assert (done.returncode, done.stdout.decode()) == (0, f"claude-tray {__version__}\n")
    assert "argparse" not in modules


def test_help_lists_every_command_without_importing_them() -> None:
    done, modules = probe("--help")
    assert done.returncode == 0
    text = done.stdout.decode()
    for name in ("run", "status", "statusline", "doctor", "update-check"):
        assert f"\n    {name}" in text
    assert not {m for m in modules if m.startswith("claude_tray.commands.")}
    assert "shutil" not in modules  # the terminal width is read without it (and its bz2, lzma)


# --- the state dir without platformdirs --------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"XDG_STATE_HOME": None},
        {"XDG_STATE_HOME": ""},
        {"XDG_STATE_HOME": "   "},
        {"XDG_STATE_HOME": "/srv/state"},
        {"XDG_STATE_HOME": "/srv/state/"},
        {"XDG_STATE_HOME": "relative/state"},
        {"XDG_STATE_HOME": None, "HOME": "/home/u/"},
        {"XDG_STATE_HOME": None, "HOME": "relative-home"},
        {"XDG_STATE_HOME": None, "HOME": None},
    ],
)
def test_state_dir_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]
) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    expected = platformdirs.user_state_path(paths.APP_NAME, appauthor=False)
    assert Path(paths.state_dir_str()) == expected == paths.state_dir()


def test_the_help_listing_says_what_each_command_module_says() -> None:
    from claude_tray.cli import COMMANDS

    for _name, module, help_text in COMMANDS:
        assert help_text == importlib.import_module(f"claude_tray.commands.{module}").HELP


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "50", "200"])
def test_help_width_is_what_shutil_would_say(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    import shutil

    from claude_tray.cli import help_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == shutil.get_terminal_size().columns
