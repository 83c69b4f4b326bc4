"""The settings file on disk: commented default, edits that keep comments, editor, watcher, docs."""

from __future__ import annotations

import dataclasses
import os
import shlex
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_tray.errors import ClaudeTrayError, ConfigError
from claude_tray.settings.docs import DOCS, ENV_DEFAULTS, default_file_text, key_docs, markdown_table
from claude_tray.settings.file import (
    SettingsWatcher,
    append_account,
    ensure_settings_file,
    problem_lines,
    remove_account,
    set_value,
)
from claude_tray.settings.model import AccountSettings, Settings
from claude_tray.settings.opener import open_in_editor, open_with_desktop
from claude_tray.settings.schema import load_settings, parse_settings

PERSONAL = """\
# my settings, hand written
schema_version = 1

[general]
# slower on the train
poll_interval = 600  # ten minutes, please
icon_account = "worst"

[notifications]
thresholds = [
  50,  # early heads-up
  # nothing in between
  90,
]

[icon]
outer = "seven_day"   # the weekly matters more to me
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


# -- the default file ---------------------------------------------------------------------------


def test_first_run_writes_a_commented_default_that_means_the_defaults(config: Path) -> None:
    assert ensure_settings_file(config) is True
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert load_settings(config) == Settings()
    assert ensure_settings_file(config) is False  # never overwritten
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_every_key_in_the_default_file_has_its_comment_above_it(config: Path) -> None:
    lines = default_file_text().splitlines()
    for doc in key_docs():
        assignment = f"{doc.key} = "
        at = next(
            i
            for i, line in enumerate(lines)
            if line.lstrip("# ").startswith(assignment) and _in_section(lines, i, doc.section)
        )
        above = lines[at - 1].lstrip("# ")
        assert doc.doc.split()[-1] in above, (doc.dotted, above)


def _in_section(lines: list[str], index: int, section: str) -> bool:
    headers = [line.strip("#[] ") for line in lines[:index] if line.lstrip("# ").startswith("[")]
    return (headers[-1] if headers else "") == section


def test_env_dependent_defaults_stay_commented_so_the_environment_still_decides(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_API_BASE", "http://127.0.0.1:9")
    ensure_settings_file(config)
    assert load_settings(config).network.api_base == "http://127.0.0.1:9"
    assert {"network.api_base", "network.web_base"} == ENV_DEFAULTS


def test_docs_cover_every_schema_field_and_nothing_else() -> None:
    documented = {doc.dotted for doc in key_docs()}
    assert documented == set(DOCS)


def test_readme_settings_table_is_the_generated_one(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "run: python -m claude_tray.settings.docs and paste into README"


# -- app edits keep everything the person wrote --------------------------------------------------


def test_set_value_changes_one_value_and_keeps_the_trailing_comment(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL)
    set_value(config, "general.poll_interval", 120)
    text = config.read_text()
    assert "poll_interval = 120  # ten minutes, please" in text
    assert _comment_lines(text) == _comment_lines(PERSONAL)
    assert load_settings(config).general.poll_interval == 120
    assert text.replace("120", "600") == PERSONAL  # and nothing else moved
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_edits_go_through_a_symlinked_file_and_keep_the_link(config: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "claude-tray.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text(PERSONAL)
    config.parent.mkdir()
    config.symlink_to(dotfiles)
    set_value(config, "general.poll_interval", 120)
    assert config.is_symlink()
    assert "poll_interval = 120  # ten minutes, please" in dotfiles.read_text()


def test_set_value_on_a_multiline_list_keeps_its_inner_comments(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL)
    set_value(config, "notifications.thresholds", [70, 85, 99])
    text = config.read_text()
    assert "thresholds = [70, 85, 99]" in text
    assert "# early heads-up" in text and "# nothing in between" in text
    assert load_settings(config).notifications.thresholds == (70.0, 85.0, 99.0)


def test_set_value_adds_missing_keys_and_tables(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL)
    set_value(config, "icon.show_percent", True)
    set_value(config, "network.timeout", 30)
    data = tomllib.loads(config.read_text())
    assert data["icon"] == {"outer": "seven_day", "show_percent": True}
    assert data["network"] == {"timeout": 30}
    assert _comment_lines(config.read_text()) == _comment_lines(PERSONAL)


def test_set_value_uncomments_into_place_under_the_default_line(config: Path) -> None:
    ensure_settings_file(config)
    set_value(config, "network.api_base", "http://127.0.0.1:8080")
    lines = config.read_text().splitlines()
    at = lines.index('api_base = "http://127.0.0.1:8080"')
    assert lines[at - 1] == '# api_base = "https://api.anthropic.com"'
    assert load_settings(config).network.api_base == "http://127.0.0.1:8080"


def test_an_invalid_value_is_refused_and_nothing_is_written(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL)
    with pytest.raises(ConfigError) as info:
        set_value(config, "general.poll_interval", 5)
    assert "minimum is 60" in str(info.value)
    assert config.read_text() == PERSONAL


def test_unknown_keys_survive_an_edit(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL + "\n[future]\nshiny = 'yes'  # from a newer version\n")
    set_value(config, "general.poll_interval", 90)
    data = tomllib.loads(config.read_text())
    assert data["future"] == {"shiny": "yes"}
    assert "# from a newer version" in config.read_text()


def test_a_file_that_cannot_be_edited_safely_is_left_alone(config: Path) -> None:
    config.parent.mkdir()
    dotted = "general.poll_interval = 300  # dotted key at the top\n"
    config.write_text(dotted)
    with pytest.raises(ConfigError) as info:
        set_value(config, "general.poll_interval", 120)
    assert "by hand" in str(info.value)
    assert config.read_text() == dotted


def test_broken_toml_is_reported_with_its_line_and_not_touched(config: Path) -> None:
    config.parent.mkdir()
    config.write_text("[general]\npoll_interval = = 3\n")
    with pytest.raises(ConfigError) as info:
        set_value(config, "general.poll_interval", 120)
    assert info.value.problems[0].line == 2
    assert config.read_text() == "[general]\npoll_interval = = 3\n"


def test_append_and_remove_accounts_keep_comments(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(PERSONAL + "\n[[accounts]]\n# the one I pay for\nname = 'home'\nsource = 'cli'\n")
    work = AccountSettings(name="work", source="cli", config_dir="~/.claude-work")
    append_account(config, work)
    assert [a.name for a in load_settings(config).accounts] == ["home", "work"]
    assert load_settings(config).accounts[1] == work
    remove_account(config, "home")
    text = config.read_text()
    assert load_settings(config).accounts == (work,)
    assert "# # the one I pay for" in text and "# name = 'home'" in text  # kept, commented out
    assert set(_comment_lines(PERSONAL)) <= set(_comment_lines(text))


def test_duplicate_and_missing_account_names_are_refused(config: Path) -> None:
    append_account(config, AccountSettings(name="work", source="web"))
    before = config.read_text()
    with pytest.raises(ConfigError, match="exists"):
        append_account(config, AccountSettings(name="work", source="cli"))
    with pytest.raises(ConfigError, match="no account named"):
        remove_account(config, "nobody")
    assert config.read_text() == before


def test_append_to_the_default_file_and_remove_again_means_defaults(config: Path) -> None:
    ensure_settings_file(config)
    append_account(config, AccountSettings(name="work", source="web", org="org-1"))
    assert load_settings(config).accounts == (AccountSettings(name="work", source="web", org="org-1"),)
    remove_account(config, "work")
    assert load_settings(config) == Settings()


# -- errors are shown the same everywhere --------------------------------------------------------


def test_problem_lines_name_file_line_and_key(config: Path) -> None:
    text = "[general]\npoll_interval = 30\n\n[[accounts]]\nname = 'a'\n\n[[accounts]]\nname = 'b'\nsource = 'nope'\n"
    with pytest.raises(ConfigError) as info:
        parse_settings(text, str(config))
    assert problem_lines(info.value) == (
        f"{config}:2: [general.poll_interval] poll_interval is 30 s; the minimum is 60 s (be polite to the API)",
        f"{config}:9: [accounts.source] must be one of auto, cli, keychain, web, statusline; got 'nope'",
    )


# -- opening the file ----------------------------------------------------------------------------


def _recording_editor(tmp_path: Path) -> tuple[Path, Path]:
    """A real executable that records its argv and appends a line, like a person saving."""
    log = tmp_path / "editor.log"
    script = tmp_path / "fake editor"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(log)!r}, 'a').write(repr(sys.argv[1:]) + '\\n')\n"
        "open(sys.argv[-1], 'a').write('# touched by the editor\\n')\n"
    )
    script.chmod(0o755)
    return script, log


def test_open_in_editor_runs_visual_before_editor_with_its_arguments(config: Path, tmp_path: Path) -> None:
    script, log = _recording_editor(tmp_path)
    env = {"VISUAL": f"'{script}' --wait", "EDITOR": "false"}
    assert open_in_editor(config, env=env) == 0
    assert log.read_text() == repr(["--wait", str(config)]) + "\n"
    assert config.read_text().endswith("# touched by the editor\n")  # the default was there first


def only(*names: str) -> Callable[[str], str | None]:
    """A PATH lookup that finds just these programs."""
    return lambda name: f"/usr/bin/{name}" if name in names else None


def test_open_with_desktop_uses_each_platforms_opener(config: Path) -> None:
    calls: list[list[str]] = []

    def spawn(argv: object) -> int:
        calls.append(list(argv))  # type: ignore[call-overload]
        return 0

    opened: list[str] = []
    open_with_desktop(config, platform="linux", spawn=spawn, which=only("xdg-open", "gio"))
    open_with_desktop(config, platform="linux", spawn=spawn, which=only("gio"))  # no xdg-utils: GLib's
    open_with_desktop(config, platform="darwin", spawn=spawn)
    open_with_desktop(config, platform="win32", spawn=spawn, startfile=opened.append)
    assert calls == [["xdg-open", str(config)], ["gio", "open", str(config)], ["open", "-t", str(config)]]
    assert opened == [str(config)]


def test_open_with_desktop_names_the_missing_opener(config: Path) -> None:
    def missing(argv: object) -> int:
        raise FileNotFoundError(2, "No such file or directory")

    with pytest.raises(ClaudeTrayError) as info:
        open_with_desktop(config, platform="linux", spawn=missing, which=only())
    assert info.value.message == f"cannot open {config}: xdg-open is not installed"
    assert "No such file" not in info.value.message
    assert info.value.hint == f"install xdg-utils, or open {config} in your editor"
    with pytest.raises(ClaudeTrayError) as vanished:  # found on PATH, gone by the time it runs
        open_with_desktop(config, platform="linux", spawn=missing, which=only("xdg-open"))
    assert vanished.value.message == f"cannot open {config}: xdg-open is not installed"


def test_config_edit_without_editor_or_opener_runs_a_known_editor(config: Path, tmp_path: Path) -> None:
    script, log = _recording_editor(tmp_path)
    found = {"nano": str(script)}
    assert open_in_editor(config, env={}, which=found.get, platform="linux") == 0
    assert log.read_text() == repr([str(config)]) + "\n"


def test_open_with_desktop_really_runs_xdg_open_from_path(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script, log = _recording_editor(tmp_path)
    (bindir / "xdg-open").symlink_to(script)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    open_with_desktop(config, platform="linux")
    deadline = time.monotonic() + 10
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert log.read_text() == repr([str(config)]) + "\n"


# -- the watcher ---------------------------------------------------------------------------------


def test_watcher_reports_changes_once_the_file_holds_still(config: Path) -> None:
    ensure_settings_file(config)
    watcher = SettingsWatcher(config)
    first = watcher.check()
    assert first == Settings() and watcher.good == first
    assert watcher.check() is None  # nothing changed: one stat, no parse
    set_value(config, "general.poll_interval", 120)
    assert watcher.check() is None  # just changed: wait one check for the editor to finish
    new = watcher.check()
    assert isinstance(new, Settings) and new.poll_interval == 120
    assert watcher.check() is None


def test_watcher_keeps_the_last_good_settings_through_an_invalid_edit(config: Path) -> None:
    ensure_settings_file(config)
    watcher = SettingsWatcher(config)
    good = watcher.check()
    config.write_text(config.read_text().replace("poll_interval = 300", "poll_interval = 10"))
    assert watcher.check() is None
    error = watcher.check()
    assert isinstance(error, ConfigError)
    assert problem_lines(error)[0].startswith(f"{config}:")
    assert watcher.good == good
    assert watcher.check() is None  # reported once, not on every check


def test_watcher_loads_only_when_the_signature_changes() -> None:
    signatures = iter([(1, 10, 7), (1, 10, 7), (2, 11, 7), (2, 11, 7), (2, 11, 7)])
    loads: list[Path] = []

    def load(path: Path) -> Settings:
        loads.append(path)
        return dataclasses.replace(Settings(), schema_version=1)

    watcher = SettingsWatcher(Path("x.toml"), stat=lambda _p: next(signatures), load=load)
    results = [watcher.check() for _ in range(5)]
    assert [r is not None for r in results] == [True, False, False, True, False]
    assert len(loads) == 2


# -- claude-tray config path|show|check|edit, as a person runs them -------------------------------


def _config(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "config", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_config_command_path_show_check(isolated_home: Path) -> None:
    default = isolated_home / ".config" / "claude-tray" / "config.toml"
    assert _config("path").stdout == f"{default}\n"
    check = _config("check")
    assert (check.returncode, check.stdout) == (0, f"{default}: OK (no file: defaults)\n")
    assert not default.exists()  # checking writes nothing
    ensure_settings_file(default)
    set_value(default, "general.poll_interval", 600)
    shown = _config("show")
    assert shown.returncode == 0
    effective = tomllib.loads(shown.stdout)
    assert effective["general"]["poll_interval"] == 600
    assert effective["notifications"]["thresholds"] == [80.0, 95.0]
    default.write_text("[general]\npoll_interval = 'soon'\n")
    for action in ("check", "show"):
        bad = _config(action)
        assert bad.returncode == 1
        assert bad.stderr == f"{default}:2: [general.poll_interval] must be a number, got str 'soon'\n"


def test_config_edit_runs_the_editor_then_checks(tmp_path: Path, isolated_home: Path) -> None:
    config = isolated_home / ".config" / "claude-tray" / "config.toml"
    script, log = _recording_editor(tmp_path)
    edited = _config("edit", env={"EDITOR": shlex.quote(str(script)), "VISUAL": ""})  # shell words
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout == f"{config}: OK\n"
    assert log.read_text() == repr([str(config)]) + "\n"
    assert config.read_text().startswith("# claude-tray settings")  # the commented default came first
    breaker = tmp_path / "breaker"
    breaker.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[-1], 'a').write('[oops\\n')\n")
    breaker.chmod(0o755)
    broken = _config("edit", env={"EDITOR": str(breaker), "VISUAL": ""})
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"{config}:") and "not valid TOML" in broken.stderr


def test_config_check_warns_about_a_ring_no_reading_reports(isolated_home: Path) -> None:
    from datetime import UTC, datetime

    from claude_tray.usage.history import History, Reading, default_path

    default = isolated_home / ".config" / "claude-tray" / "config.toml"
    ensure_settings_file(default)
    assert _config("check").stderr == "", "the default rings are known keys"
    set_value(default, "icon.outer", "five_hours")
    check = _config("check")
    assert check.returncode == 0 and check.stdout == f"{default}: OK\n"
    assert check.stderr.startswith("warning: [icon] outer = 'five_hours' is not a window claude-tray knows;")
    assert "five_hour, " in check.stderr and "inner" not in check.stderr
    now = datetime.now(UTC)
    History(default_path()).append(
        [Reading("default", "seven_day_opus", "Opus weekly", 3.0, None, now, "cli")]
    )
    set_value(default, "icon.outer", "seven_day_opus")
    with_history = _config("check")  # now the plan's own reported keys are the list
    assert "outer" not in with_history.stderr
    assert "[icon] inner = 'seven_day' is not a window the stored readings report" in with_history.stderr
    assert "(window keys: seven_day_opus)" in with_history.stderr
