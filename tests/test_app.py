"""The composition root with real parts (poller, fetchers, loopback API, signals); only the tray
widget is a stand-in whose ``run()`` plays the person on the main thread, as pystray's would."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from claude_tray.app.core import AUTOSTART_CHECK, App, AutostartControl
from claude_tray.app.part import Part
from claude_tray.clock import SystemClock
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import AccountSettings
from claude_tray.settings.schema import parse_settings
from claude_tray.tray.icon import Command
from claude_tray.tray.menu import USAGE_PAGE, Action, TrayView
from claude_tray.usage.fetch import build_fetchers
from tests.support.http import LoopbackServer, Reply
from tests.support.watch import write_credentials

USAGE = "/api/oauth/usage"
BODY = b'{"five_hour": {"utilization": 42.0, "resets_at": null}, "seven_day": {"utilization": 7.0}}'
# the app keeps its HTTP connection open until the process exits; here the server closes it
# after each reply, so its handler thread ends with the test
OK = Reply(200, {"Connection": "close"}, BODY)


class StandInTray:
    """Records applied views; ``run()`` runs the scenario and returns when ``stop()`` is called."""

    def __init__(self, view: TrayView, scenario: Callable[[StandInTray], None]) -> None:
        self.views = [view]
        self.changed = threading.Condition()
        self.stopped = threading.Event()
        self._scenario = scenario

    def apply(self, view: TrayView) -> None:
        with self.changed:
            self.views.append(view)
            self.changed.notify_all()

    def run(self) -> None:
        self._scenario(self)
        assert self.stopped.wait(10), "the app never stopped the tray"

    def stop(self) -> None:
        self.stopped.set()

    def labels(self) -> list[str]:
        return [e.label for e in self.views[-1].menu if not e.separator]

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate(self.labels()):
                left = deadline - time.monotonic()
                assert left > 0, f"no such menu; last one: {self.labels()}"
                self.changed.wait(left)
            return self.labels()


class Desktop:
    """What the app may do to the desktop, recorded instead of done."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.edits = 0
        self.autostart = False
        self.edit: Callable[[], None] = self._count_edit

    def _count_edit(self) -> None:
        self.edits += 1

    def set_autostart(self, on: bool) -> None:
        self.autostart = on


def make_app(
    server: LoopbackServer,
    home: Path,
    scenario: Callable[[App, StandInTray], None],
    desktop: Desktop,
    *,
    accounts: tuple[AccountSettings, ...] = (AccountSettings(),),
    parts: tuple[Callable[[App], Part | None], ...] = (),
) -> App:
    write_credentials(home, "sk-ant-oat01-app-test")
    os.environ["CLAUDE_TRAY_MIN_INTERVAL"] = "1"  # undone by the isolated_home fixture
    settings = replace(parse_settings(f'[network]\napi_base = "{server.url}"\n'), accounts=accounts)
    settings = replace(settings, general=replace(settings.general, poll_interval=3600))
    clock = SystemClock()
    fetchers = build_fetchers(settings, clock)
    app = App(
        settings,
        poller=Poller(fetchers, settings, clock=clock, rng=random.Random(0)),
        clock=clock,
        make_tray=lambda view, _send, _ready: StandInTray(view, lambda tray: scenario(app, tray)),  # type: ignore[arg-type,return-value]
        fetchers_for=lambda s: build_fetchers(s, clock),
        open_url=desktop.opened.append,
        edit_settings=lambda: desktop.edit(),
        autostart=AutostartControl(lambda: desktop.autostart, desktop.set_autostart),
        parts=parts,
    )
    return app


def _checkbox(view: TrayView) -> bool | None:
    return next(e.checked for e in view.menu if e.action is Action.TOGGLE_AUTOSTART)


@pytest.fixture
def desktop() -> Desktop:
    return Desktop()


def test_menu_commands_do_what_they_say(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: "5-hour: 42%" in labels)
        assert server.count(USAGE) == 1
        app.send(Command(Action.REFRESH))
        assert server.wait_for_count(2, USAGE)
        app.send(Command(Action.OPEN_USAGE_PAGE))
        app.send(Command(Action.EDIT_SETTINGS))
        app.send(Command(Action.TOGGLE_AUTOSTART))
        # the checkbox is read back from the (stand-in) entry each time the view is built
        tray.wait_for(lambda _labels: _checkbox(tray.views[-1]) is True)
        assert desktop.autostart
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop).run() == 0
    assert desktop.opened == [USAGE_PAGE] and desktop.edits == 1


def test_hide_and_show_all_are_local(server: LoopbackServer, isolated_home: Path, desktop: Desktop) -> None:
    server.script(USAGE, OK)
    accounts = (AccountSettings(name="work"), AccountSettings(name="home"))

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: labels.count("5-hour: 42%") == 2)
        app.send(Command(Action.HIDE_ACCOUNT, "home"))
        labels = tray.wait_for(lambda labels: "Show all (1 hidden)" in labels)
        assert "home" not in labels and labels.count("5-hour: 42%") == 1
        app.send(Command(Action.SHOW_ALL))
        tray.wait_for(lambda labels: "home" in labels and "Show all (1 hidden)" not in labels)
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop, accounts=accounts).run() == 0


def test_sigterm_quits_cleanly_and_parts_stop(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)
    events: list[str] = []

    def part(_app: App) -> Part:
        return Part("probe", start=lambda: events.append("start"), stop=lambda: events.append("stop"))

    def person(_app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: "5-hour: 42%" in labels)
        os.kill(os.getpid(), signal.SIGTERM)  # handled by the app: a Quit command, not a dead test run

    previous = signal.getsignal(signal.SIGTERM)
    assert make_app(server, isolated_home, person, desktop, parts=(part,)).run() == 0
    assert events == ["start", "stop"]
    assert signal.getsignal(signal.SIGTERM) == previous  # handlers put back


def test_a_part_that_fails_to_start_does_not_stop_the_tray(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)

    def broken(_app: App) -> Part:
        def start() -> None:
            raise RuntimeError("boom")

        return Part("broken", start=start)

    def person(app: App, tray: StandInTray) -> None:
        app.refresh_view()
        tray.wait_for(lambda labels: labels[-1] == "Quit")
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop, parts=(broken,)).run() == 0


def test_new_settings_reach_the_poller_and_the_view(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: "5-hour: 42%" in labels)
        renamed = replace(app.settings, accounts=(AccountSettings(name="renamed"),))
        app.apply_settings(renamed)
        tray.wait_for(lambda labels: app.settings is renamed and "5-hour: 42%" in labels)
        assert [s.account for s in app.poller.statuses()] == ["renamed"]
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop).run() == 0


def test_settings_with_hidden_accounts_start_hidden(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)
    accounts = (AccountSettings(name="work"), AccountSettings(name="old", hidden=True))

    def person(app: App, tray: StandInTray) -> None:
        labels = tray.wait_for(lambda labels: "5-hour: 42%" in labels)
        assert "Show all (1 hidden)" in labels and "old" not in labels
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop, accounts=accounts).run() == 0


def test_refresh_while_rate_limited_says_so_at_the_top_of_the_menu(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, Reply(429, {"Connection": "close", "Retry-After": "3600"}))

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: any(label.startswith("Rate limited") for label in labels))
        app.send(Command(Action.REFRESH))
        labels = tray.wait_for(lambda labels: labels[0].startswith("Refresh now: "))
        assert labels[0].startswith("Refresh now: Rate limited - next try allowed at ")
        assert server.count(USAGE) == 1, "the click did not skip the server's wait"
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop).run() == 0


def test_edit_settings_without_an_opener_names_it_in_the_menu(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    from claude_tray.settings.opener import open_with_desktop

    server.script(USAGE, OK)
    config = isolated_home / "config.toml"
    desktop.edit = lambda: open_with_desktop(config, platform="linux", which=lambda _name: None)

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda labels: "5-hour: 42%" in labels)
        app.send(Command(Action.EDIT_SETTINGS))
        labels = tray.wait_for(lambda labels: "xdg-open is not installed" in labels[0])
        assert (
            labels[0]
            == f"cannot open {config}: xdg-open is not installed (install xdg-utils, or open {config} in your editor)"
        )
        app.send(Command(Action.HIDE_ACCOUNT, "nobody"))  # the next action clears the line
        tray.wait_for(lambda labels: "xdg-open" not in labels[0])
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop).run() == 0
    assert config.exists(), "the default file was written before the opener was looked for"


def test_start_at_login_follows_the_cli_and_a_click_sets_what_the_box_moves_to(
    server: LoopbackServer, isolated_home: Path, desktop: Desktop
) -> None:
    server.script(USAGE, OK)

    def person(app: App, tray: StandInTray) -> None:
        tray.wait_for(lambda _labels: _checkbox(tray.views[-1]) is False)
        desktop.autostart = True  # `claude-tray autostart on` in a terminal
        tray.wait_for(lambda _labels: _checkbox(tray.views[-1]) is True, timeout=AUTOSTART_CHECK + 5)
        desktop.autostart = False  # `autostart off` meanwhile; the open menu still shows a tick
        app.send(Command(Action.TOGGLE_AUTOSTART, checked=True))  # unticking the box the person sees
        tray.wait_for(lambda _labels: _checkbox(tray.views[-1]) is False)
        assert desktop.autostart is False, "a stale tick clicked never switches autostart on"
        app.send(Command(Action.TOGGLE_AUTOSTART, checked=False))
        tray.wait_for(lambda _labels: _checkbox(tray.views[-1]) is True)
        assert desktop.autostart is True
        app.send(Command(Action.QUIT))

    assert make_app(server, isolated_home, person, desktop).run() == 0
