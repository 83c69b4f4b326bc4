"""The tray's one-click bridge: "Get numbers from Claude Code's status line (no network)".

Offered for each Claude Code config dir that exists and whose ``settings.json`` does not run
claude-tray's status line yet (:mod:`claude_tray.claude_code.bridge`). A click does exactly what
``claude-tray statusline install`` does (same function: chains an existing status line, atomic,
reversible); the item then turns into its undo, which does what ``claude-tray statusline
uninstall`` does (for the rest of this run, while the bridge is still in). While no account
has any numbers after its first try, one line above the item says why it is there (a menu line,
never a notification: it is not a nag).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.claude_code.logins import OAUTH_SOURCES
from claude_tray.i18n import N_, _
from claude_tray.model import AccountStatus, Health
from claude_tray.settings.model import Settings

if TYPE_CHECKING:
    from claude_tray.app.part import AppContext, Part
    from claude_tray.tray.menu import MenuEntry

__all__ = [
    "BRIDGE_LABEL",
    "NO_NUMBERS_LINE",
    "UNDO_LABEL",
    "BridgeOffer",
    "app_part",
    "bridge_dirs",
    "bridge_entries",
]

log = logging.getLogger(__name__)

BRIDGE_LABEL = N_("Get numbers from Claude Code's status line (no network)")  # shown as _(...)
UNDO_LABEL = N_("Undo: stop getting numbers from Claude Code's status line")
NO_NUMBERS_LINE = N_("No numbers yet: Claude Code can supply them")
CHECK_EVERY = 60.0  # seconds between local re-reads of settings.json (an install elsewhere hides the item)


def bridge_dirs(settings: Settings) -> tuple[tuple[str, Path], ...]:
    """(account, config dir) for each distinct Claude Code config dir the bridge could go into now."""
    from claude_tray.claude_code.bridge import offerable_dirs
    from claude_tray.paths import claude_config_dir

    candidates: dict[Path, str] = {}
    for account in settings.accounts:
        if account.source in (*OAUTH_SOURCES, "statusline"):
            candidates.setdefault(claude_config_dir(account.config_dir or None), account.name)
    return tuple((candidates[d], d) for d in offerable_dirs(candidates))


def bridge_entries(
    offers: Sequence[tuple[str, Path]],
    statuses: Sequence[AccountStatus],
    problem: str | None,
    undo: Sequence[tuple[str, Path]] = (),
) -> tuple[MenuEntry, ...]:
    """The menu rows for these offers and undos (pure)."""
    from claude_tray.tray.menu import Action, MenuEntry

    rows = []
    if problem is not None:
        rows.append(MenuEntry(_("Status line not changed: {problem}").format(problem=problem), enabled=False))
    for account, _config_dir in undo:
        label = _(UNDO_LABEL) if len(undo) == 1 else f"{_(UNDO_LABEL)}: {account}"
        rows.append(MenuEntry(label, Action.UNINSTALL_BRIDGE, account=account))
    if not offers:
        return tuple(rows)
    tried = statuses and all(s.health is not Health.STARTING for s in statuses)
    if tried and all(s.snapshot is None for s in statuses):
        rows.append(MenuEntry(_(NO_NUMBERS_LINE), enabled=False))
    for account, _config_dir in offers:
        label = _(BRIDGE_LABEL) if len(offers) == 1 else f"{_(BRIDGE_LABEL)}: {account}"
        rows.append(MenuEntry(label, Action.INSTALL_BRIDGE, account=account))
    return tuple(rows)


class BridgeOffer:
    """The part's state: what is offered, what this run installed (offered as an undo), the last problem."""

    def __init__(self, app: AppContext) -> None:
        self._app = app
        self._offers: tuple[tuple[str, Path], ...] = ()
        self._installed: dict[str, Path] = {}
        self._problem: str | None = None

    def entries(self) -> tuple[MenuEntry, ...]:
        undo = tuple(self._installed.items())
        return bridge_entries(self._offers, self._app.poller.statuses(), self._problem, undo)

    def check(self) -> None:
        from claude_tray.claude_code.bridge import BridgeState, bridge_state

        current = bridge_dirs(self._app.settings)
        gone = [a for a, d in self._installed.items() if bridge_state(d) is not BridgeState.INSTALLED]
        for account in gone:
            del self._installed[account]
        if current != self._offers or gone:
            self._offers = current
            self._app.refresh_view()

    def install(self, account: str | None) -> None:
        from claude_tray.claude_code.statusline import default_root
        from claude_tray.commands.statusline import install, our_command

        config_dir = next((d for name, d in self._offers if name == account), None)
        if config_dir is None or account is None:
            return
        if self._change(
            "installed", config_dir, lambda: install(config_dir, default_root(), our_command(config_dir))
        ):
            self._installed[account] = config_dir
        self._done()

    def uninstall(self, account: str | None) -> None:
        from claude_tray.claude_code.statusline import default_root
        from claude_tray.commands.statusline import uninstall

        config_dir = self._installed.get(account or "")
        if config_dir is None or account is None:
            return
        if self._change("removed", config_dir, lambda: uninstall(config_dir, default_root())):
            del self._installed[account]
        self._done()

    def _change(self, what: str, config_dir: Path, edit: Callable[[], str]) -> bool:
        from claude_tray.errors import ConfigError

        try:
            log.info("%s", edit())
        except (ConfigError, OSError) as err:
            self._problem = err.message if isinstance(err, ConfigError) else str(err)
            log.warning("status line not %s in %s: %s", what, config_dir, self._problem)
            return False
        self._problem = None
        return True

    def _done(self) -> None:
        self.check()
        self._app.refresh_view()


def app_part(app: AppContext) -> Part:
    from claude_tray.app.part import MenuContribution, Part
    from claude_tray.tray.menu import Action

    offer = BridgeOffer(app)
    return Part(
        "bridge",
        every=CHECK_EVERY,
        check=offer.check,
        start=offer.check,
        on_settings=lambda _settings: offer.check(),
        actions={Action.INSTALL_BRIDGE: offer.install, Action.UNINSTALL_BRIDGE: offer.uninstall},
        menu=lambda: MenuContribution(sections=(offer.entries(),)),
    )
