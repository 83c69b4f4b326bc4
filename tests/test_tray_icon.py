"""The pystray adapter's menu mapping and change detection, on pystray's dummy backend (no display)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from claude_tray.errors import TrayUnavailable
from claude_tray.model import (
    AccountStatus,
    Health,
    IconSpec,
    SourceKind,
    UsageSnapshot,
    UsageWindow,
    WindowGroup,
)
from claude_tray.render.ring import IconRenderer
from claude_tray.settings.model import Settings
from claude_tray.tray.icon import Command, TrayIcon, display_available, load_backend
from claude_tray.tray.menu import Action, TrayView
from claude_tray.tray.view import build_view

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def status(account: str, five: float, health: Health = Health.FRESH) -> AccountStatus:
    windows = (UsageWindow("five_hour", "5-hour", five, NOW + timedelta(hours=2), WindowGroup.SESSION),)
    return AccountStatus(account, health, UsageSnapshot(account, SourceKind.CLI, NOW, windows))


def view(*statuses: AccountStatus, **kw: Any) -> TrayView:
    return build_view(list(statuses), Settings(), NOW, tz=UTC, **kw)


@pytest.fixture
def dummy_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PYSTRAY_BACKEND", "dummy")
    monkeypatch.delitem(sys.modules, "pystray", raising=False)  # pystray picks its backend on import
    yield


class Tray:
    """A TrayIcon on the dummy backend plus what it asked for."""

    def __init__(self, first: TrayView) -> None:
        self.commands: list[Command] = []
        self.renderer = IconRenderer()
        self.icon = TrayIcon(
            load_backend(),
            first,
            render=lambda spec: self.renderer.render(spec, 64),
            on_command=self.commands.append,
        )

    def items(self) -> list[Any]:
        return list(self.icon.menu_model().items)

    def labels(self) -> list[str]:
        model = self.icon.menu_model()
        return [item.text for item in model.items if item is not model.SEPARATOR]

    def click(self, label: str, items: list[Any] | None = None) -> None:
        item = next(i for i in (items or self.items()) if i.text == label)
        item(None)


def test_backend_choice_names_the_override(dummy_backend: None) -> None:
    choice = load_backend()
    assert (choice.name, choice.why, choice.rejected) == ("dummy", "PYSTRAY_BACKEND=dummy", ())


def test_unknown_backend_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYSTRAY_BACKEND", "nonesuch")
    monkeypatch.delitem(sys.modules, "pystray", raising=False)
    with pytest.raises(TrayUnavailable) as info:
        load_backend()
    assert info.value.rejected == (("nonesuch", "ImportError: unknown backend: 'nonesuch'"),)
    assert "nonesuch" in str(info.value) and "claude-tray status" in info.value.hint


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":3"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_display_available(env: dict[str, str], platform: str, expected: bool) -> None:
    assert display_available(env, platform) is expected


def test_menu_maps_every_entry(dummy_backend: None) -> None:
    tray = Tray(view(status("default", 42.0), autostart=True))
    model = tray.icon.menu_model()
    items = tray.items()
    assert tray.labels() == [
        "5-hour: 42% · resets in 2h (14:00) · 18% behind pace",
        "updated just now · via usage API",
        "Refresh now",
        "Edit settings...",
        "Open usage page",
        "Start at login",
        "Quit",
    ]
    assert sum(1 for i in items if i is model.SEPARATOR) == 2
    by_label = {i.text: i for i in items if i is not model.SEPARATOR}
    assert not by_label["5-hour: 42% · resets in 2h (14:00) · 18% behind pace"].enabled  # informational rows
    assert by_label["Refresh now"].enabled and by_label["Refresh now"].default
    assert by_label["Start at login"].checked is True
    assert by_label["Quit"].checked is None


def test_clicks_only_enqueue_commands(dummy_backend: None) -> None:
    tray = Tray(view(status("work", 42.0), status("home", 10.0)))
    tray.click("Refresh now")
    tray.click("Quit")
    hide = next(i for i in tray.items() if i.text == "Hide account")
    tray.click("home", list(hide.submenu.items))
    assert tray.commands == [
        Command(Action.REFRESH),
        Command(Action.QUIT),
        Command(Action.HIDE_ACCOUNT, "home"),
    ]
    tray.click("5-hour: 42% · resets in 2h (14:00) · 18% behind pace")  # an informational row does nothing
    assert len(tray.commands) == 3


def test_a_checkbox_click_says_the_state_the_person_saw(dummy_backend: None) -> None:
    for shown in (True, False):
        tray = Tray(view(status("default", 42.0), autostart=shown))
        tray.click("Start at login")
        assert tray.commands == [Command(Action.TOGGLE_AUTOSTART, checked=shown)]


def test_default_action_is_refresh(dummy_backend: None) -> None:
    tray = Tray(view(status("default", 42.0)))
    tray.icon.menu_model()(None)  # what a left click runs where the host has a default action
    assert tray.commands == [Command(Action.REFRESH)]


def test_apply_swaps_the_menu_and_renders_only_on_icon_change(dummy_backend: None) -> None:
    first = view(status("default", 42.0))
    tray = Tray(first)
    assert tray.renderer.renders == 1
    tray.icon.apply(view(status("default", 42.3)))  # same rounded view: nothing happens
    assert tray.renderer.renders == 1 and tray.icon.view == first
    tray.icon.apply(view(status("default", 90.0, Health.RATE_LIMITED)))
    assert tray.renderer.renders == 2
    assert tray.labels()[0] == "5-hour: 90% · resets in 2h (14:00) · 30% ahead of pace"
    assert tray.labels()[2] == "Rate limited"
    menu_only = view(status("default", 90.0, Health.RATE_LIMITED), autostart=False)
    tray.icon.apply(menu_only)
    assert tray.renderer.renders == 2  # the icon did not change, so no render
    assert "Start at login" in tray.labels()


def test_icon_spec_reaches_the_renderer(dummy_backend: None) -> None:
    tray = Tray(view())
    assert tray.icon.view.icon == IconSpec(None, None, None, Health.STARTING)
    assert tray.icon.has_menu is True
