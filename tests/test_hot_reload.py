"""Settings hot reload: the reloader as a unit, then a running `claude-tray watch` end to end."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.app.parts.live import build_live
from claude_tray.errors import ConfigError
from claude_tray.notifiers.rules import Notice, NoticeKind
from claude_tray.settings.file import ensure_settings_file, set_value
from claude_tray.settings.model import Settings
from claude_tray.settings.schema import load_settings
from claude_tray.tray.menu import TrayView
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import WatchProcess, write_credentials


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


# -- the tray app: the real App, poller and part; only the tray widget is a stand-in -------------


class StandInTray:
    """Records every view the app applies; its run() plays the person, on the main thread."""

    def __init__(self, view: TrayView, scenario: Callable[[StandInTray], None]) -> None:
        self.views = [view]
        self.changed = threading.Condition()
        self._scenario = scenario

    def apply(self, view: TrayView) -> None:
        with self.changed:
            self.views.append(view)
            self.changed.notify_all()

    def run(self) -> None:
        self._scenario(self)  # returning is Quit

    def stop(self) -> None:
        pass

    def wait_for(self, predicate: Callable[[TrayView], bool], timeout: float = 10.0) -> TrayView:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self.views[-1]):
                left = deadline - time.monotonic()
                assert left > 0, f"no such view; last menu: {[e.label for e in self.views[-1].menu]}"
                self.changed.wait(left)
            return self.views[-1]


def _first_label(view: TrayView) -> str:
    return view.menu[0].label


def test_the_tray_app_shows_a_bad_file_and_applies_the_fixed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_tray.app.core import App
    from claude_tray.app.parts import PART_FACTORIES
    from claude_tray.clock import SystemClock
    from claude_tray.poller.poller import Poller
    from claude_tray.usage.fetch import build_fetchers

    path = tmp_path / "config.toml"
    monkeypatch.setenv("CLAUDE_TRAY_CONFIG", str(path))
    monkeypatch.setenv("CLAUDE_TRAY_MIN_INTERVAL", "0.5")  # reload checks every 0.1 s
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")  # never a real desktop
    ensure_settings_file(path)
    settings = load_settings(path)
    clock = SystemClock()
    _saved(path, lambda t: t.replace("poll_interval = 300", "poll_interval = 0.1"))

    def person(tray: StandInTray) -> None:
        bad = tray.wait_for(lambda v: _first_label(v).startswith("Settings not applied"))
        assert f"{path}:" in _first_label(bad) and "[general.poll_interval]" in _first_label(bad)
        assert app.settings.poll_interval == 300  # still the old settings
        _saved(path, lambda t: t.replace("poll_interval = 0.1", "poll_interval = 90"))
        # the app thread switches settings, then rebuilds the view: the view that shows it comes after
        tray.wait_for(
            lambda v: (
                not _first_label(v).startswith("Settings not applied") and app.settings.poll_interval == 90
            )
        )
        assert poller.policy.interval == 90

    poller = Poller(build_fetchers(settings, clock), settings, clock=clock, rng=random.Random(0))
    app = App(
        settings,
        poller=poller,
        clock=clock,
        make_tray=lambda view, _send, _ready: StandInTray(view, person),  # type: ignore[arg-type,return-value]
        fetchers_for=lambda s: build_fetchers(s, clock),
        open_url=lambda _url: None,
        edit_settings=lambda: None,
        parts=PART_FACTORIES,
    )
    assert app.run() == 0


# -- `claude-tray watch` as a real subprocess against the loopback API --------------------------

USAGE = "/api/oauth/usage"


def _usage_body(five_hour: float) -> bytes:
    resets = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    return json.dumps({"five_hour": {"utilization": five_hour, "resets_at": resets}}).encode()


def _request_times(server: LoopbackServer) -> list[float]:
    return [r.at for r in server.seen if r.path.split("?")[0] == USAGE]


def _gaps_after(server: LoopbackServer, since: float) -> list[float]:
    times = [t for t in _request_times(server) if t >= since]
    return [b - a for a, b in itertools.pairwise(times)]


def test_running_watch_picks_up_an_edited_interval_and_survives_an_invalid_one(
    server: LoopbackServer, tmp_path: Path, isolated_home: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# my settings\n[general]\npoll_interval = 0.25  # fast, for the test\n")
    write_credentials(isolated_home, "sk-ant-oat01-hot-reload-test-token")
    server.script(USAGE, Reply(200, body=_usage_body(12.0)))
    env = {
        "CLAUDE_TRAY_MIN_INTERVAL": "0.25",
        "CLAUDE_TRAY_CONFIG": str(config),
        "CLAUDE_TRAY_API_BASE": server.url,
    }
    with WatchProcess("--format", "json", env=env) as watch:
        watch.next_doc(lambda doc: doc["health"] == "fresh")
        assert server.wait_for_count(4, USAGE)  # polling every 0.25 s
        assert max(_gaps_after(server, 0.0)) < 1.0

        _saved(config, lambda t: t.replace("poll_interval = 0.25", "poll_interval = 1.0"))
        edited = time.monotonic()
        assert server.wait_for_count(len(_request_times(server)) + 3, USAGE, timeout=10)
        slow = _gaps_after(server, edited + 0.8)  # reload within ~0.2 s; one short wait may be in flight
        assert slow and min(slow) >= 1.0, slow  # the new interval, without a restart

        _saved(config, lambda t: t.replace("poll_interval = 1.0", "poll_interval = 0.01"))
        broken = time.monotonic()
        assert server.wait_for_count(len(_request_times(server)) + 2, USAGE, timeout=10)
        kept = _gaps_after(server, broken)
        assert kept and min(kept) >= 1.0, kept  # still the last good interval, not 0.01 s
        assert watch.proc is not None and watch.proc.poll() is None  # still running

        check = subprocess.run(
            [sys.executable, "-m", "claude_tray", "config", "check"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        number = next(
            i for i, text in enumerate(config.read_text().splitlines(), 1) if "poll_interval" in text
        )
        expected = (
            f"{config}:{number}: [general.poll_interval] poll_interval is 0.01 s; the minimum is 0.25 s"
        )
        assert check.returncode == 1
        assert check.stderr.startswith(expected)
        assert watch.stop() == 0
    assert any(expected in line for line in watch.stderr), watch.stderr  # the daemon said the same
    assert "# my settings" in config.read_text()  # nothing rewrote the person's file
