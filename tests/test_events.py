"""Event commands (``[events] command``): a real recorder program as the command, run by
``claude-tray watch`` against the loopback API and by the tray's poller on a fake clock.

The recorder is a small Python script that appends one JSON line per run (its argv, the
``CLAUDE_TRAY_*`` variables and the document read from stdin) to a file, so every test reads
what a person's script would have seen.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from claude_tray.app.parts.live import build_live
from claude_tray.errors import ConfigError, RateLimited
from claude_tray.model import (
    AccountStatus,
    Health,
    SourceKind,
    StatusChange,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.notifiers.events import CommandRunner, EventJob, EventListener, event_environment
from claude_tray.notifiers.rules import Notice, NoticeKind
from claude_tray.poller.poller import Poller
from claude_tray.settings.file import ensure_settings_file
from claude_tray.settings.model import EventSettings, GeneralSettings, NotificationSettings, Settings
from claude_tray.settings.schema import parse_settings
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply
from tests.support.polling import Reading, ScriptedFetcher, run_for
from tests.support.watch import WatchProcess, write_credentials

USAGE = "/api/oauth/usage"

RECORDER = """\
import json, os, sys
record = {
    "argv": sys.argv[1:],
    "env": {k: v for k, v in os.environ.items() if k.startswith("CLAUDE_TRAY_")},
    "stdin": json.loads(sys.stdin.read()),
}
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(record) + "\\n")
"""


def recorder(tmp_path: Path) -> tuple[tuple[str, ...], Path]:
    script = tmp_path / "recorder.py"
    script.write_text(RECORDER, encoding="utf-8")
    out = tmp_path / "events.jsonl"
    return (sys.executable, str(script), str(out)), out


def records(out: Path) -> list[dict[str, Any]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def wait_until(done: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Bounded wait on real subprocesses and the real clock."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not done():
        assert time.monotonic() < deadline, what
        pause.wait(0.05)


def wait_for_records(out: Path, n: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    wait_until(lambda: len(records(out)) >= n, f"fewer than {n} event runs: {records(out)}", timeout)
    return records(out)


def summary(found: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    keys = ("CLAUDE_TRAY_EVENT", "CLAUDE_TRAY_WINDOW", "CLAUDE_TRAY_UTILIZATION", "CLAUDE_TRAY_LEVEL")
    return [tuple(r["env"][k] for k in keys) for r in found]  # type: ignore[misc]


# -- the schema ------------------------------------------------------------------------------


def test_events_settings_are_validated() -> None:
    settings = parse_settings('[events]\ncommand = ["paplay", "/tmp/bell.oga"]\ntimeout = 5\n')
    assert settings.events == EventSettings(("paplay", "/tmp/bell.oga"), 5.0)
    assert parse_settings("").events.command == ()
    for bad, words in (
        ('command = "notify-send hi"', "must be a list"),  # a string would need a shell to split
        ("command = [1, 2]", "program and its arguments as strings"),
        ('command = ["", "x"]', "program and its arguments as strings"),
        ('command = ["a\\u0000b"]', "NUL"),
        ("timeout = 0", "between 1 and 300"),
        ("shell = true", "unknown setting 'shell'"),
    ):
        with pytest.raises(ConfigError) as caught:
            parse_settings(f"[events]\n{bad}\n")
        assert words in str(caught.value), bad
        assert caught.value.problems[0].line == 2


# -- from `claude-tray watch` --------------------------------------------------------------------


def _body(five_hour: float) -> bytes:
    soon = datetime.now(UTC) + timedelta(hours=3)
    week = datetime.now(UTC) + timedelta(days=4)
    return json.dumps(
        {
            "five_hour": {"utilization": five_hour, "resets_at": soon.isoformat()},
            "seven_day": {"utilization": 20.0, "resets_at": week.isoformat()},
        }
    ).encode()


def test_watch_runs_the_command_once_per_crossing_and_not_at_start_up(
    server: LoopbackServer, tmp_path: Path, isolated_home: Path
) -> None:
    argv, out = recorder(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(
        "[general]\npoll_interval = 0.5\n[notifications]\nenabled = false\n"
        f"[events]\ncommand = {json.dumps(argv)}\n",
        encoding="utf-8",
    )
    write_credentials(isolated_home, "sk-ant-oat01-events-test-token")
    server.script(
        USAGE,
        Reply(200, body=_body(85.0)),  # already past 80 % at start-up: arms, runs nothing
        Reply(200, body=_body(85.0)),
        Reply(200, body=_body(96.0)),  # crosses 95 %
        Reply(429, {"Retry-After": "1"}, body=b'{"error": {"type": "rate_limit_error"}}'),
        Reply(200, body=_body(96.0)),
        Reply(200, body=_body(10.0)),  # the reset
    )
    env = {
        "CLAUDE_TRAY_MIN_INTERVAL": "0.5",
        "CLAUDE_TRAY_CONFIG": str(config),
        "CLAUDE_TRAY_API_BASE": server.url,
    }
    with WatchProcess("--format", "json", env=env) as watch:
        watch.next_doc(lambda d: d["health"] == "rate_limited", timeout=20)
        found = wait_for_records(out, 3, timeout=20)
        requests = server.count(USAGE)
        assert server.wait_for_count(requests + 3, USAGE, timeout=20)  # more readings, same numbers
        assert watch.stop() == 0
    found = records(out)
    assert summary(found) == [
        ("threshold", "five_hour", "96", "95"),
        ("rate_limited", "", "", ""),
        ("refill", "five_hour", "10", ""),
    ]
    threshold = found[0]
    assert threshold["argv"] == [str(out)]
    assert threshold["env"]["CLAUDE_TRAY_ACCOUNT"] == "default"
    resets_at = datetime.fromisoformat(threshold["env"]["CLAUDE_TRAY_RESETS_AT"])
    assert timedelta(hours=2) < resets_at - datetime.now(UTC) < timedelta(hours=3)
    doc = threshold["stdin"]
    assert (doc["event"], doc["window"], doc["utilization"], doc["level"]) == (
        "threshold",
        "five_hour",
        96.0,
        95.0,
    )
    assert doc["resets_at"] == threshold["env"]["CLAUDE_TRAY_RESETS_AT"]
    assert doc["urgency"] == "critical" and "5-hour" in doc["title"]


# -- from the tray's poller (fake clock) ---------------------------------------------------------


def test_the_tray_poller_runs_the_command_once_per_edge(clock: FakeClock, tmp_path: Path) -> None:
    argv, out = recorder(tmp_path)
    settings = Settings(
        general=GeneralSettings(poll_interval=300.0),
        notifications=NotificationSettings(usage=False, refill=False, login=False),  # events need none
        events=EventSettings(command=argv),
    )
    fetcher = ScriptedFetcher(
        "work",
        clock,
        Reading(five_hour=90.0),  # start-up: past 80 % already, nothing runs
        Reading(five_hour=90.0),
        Reading(five_hour=97.0),
        RateLimited("429", retry_after=60.0),
        Reading(five_hour=97.0),
        Reading(five_hour=3.0),
    )
    poller = Poller((fetcher,), settings, clock=clock, rng=random.Random(1))
    path = tmp_path / "config.toml"
    ensure_settings_file(path)
    live = build_live(path, settings, clock, apply=lambda _s: None, notifier=_Silent())  # what app_part wires
    poller.add_listener(live.listener)
    try:
        run_for(poller, clock, 3 * 3600)
        found = wait_for_records(out, 3)
        run_for(poller, clock, 3 * 3600)  # many more readings of the same numbers
    finally:
        live.close()  # joins the events thread: every queued run has finished or was stopped
    assert fetcher.calls > 10
    assert summary(records(out)) == [
        ("threshold", "five_hour", "97", "95"),
        ("rate_limited", "", "", ""),
        ("refill", "five_hour", "3", ""),
    ]
    assert found[0]["env"]["CLAUDE_TRAY_ACCOUNT"] == "work"
    assert found[1]["stdin"]["account"] == "work" and found[1]["stdin"]["window"] is None


class _Silent:
    def send(self, notice: Notice) -> None:
        raise AssertionError(f"notifications are off, yet {notice} was sent")

    def close(self) -> None:
        pass


def test_an_invalid_settings_edit_runs_the_command_once(tmp_path: Path, clock: FakeClock) -> None:
    argv, out = recorder(tmp_path)
    listener = EventListener(Settings(events=EventSettings(command=argv)), clock)
    error = _config_error()
    try:
        listener.settings_invalid(error)
        listener.settings_invalid(error)  # the same file saved again
        wait_for_records(out, 1)
    finally:
        listener.close()
    [run] = records(out)
    assert run["env"]["CLAUDE_TRAY_EVENT"] == "settings_invalid"
    assert "poll_interval" in run["stdin"]["message"]


def _config_error() -> ConfigError:
    try:
        parse_settings("[general]\npoll_interval = 1\n")
    except ConfigError as err:
        return err
    raise AssertionError("a 1 s interval was accepted")


def test_no_command_means_no_thread_and_no_run(clock: FakeClock) -> None:
    listener = EventListener(Settings(), clock)
    snapshot = _snapshot(clock, 50.0)
    listener(StatusChange(None, _status(snapshot)))
    listener(StatusChange(None, _status(_snapshot(clock, 99.0))))
    assert not any(t.name == "claude-tray-events" for t in threading.enumerate())
    listener.close()


def _snapshot(clock: FakeClock, value: float) -> UsageSnapshot:
    now = clock.now()
    window = UsageWindow("five_hour", "5-hour", value, now + timedelta(hours=1), WindowGroup.SESSION)
    return UsageSnapshot(account="default", source=SourceKind.CLI, fetched_at=now, windows=(window,))


def _status(snapshot: UsageSnapshot) -> AccountStatus:
    return AccountStatus(account="default", health=Health.FRESH, snapshot=snapshot)


# -- the runner ----------------------------------------------------------------------------------

HANGS = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
with open(sys.argv[1], "w") as out:
    out.write(f"{os.getpid()} {child.pid}")
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a container's init to reap it counts as gone)."""
    if not Path("/proc/self").exists():  # macOS, BSD: no zombie check, only existence
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _job(argv: tuple[str, ...], timeout: float = 10.0) -> EventJob:
    return EventJob(argv, {"CLAUDE_TRAY_EVENT": "threshold"}, b"{}", timeout, "threshold")


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_a_hanging_command_and_what_it_started_are_stopped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script, pids = tmp_path / "hang.py", tmp_path / "pids"
    script.write_text(HANGS, encoding="utf-8")
    runner = CommandRunner()
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING):
            runner.submit(_job((sys.executable, str(script), str(pids)), timeout=1.0))
            wait_until(lambda: pids.exists() and bool(pids.read_text()), "the command never started")
            leader, child = map(int, pids.read_text().split())
            wait_until(lambda: "did not finish within 1 s" in caplog.text, "the command was never stopped")
    finally:
        runner.close()
    assert time.monotonic() - started < 15
    assert not _alive(leader)
    wait_until(lambda: not _alive(child), "what the command started outlived it", timeout=5)  # its group
    assert runner.runs == 1  # never retried


def test_a_failing_command_is_logged_once_and_not_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    count = tmp_path / "count"
    fails = (sys.executable, "-c", f"open({str(count)!r}, 'a').write('x'); raise SystemExit(3)")
    runner = CommandRunner()
    with caplog.at_level(logging.DEBUG, logger="claude_tray.notifiers.events"):
        runner.submit(_job(fails))
        runner.submit(_job(fails))
        runner.submit(_job(("/nonexistent/program",)))
        wait_until(lambda: "cannot start" in caplog.text, "the third event never ran")
        runner.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        f"event command for threshold: {sys.executable!r} exited with status 3 (not retried)"
    ]
    assert count.read_text() == "xx"  # one run per event
    assert "cannot start '/nonexistent/program'" in caplog.text


def test_server_text_stays_data() -> None:
    notice = Notice(
        NoticeKind.THRESHOLD,
        "t",
        "b",
        account="work",
        window="five_hour$(touch /tmp/pwned)\0",
        utilization=95.5,
        level=95.0,
    )
    env = event_environment(notice)
    assert env["CLAUDE_TRAY_WINDOW"] == "five_hour$(touch /tmp/pwned)"  # no NUL: the OS would refuse it
    assert env["CLAUDE_TRAY_UTILIZATION"] == "95.5" and env["CLAUDE_TRAY_RESETS_AT"] == ""


def test_a_command_added_by_a_settings_edit_runs_from_the_next_edge(tmp_path: Path, clock: FakeClock) -> None:
    argv, out = recorder(tmp_path)
    path = tmp_path / "config.toml"
    ensure_settings_file(path)
    live = build_live(
        path, parse_settings(path.read_text()), clock, apply=lambda _s: None, notifier=_Silent()
    )
    try:
        live.events(StatusChange(None, _status(_snapshot(clock, 50.0))))
        live.events(StatusChange(None, _status(_snapshot(clock, 85.0))))  # no command yet: nothing runs
        path.write_text(path.read_text().replace("command = []", f"command = {json.dumps(argv)}"))
        stat = path.stat()  # a save within the same mtime tick as the first write still differs
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        live.check()  # sees the change
        live.check()  # the file held still: applies it
        live.events(StatusChange(None, _status(_snapshot(clock, 85.0))))  # no new edge: no backlog
        live.events(StatusChange(None, _status(_snapshot(clock, 97.0))))
        found = wait_for_records(out, 1)
    finally:
        live.close()
    assert summary(found) == [("threshold", "five_hour", "97", "95")]
    assert len(records(out)) == 1


def test_a_burst_behind_a_slow_command_is_bounded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    started = tmp_path / "started"
    slow = (sys.executable, "-c", f"open({str(started)!r}, 'a').write('x'); import time; time.sleep(30)")
    runner = CommandRunner(max_queued=2)
    try:
        with caplog.at_level(logging.WARNING):
            runner.submit(_job(slow))
            wait_until(lambda: started.exists(), "the first command never started")
            for _ in range(10):
                runner.submit(_job(slow))  # the poller's thread is never held up
    finally:
        runner.close()  # stops the running one, drops the queued ones, joins
    assert caplog.text.count("still busy; the threshold event is dropped") == 8
    assert runner.runs == 1 and started.read_text() == "x"
