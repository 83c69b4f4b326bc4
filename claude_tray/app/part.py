"""The seam between the app and its features: what a part is, and what it may ask of the app.

A part is built by a factory from an :class:`AppContext` (never the ``App`` class itself, so a
part module imports this seam and nothing of ``claude_tray.app.core``; the registry in
``claude_tray.app.parts`` lists the factories). A part may listen to status changes (on the
poller's thread: be quick), run a periodic check on the app thread, start/stop its own thread,
hear about new settings, handle menu actions and add to the menu (:class:`MenuContribution`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from claude_tray.tray.menu import Action, MenuContribution

if TYPE_CHECKING:
    from claude_tray.clock import Clock
    from claude_tray.model import StatusChange
    from claude_tray.poller.poller import Poller
    from claude_tray.settings.model import Settings
    from claude_tray.tray.icon import TrayIcon

__all__ = ["ActionHandler", "AppContext", "MenuContribution", "Part", "PartFactory"]

ActionHandler = Callable[[str | None], None]  # called with the clicked row's account (None: global)


class AppContext(Protocol):
    """What a part may use of the running app."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def tray(self) -> TrayIcon | None: ...

    @property
    def poller(self) -> Poller: ...

    def refresh_view(self) -> None:
        """Rebuild the menu soon (on the app thread), e.g. after the part's data changed."""

    def apply_settings(self, settings: Settings) -> None:
        """Switch the poller, the view and every part to ``settings`` (hot reload)."""

    def show_problem(self, text: str | None) -> None:
        """A state line at the top of the menu; None removes it."""


@dataclass(frozen=True, slots=True)
class Part:
    """What a feature plugs into the app; every field is optional."""

    name: str
    listener: Callable[[StatusChange], None] | None = None  # runs on the poller thread
    every: float | None = None  # seconds between ``check`` calls on the app thread
    check: Callable[[], None] | None = None
    start: Callable[[], None] | None = None
    stop: Callable[[], None] | None = None  # must join any thread ``start`` started
    on_settings: Callable[[Settings], None] | None = None  # after a settings reload was applied
    actions: Mapping[Action, ActionHandler] = field(default_factory=dict)  # menu actions it handles
    menu: Callable[[], MenuContribution] | None = None  # what it adds to the menu right now


PartFactory = Callable[[AppContext], Part | None]  # None: not wanted with these settings
