"""The app's features, one module per part; :data:`PART_FACTORIES` lists them in menu order.

Each factory imports its module only when called, so a setup that does not use a feature pays
nothing for it at start-up. Adding a feature: a module here with ``app_part(app) -> Part | None``
coded against :mod:`claude_tray.app.part`, and one line below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_tray.app.part import AppContext, Part, PartFactory

__all__ = ["PART_FACTORIES"]


def _live(app: AppContext) -> Part | None:
    from claude_tray.app.parts.live import app_part  # desktop notifications + settings hot reload

    return app_part(app)


def _history(app: AppContext) -> Part | None:
    from claude_tray.app.parts.history import app_part  # recording, forecast line, "Show history..."

    return app_part(app)


def _last_poll(app: AppContext) -> Part | None:
    from claude_tray.app.parts.last_poll import app_part  # each account's last outcome, for `doctor`

    return app_part(app)


def _updates(app: AppContext) -> Part | None:
    from claude_tray.app.parts.updates import app_part  # opt-in "Check for updates"

    return app_part(app)


def _sessions(app: AppContext) -> Part | None:
    from claude_tray.app.parts.sessions import app_part  # context window per Claude Code session

    return app_part(app)


def _logins(app: AppContext) -> Part | None:
    from claude_tray.app.parts.logins import app_part  # the "logged in to Claude Code" marker

    return app_part(app)


def _bridge(app: AppContext) -> Part | None:
    from claude_tray.app.parts.bridge import app_part  # "Get numbers from Claude Code's status line"

    return app_part(app)


PART_FACTORIES: list[PartFactory] = [_live, _history, _last_poll, _updates, _sessions, _logins, _bridge]
