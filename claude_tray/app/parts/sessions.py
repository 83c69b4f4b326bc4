"""The tray's "Context windows" section: each active Claude Code session's context fill."""

from __future__ import annotations

from collections.abc import Sequence

from claude_tray.app.part import AppContext, MenuContribution, Part
from claude_tray.claude_code.context import SessionContext, session_menu_lines
from claude_tray.claude_code.sessions import CHECK_EVERY, SessionWatch
from claude_tray.tray.view import sessions_section

__all__ = ["app_part"]


def app_part(app: AppContext) -> Part:
    """The tray's "Context windows" section: rescan every 30 s, rebuild the menu when it reads differently."""
    watch = SessionWatch(app.settings)
    shown: list[Sequence[SessionContext]] = [()]

    def check() -> None:
        current = watch.active(app.clock.now())
        if session_menu_lines(current) != session_menu_lines(shown[0]):
            shown[0] = current
            app.refresh_view()
        else:
            shown[0] = current

    return Part(
        "sessions",
        every=CHECK_EVERY,
        check=check,
        on_settings=watch.use,
        menu=lambda: MenuContribution(sections=(sessions_section(shown[0]),)),
    )
