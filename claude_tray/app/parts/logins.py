"""The menu's "logged in to Claude Code" mark beside the account Claude Code uses right now."""

from __future__ import annotations

from claude_tray.app.part import AppContext, MenuContribution, Part
from claude_tray.claude_code.logins import CHECK_EVERY, OAUTH_SOURCES, logged_in_accounts
from claude_tray.i18n import N_, _

__all__ = ["MARK", "app_part"]

MARK = N_("logged in to Claude Code")  # shown as _(MARK)


def app_part(app: AppContext) -> Part:
    """The menu's "logged in to Claude Code" marker; only meaningful with two or more logins."""
    marked: list[frozenset[str]] = [frozenset()]

    def check() -> None:
        settings = app.settings
        several = sum(a.source in OAUTH_SOURCES for a in settings.accounts) > 1
        current = frozenset(logged_in_accounts(settings, app.clock)) if several else frozenset()
        if current != marked[0]:
            marked[0] = current
            app.refresh_view()

    return Part(
        "logins",
        every=CHECK_EVERY,
        check=check,
        start=check,
        menu=lambda: MenuContribution(marks=dict.fromkeys(marked[0], _(MARK))),
    )
