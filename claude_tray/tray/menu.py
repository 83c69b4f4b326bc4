"""The menu's vocabulary: the actions a click can ask for, an entry, the whole view, and what a
part may add. Pure data; :mod:`claude_tray.tray.view` builds them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from claude_tray.model import IconSpec

if TYPE_CHECKING:
    from claude_tray.usage.forecast import Forecast

__all__ = ["SEPARATOR", "USAGE_PAGE", "Action", "MenuContribution", "MenuEntry", "TrayView"]


USAGE_PAGE = "https://claude.ai/settings/usage"


class Action(enum.Enum):
    """What a menu item asks for. The app maps each to a command handled off the UI thread."""

    REFRESH = "refresh"
    EDIT_SETTINGS = "edit_settings"
    OPEN_USAGE_PAGE = "open_usage_page"
    SHOW_HISTORY = "show_history"  # draw the history chart and open it in the image viewer
    CHECK_UPDATES = "check_updates"  # opt-in: ask the package index; nothing is installed
    TOGGLE_AUTOSTART = "toggle_autostart"
    HIDE_ACCOUNT = "hide_account"  # local only: the account keeps its login and its polling
    SHOW_ALL = "show_all"
    INSTALL_BRIDGE = "install_bridge"  # `claude-tray statusline install` for the row's account's config dir
    UNINSTALL_BRIDGE = "uninstall_bridge"  # its undo (`claude-tray statusline uninstall`)
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One menu row. ``action`` None = an informational row (shown disabled)."""

    label: str
    action: Action | None = None
    checked: bool | None = None  # None: not a checkbox
    enabled: bool = True
    submenu: tuple[MenuEntry, ...] = ()
    account: str | None = None  # the account an action concerns (Hide account)
    default: bool = False  # the left-click action where the host has one
    separator: bool = False


SEPARATOR = MenuEntry("", enabled=False, separator=True)


@dataclass(frozen=True, slots=True)
class TrayView:
    """Everything the tray shows. Equal views mean nothing to redraw."""

    icon: IconSpec
    title: str
    menu: tuple[MenuEntry, ...]
    # when a countdown or age label next reads differently; None = nothing time-dependent
    next_change: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class MenuContribution:
    """What a feature adds to the menu, in the few shapes the menu has; the view places them.

    The app's parts (``claude_tray.app.parts``) each return one, merged with ``+`` in part order,
    so a new menu feature needs neither a new field on ``Part`` nor a new argument here.
    """

    headlines: Mapping[str, Forecast] = field(default_factory=dict)  # account -> first line of its readout
    marks: Mapping[str, str] = field(default_factory=dict)  # account -> a tag after its name
    sections: tuple[tuple[MenuEntry, ...], ...] = ()  # blocks under the accounts, each after a separator
    actions: tuple[MenuEntry, ...] = ()  # items among the actions (e.g. "Show history...")

    def __add__(self, other: MenuContribution) -> MenuContribution:
        return MenuContribution(
            {**self.headlines, **other.headlines},
            {**self.marks, **other.marks},
            (*self.sections, *other.sections),
            (*self.actions, *other.actions),
        )
