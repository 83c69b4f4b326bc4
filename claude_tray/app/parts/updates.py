"""The tray's opt-in "Check for updates" item (``[general] check_updates = true``).

A click starts one named, short-lived thread that asks the package index (see
:mod:`claude_tray.updates.check`) and then relabels the item with the answer ("claude-tray 0.2.0 is
available: pipx upgrade claude-tray"). Nothing is downloaded or installed; nothing is checked
unless the person clicks. The thread is joined when the app stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from claude_tray.errors import ClaudeTrayError
from claude_tray.i18n import N_, _
from claude_tray.updates.check import UpdateCheck, check_for_update

if TYPE_CHECKING:
    from claude_tray.app.part import AppContext, Part

__all__ = ["CHECK_LABEL", "UpdateChecker", "app_part", "menu_label"]

CHECK_LABEL = N_("Check for updates")  # shown as _(CHECK_LABEL)


def menu_label(result: UpdateCheck | None, error: str | None, *, checking: bool) -> str:
    """The item's label: what it does, or what the last click found. Pure."""
    if checking:
        return _("Checking for updates...")
    if error is not None:
        return _("Update check failed: {error}").format(error=error)
    if result is None:
        return _(CHECK_LABEL)
    if result.update_available:
        return _("Update {version} available: {command}").format(
            version=result.latest, command=result.command
        )
    return _("Up to date ({version}) - check again").format(version=result.installed)


class UpdateChecker:
    """Runs one check at a time off the app thread; ``changed`` is called when the label changes."""

    def __init__(self, check: Callable[[], UpdateCheck], changed: Callable[[], None]) -> None:
        self._check = check
        self._changed = changed
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._result: UpdateCheck | None = None
        self._error: str | None = None

    def label(self) -> str:
        with self._lock:
            checking = self._thread is not None and self._thread.is_alive()
            return menu_label(self._result, self._error, checking=checking)

    def start_check(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return  # a second click while asking changes nothing
            self._thread = threading.Thread(target=self._run, name="claude-tray-update-check")
            self._thread.start()
        self._changed()

    def join(self) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        result, error = None, None
        try:
            result = self._check()
        except ClaudeTrayError as err:
            from claude_tray.updates.check import failure_reason

            error = failure_reason(err)
        with self._lock:
            self._result, self._error = result, error
            self._thread = None
        self._changed()


def app_part(app: AppContext) -> Part:
    """The item shows only while ``[general] check_updates = true`` (hot reload included)."""
    from claude_tray.app.part import Part
    from claude_tray.tray.menu import Action, MenuContribution, MenuEntry

    def wanted() -> bool:
        return app.settings.general.check_updates

    def check() -> UpdateCheck:
        from claude_tray.api.worker import WorkerClient, isolated_requests

        network = app.settings.network
        timeout = min(network.timeout, 10.0)  # short: Quit waits for a check in flight
        if isolated_requests():  # in a fetch worker: the tray never loads requests (Quit kills it)
            return check_for_update(
                WorkerClient(network.api_base, network.web_base, network.user_agent, timeout)
            )
        from claude_tray.api.client import UsageClient

        client = UsageClient(network.api_base, network.web_base, network.user_agent, timeout)
        try:
            return check_for_update(client)
        finally:
            client.close()

    checker = UpdateChecker(check, app.refresh_view)

    def click() -> None:
        if wanted():
            checker.start_check()

    return Part(
        "updates",
        stop=checker.join,
        actions={Action.CHECK_UPDATES: lambda _account: click()},
        menu=lambda: MenuContribution(
            actions=(MenuEntry(checker.label(), Action.CHECK_UPDATES),) if wanted() else ()
        ),
    )
