"""Starting the tray for real: is there a tray here, then the real collaborators, then the app.

:func:`preflight` answers "can a tray icon be shown?" (a display, a pystray backend, a tray
host) or raises :class:`~claude_tray.errors.TrayUnavailable` saying what is missing.
:func:`launch` builds the real clock, fetchers, poller, renderer and tray for
:class:`~claude_tray.app.core.App` and runs it on the calling (main) thread. Used by
``claude-tray run`` and ``claude-tray --demo``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.app.core import App, AutostartControl
from claude_tray.app.parts import PART_FACTORIES
from claude_tray.settings.model import Settings

if TYPE_CHECKING:
    from PIL.Image import Image

    from claude_tray.model import IconSpec
    from claude_tray.tray.icon import BackendChoice, Command, TrayIcon
    from claude_tray.tray.menu import TrayView
    from claude_tray.usage.fetch import AccountFetcher

__all__ = ["launch", "no_host_reason", "preflight"]

log = logging.getLogger(__name__)


def no_host_reason(backend: str) -> str:
    """Why nothing shows the icon, naming the fix that fits the backend (xorg needs XEmbed)."""
    if backend == "xorg":
        return (
            "nothing shows xorg icons here (they need an XEmbed system tray, e.g. a panel's systray applet)"
        )
    return f"nothing shows {backend} icons here (GNOME needs the AppIndicator extension)"


def preflight(wait_for_tray: float) -> BackendChoice:
    """Display, pystray backend and tray host, or TrayUnavailable saying which is missing.

    A tray host may appear a little after login, so it is waited for up to ``wait_for_tray`` s.
    """
    from claude_tray.errors import TrayUnavailable
    from claude_tray.tray.icon import display_available, load_backend, tray_host

    if not display_available():
        raise TrayUnavailable("no display ($DISPLAY and $WAYLAND_DISPLAY are unset)")
    choice = load_backend()
    deadline = threading.Event()
    waited = 0.0
    while (host := tray_host(choice.name)) is None:
        if waited >= wait_for_tray:
            raise TrayUnavailable(f"no tray host: {no_host_reason(choice.name)}", rejected=choice.rejected)
        deadline.wait(0.25)
        waited += 0.25
    log.info("tray: %s backend (%s), shown by %s", choice.name, choice.why, host)
    return choice


def launch(
    choice: BackendChoice,
    settings: Settings,
    settings_path: Path,
    relabel: Callable[[TrayView], TrayView] | None = None,
) -> int:
    """Build the real collaborators and run the app on this (main) thread (``relabel``: the demo's)."""
    import random

    from claude_tray.clock import SystemClock
    from claude_tray.poller.poller import Poller
    from claude_tray.render.ring import IconRenderer
    from claude_tray.tray.icon import ICON_SIZE, TrayIcon
    from claude_tray.usage.fetch import build_fetchers

    clock = SystemClock()
    renderer = IconRenderer()

    def fetchers_for(current: Settings) -> Sequence[AccountFetcher]:
        return build_fetchers(current, clock, isolated=True)  # requests only in fetch workers

    def make_tray(
        view: TrayView, on_command: Callable[[Command], None], on_ready: Callable[[], None]
    ) -> TrayIcon:
        def render(spec: IconSpec) -> Image:
            return renderer.render(spec, ICON_SIZE)

        return TrayIcon(choice, view, render=render, on_command=on_command, on_ready=on_ready)

    poller = Poller(fetchers_for(settings), settings, clock=clock, rng=random.Random())  # noqa: S311 - jitter
    app = App(
        settings,
        poller=poller,
        clock=clock,
        make_tray=make_tray,
        fetchers_for=fetchers_for,
        open_url=_open_url,
        edit_settings=lambda: _edit_settings(settings_path),
        autostart=_autostart_control(),
        parts=PART_FACTORIES,
        relabel=relabel,
    )
    return app.run()


def _edit_settings(path: Path) -> None:
    from claude_tray.settings.opener import open_with_desktop

    open_with_desktop(path)


def _open_url(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


def _autostart_control() -> AutostartControl | None:
    from claude_tray.autostart import get_autostart, launch_command

    entry = get_autostart()
    if not entry.SUPPORTED:
        return None

    def set_enabled(on: bool) -> None:  # noqa: FBT001 - the checkbox's new state
        if on:
            entry.enable(launch_command())
        else:
            entry.disable()

    return AutostartControl(entry.is_enabled, set_enabled)
