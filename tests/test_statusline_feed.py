"""The stdlib-only status-line feed agrees with what earlier versions wrote, and writes safely."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

import pytest

from claude_tray.claude_code.statusline_feed import absolute_dir, config_key, replace_file


def path_rule(config_dir: Path) -> str:
    """How records were keyed before the feed dropped pathlib (kept here as the reference)."""
    return unicodedata.normalize("NFC", os.path.normpath(config_dir.expanduser().absolute()))


@pytest.mark.parametrize(
    "given",
    ["~/.claude", "~/.claude/", "work/../work", "./c", "a//b", "/abs/./x/", "//double", "Cafe\u0301"],
)
def test_config_keys_match_the_earlier_pathlib_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """A record or install backup written by an earlier version is still found under the same name."""
    monkeypatch.chdir(tmp_path)
    assert absolute_dir(given) == absolute_dir(Path(given)) == path_rule(Path(given))
    expected = hashlib.sha256(path_rule(Path(given)).encode()).hexdigest()[:16]
    assert config_key(given) == config_key(Path(given)) == expected


def test_replace_file_leaves_the_old_file_or_the_new_one_and_no_temp(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    target = folder / "record.json"
    target.write_bytes(b"old")
    replace_file(target, b"new", 0o640, durable=True)
    assert (target.read_bytes(), target.stat().st_mode & 0o777) == (b"new", 0o640)
    blocked = folder / "a-directory"
    (blocked / "inside").mkdir(parents=True)  # os.replace cannot put a file over a non-empty dir
    with pytest.raises(OSError):
        replace_file(blocked, b"data")
    assert sorted(p.name for p in folder.iterdir()) == ["a-directory", "record.json"]  # temp removed


def test_replace_file_never_writes_through_a_planted_temp_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A temp name that already exists (here a symlink to another file) is skipped, not followed."""
    folder = tmp_path / "store"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    planted = folder / f".record.json.{'00' * 6}.tmp"
    planted.symlink_to(victim)
    draws = iter([b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    replace_file(folder / "record.json", b"x")
    assert (victim.read_bytes(), (folder / "record.json").read_bytes()) == (b"keep", b"x")
    assert sorted(p.name for p in folder.iterdir()) == [planted.name, "record.json"]


def test_ctrl_c_while_waiting_for_stdin_exits_130_as_before(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fast path keeps the CLI's Ctrl-C contract (exit 130, no traceback)."""
    from claude_tray.cli import main

    class Interrupted:
        def read(self) -> bytes:
            raise KeyboardInterrupt

    class Stdin:
        buffer = Interrupted()

    monkeypatch.setattr("sys.stdin", Stdin())
    assert main(["statusline"]) == 130
    assert capsys.readouterr() == ("", "")
