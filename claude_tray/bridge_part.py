"""The tray's one-click bridge: "Get numbers from Claude Code's status line (no network)".

Offered for each Claude Code config dir that exists and whose ``settings.json`` does not run
claude-tray's status line yet (:mod:`claude_tray.bridge`). A click does exactly what
``claude-tray statusline install`` does (same function: chains an existing status line, atomic,
reversible with ``claude-tray statusline uninstall``); the item then goes away. While no account
has any numbers after its first try, one line above the item says why it is there (a menu line,
never a notification: it is not a nag).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.accounts import OAUTH_SOURCES
from claude_tray.model import AccountStatus, Health
from claude_tray.settings import Settings

if TYPE_CHECKING:
    from claude_tray.app import App, Part
    from claude_tray.tray.view import MenuEntry

__all__ = ["BRIDGE_LABEL", "NO_NUMBERS_LINE", "app_part", "bridge_dirs", "bridge_entries"]

log = logging.getLogger(__name__)

BRIDGE_LABEL = "Get numbers from Claude Code's status line (no network)"
NO_NUMBERS_LINE = "No numbers yet: Claude Code can supply them"
CHECK_EVERY = 60.0  # seconds between local re-reads of settings.json (an install elsewhere hides the item)


def bridge_dirs(settings: Settings) -> tuple[tuple[str, Path], ...]:
    """(account, config dir) for each distinct Claude Code config dir the bridge could go into now."""
    from claude_tray.bridge import offerable_dirs
    from claude_tray.paths import claude_config_dir

    candidates: dict[Path, str] = {}
    for account in settings.accounts:
        if account.source in (*OAUTH_SOURCES, "statusline"):
            candidates.setdefault(claude_config_dir(account.config_dir or None), account.name)
    return tuple((candidates[d], d) for d in offerable_dirs(candidates))


def bridge_entries(
    offers: Sequence[tuple[str, Path]], statuses: Sequence[AccountStatus], problem: str | None
) -> tuple[MenuEntry, ...]:
    """The menu rows for these offers (pure)."""
    from claude_tray.tray.view import Action, MenuEntry

    rows = []
    if problem is not None:
        rows.append(MenuEntry(f"Status line not installed: {problem}", enabled=False))
    if not offers:
        return tuple(rows)
    tried = statuses and all(s.health is not Health.STARTING for s in statuses)
    if tried and all(s.snapshot is None for s in statuses):
        rows.append(MenuEntry(NO_NUMBERS_LINE, enabled=False))
    for account, _config_dir in offers:
        label = BRIDGE_LABEL if len(offers) == 1 else f"{BRIDGE_LABEL}: {account}"
        rows.append(MenuEntry(label, Action.INSTALL_BRIDGE, account=account))
    return tuple(rows)


def app_part(app: App) -> Part:
    from claude_tray.app import Part
    from claude_tray.tray.view import Action

    offers: list[tuple[tuple[str, Path], ...]] = [()]
    problem: list[str | None] = [None]

    def check() -> None:
        current = bridge_dirs(app.settings)
        if current != offers[0]:
            offers[0] = current
            app.refresh_view()

    def install(account: str | None) -> None:
        from claude_tray.commands.statusline import install, our_command
        from claude_tray.errors import ConfigError
        from claude_tray.statusline import default_root

        config_dir = next((d for name, d in offers[0] if name == account), None)
        if config_dir is None:
            return
        try:
            log.info("%s", install(config_dir, default_root(), our_command(config_dir)))
            problem[0] = None
        except (ConfigError, OSError) as err:
            problem[0] = err.message if isinstance(err, ConfigError) else str(err)
            log.warning("status line not installed in %s: %s", config_dir, problem[0])
        check()
        app.refresh_view()

    return Part(
        "bridge",
        every=CHECK_EVERY,
        check=check,
        start=check,
        on_settings=lambda _settings: check(),
        entries=lambda: bridge_entries(offers[0], app.poller.statuses(), problem[0]),
        account_actions={Action.INSTALL_BRIDGE: install},
    )
