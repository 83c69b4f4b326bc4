"""Settings hot reload: the reloader as a unit, then a running `claude-tray watch` end to end."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from claude_tray.errors import ConfigError
from claude_tray.live import build_live
from claude_tray.notify import Notice, NoticeKind
from claude_tray.settings import Settings, load_settings
from claude_tray.settings_file import ensure_settings_file, set_value
from tests.support.clock import FakeClock


class Recorder:
    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def send(self, notice: Notice) -> None:
        self.sent.append(notice)

    def close(self) -> None:
        pass


def _saved(path: Path, edit: Callable[[str], str]) -> None:
    """Save like an editor would; bump the mtime so two saves within one tick still differ."""
    path.write_text(edit(path.read_text()))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def _settle(check: Callable[[], None]) -> None:
    check()  # sees the change
    check()  # the file held still: acts


def test_reload_applies_good_edits_and_reports_bad_ones_once(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "config.toml"
    ensure_settings_file(path)
    applied: list[Settings] = []
    shown: list[str | None] = []
    recorder = Recorder()
    live = build_live(
        path, load_settings(path), clock, apply=applied.append, notifier=recorder, show_problem=shown.append
    )
    live.check()
    assert applied == [] and shown == [] and recorder.sent == []  # what runs is what the file says

    set_value(path, "general.poll_interval", 120)
    _settle(live.check)
    assert [s.poll_interval for s in applied] == [120]

    _saved(path, lambda t: t.replace("poll_interval = 120", "poll_interval = 5"))
    _settle(live.check)
    assert [s.poll_interval for s in applied] == [120]  # nothing applied: the old settings run on
    assert live.reloader.current.poll_interval == 120
    number = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("poll_interval")
    )
    line = f"{path}:{number}: [general.poll_interval] poll_interval is 5 s; the minimum is 60 s (be polite to the API)"
    assert shown == [line]
    assert [(n.kind, n.body.splitlines()[0]) for n in recorder.sent] == [(NoticeKind.SETTINGS_INVALID, line)]

    _saved(path, lambda t: t + "# the same mistake, saved again\n")
    _settle(live.check)
    assert len(recorder.sent) == 1  # said once

    _saved(path, lambda t: t.replace("poll_interval = 5", "poll_interval = 120"))
    _settle(live.check)
    assert shown == [line, None]  # the state line goes away
    assert [s.poll_interval for s in applied] == [120]  # same as running: nothing to apply

    _saved(path, lambda t: t.replace("poll_interval = 120", "poll_interval = = 1"))
    _settle(live.check)
    assert "not valid TOML" in recorder.sent[-1].body and len(recorder.sent) == 2


def test_comment_only_edits_apply_nothing(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "config.toml"
    ensure_settings_file(path)
    applied: list[Settings] = []
    live = build_live(path, load_settings(path), clock, apply=applied.append, notifier=Recorder())
    live.check()
    _saved(path, lambda t: "# my notes\n" + t)
    _settle(live.check)
    assert applied == []


def test_starting_on_an_invalid_file_reports_it_at_the_first_check(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[general]\npoll_interval = 1\n")
    shown: list[str | None] = []
    recorder = Recorder()
    live = build_live(
        path, Settings(), clock, apply=lambda s: None, notifier=recorder, show_problem=shown.append
    )
    live.check()
    assert shown == [
        f"{path}:2: [general.poll_interval] poll_interval is 1 s; the minimum is 60 s (be polite to the API)"
    ]
    assert [n.kind for n in recorder.sent] == [NoticeKind.SETTINGS_INVALID]
    assert isinstance(live.reloader.problem, ConfigError)
