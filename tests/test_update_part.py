"""The tray's opt-in "Check for updates" item and the last-poll record, in the real App.

The App, its poller and every part are real; only the tray widget is the stand-in from the hot
reload tests. The package index is the loopback server (``CLAUDE_TRAY_INDEX_URL``).
"""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import pytest

from claude_tray import __version__
from claude_tray.api.client import UsageClient
from claude_tray.app.parts.updates import CHECK_LABEL, UpdateChecker, menu_label
from claude_tray.errors import TransientApiError
from claude_tray.model import Health
from claude_tray.tray.menu import Action, TrayView
from claude_tray.updates.check import Install, InstallKind, UpdateCheck, Version, check_for_update
from claude_tray.usage.last_poll import default_path, read_records
from tests.support.http import LoopbackServer, Reply
from tests.test_hot_reload import StandInTray

JSON_PATH = "/pypi/claude-tray/json"
PIPX = Install(InstallKind.PIPX, "/p/bin/python", "/p")


def index(*versions: str) -> bytes:
    releases = {v: [{"filename": f"claude_tray-{v}.whl", "yanked": False}] for v in versions}
    return json.dumps({"info": {"version": versions[-1]}, "releases": releases}).encode()


def result(latest: str) -> UpdateCheck:
    return UpdateCheck(Version.parse("0.1.0"), Version.parse(latest), PIPX, "pipx upgrade claude-tray")


@pytest.mark.parametrize(
    ("found", "error", "checking", "label"),
    [
        (None, None, False, CHECK_LABEL),
        (None, None, True, "Checking for updates..."),
        (result("0.2.0"), None, False, "Update 0.2.0 available: pipx upgrade claude-tray"),
        (result("0.1.0"), None, False, "Up to date (0.1.0) - check again"),
        (None, "cannot connect to pypi.org", False, "Update check failed: cannot connect to pypi.org"),
    ],
)
def test_menu_label(found: UpdateCheck | None, error: str | None, checking: bool, label: str) -> None:
    assert menu_label(found, error, checking=checking) == label


def test_checker_asks_off_the_calling_thread_and_relabels(server: LoopbackServer) -> None:
    server.script(JSON_PATH, Reply(200, body=index("0.1.0", "99.0.0"), delay=0.2))
    changed = threading.Semaphore(0)
    threads: list[str] = []

    def check() -> UpdateCheck:
        threads.append(threading.current_thread().name)
        client = UsageClient(server.url, server.url, "", 5.0)
        try:
            return check_for_update(client, installed="0.1.0", install=PIPX, url=f"{server.url}{JSON_PATH}")
        finally:
            client.close()

    checker = UpdateChecker(check, changed.release)
    checker.start_check()
    assert changed.acquire(timeout=5)
    checker.start_check()  # a second click while asking starts nothing
    assert checker.label() == "Checking for updates..."
    assert changed.acquire(timeout=5)
    checker.join()
    assert checker.label() == "Update 99.0.0 available: pipx upgrade claude-tray"
    assert threads == ["claude-tray-update-check"]
    assert server.count(JSON_PATH) == 1


def test_a_failed_check_says_why() -> None:
    def check() -> UpdateCheck:
        raise TransientApiError("cannot connect to pypi.org")

    checker = UpdateChecker(check, lambda: None)
    checker.start_check()
    checker.join()
    assert checker.label() == "Update check failed: cannot connect to pypi.org"


def labels(view: TrayView) -> list[str]:
    return [entry.label for entry in view.menu]


def run_app(tmp_path: Path, config: str, person: object) -> None:
    from claude_tray.app.core import App
    from claude_tray.app.parts import PART_FACTORIES
    from claude_tray.clock import SystemClock
    from claude_tray.poller.poller import Poller
    from claude_tray.settings.schema import parse_settings
    from claude_tray.usage.fetch import build_fetchers

    settings = parse_settings(config)
    clock = SystemClock()
    poller = Poller(build_fetchers(settings, clock), settings, clock=clock, rng=random.Random(0))
    app = App(
        settings,
        poller=poller,
        clock=clock,
        make_tray=lambda view, _send, _ready: StandInTray(view, lambda tray: person(app, tray)),  # type: ignore[arg-type,return-value,operator]
        fetchers_for=lambda s: build_fetchers(s, clock),
        open_url=lambda _url: None,
        edit_settings=lambda: None,
        parts=PART_FACTORIES,
    )
    assert app.run() == 0


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: LoopbackServer) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_CONFIG", str(tmp_path / "config.toml"))  # absent: nothing to reload
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")  # never a real desktop
    monkeypatch.setenv("CLAUDE_TRAY_INDEX_URL", f"{server.url}/pypi")


@pytest.mark.usefixtures("app_env")
def test_the_tray_offers_the_check_only_when_opted_in_and_shows_the_answer(
    tmp_path: Path, server: LoopbackServer
) -> None:
    from claude_tray.tray.icon import Command

    server.script(JSON_PATH, Reply(200, body=index(__version__, "99.0.0")))

    def person(app: object, tray: StandInTray) -> None:
        view = tray.wait_for(lambda v: CHECK_LABEL in labels(v))
        assert labels(view).index(CHECK_LABEL) < labels(view).index("Quit")
        app.send(Command(Action.CHECK_UPDATES))  # type: ignore[attr-defined]
        answered = tray.wait_for(
            lambda v: any(label.startswith("Update 99.0.0 available: ") for label in labels(v))
        )
        assert not any("Checking" in label for label in labels(answered))

    run_app(tmp_path, "[general]\ncheck_updates = true\n", person)
    assert server.count(JSON_PATH) == 1


@pytest.mark.usefixtures("app_env")
def test_without_opting_in_there_is_no_item_and_no_request(tmp_path: Path, server: LoopbackServer) -> None:
    from claude_tray.tray.icon import Command

    def person(app: object, tray: StandInTray) -> None:
        # the poller's first outcome (no login in the isolated HOME) is recorded for `doctor`
        view = tray.wait_for(lambda _v: "default" in read_records(default_path()))
        assert not any("update" in label.lower() for label in labels(view))
        app.send(Command(Action.CHECK_UPDATES))  # type: ignore[attr-defined]  # e.g. a stale menu

    run_app(tmp_path, "", person)
    assert server.count() == 0
    assert read_records(default_path())["default"].health is Health.NO_CREDENTIALS
