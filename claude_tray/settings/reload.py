"""Settings hot reload for a running daemon (the tray app and ``claude-tray watch``).

:class:`SettingsReloader` is driven by the caller's own loop or timer: each :meth:`check` costs
one ``stat()`` (see :class:`~claude_tray.settings.file.SettingsWatcher`). A saved file that
loads cleanly and differs from what runs is handed to ``apply``; an invalid one keeps the
running settings and is handed, once per distinct problem, to ``invalid`` (which shows file:line and the problem in a
notification and the menu); a later good save calls ``recovered``. No thread of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from claude_tray.errors import ConfigError
from claude_tray.settings.file import SettingsWatcher, problem_lines
from claude_tray.settings.model import Settings
from claude_tray.settings.schema import MIN_POLL_INTERVAL, min_poll_interval

__all__ = ["RELOAD_EVERY", "SettingsReloader", "reload_every"]

log = logging.getLogger(__name__)

# Seconds between checks. Each is one stat(), but each also wakes the app thread (~0.17 ms of CPU
# measured): every 2 s that was most of the idle daemon's CPU (5 of 8 ms a minute), every 10 s
# it is 1 ms a minute while a saved file still applies within seconds.
RELOAD_EVERY = 10.0


def reload_every() -> float:
    """10 s; scaled down with the ``CLAUDE_TRAY_MIN_INTERVAL`` testing knob like the poller's waits."""
    return max(0.1, RELOAD_EVERY * min_poll_interval() / MIN_POLL_INTERVAL)


def _nothing() -> None:
    return None


class SettingsReloader:
    def __init__(
        self,
        path: Path,
        current: Settings,
        *,
        apply: Callable[[Settings], None],
        invalid: Callable[[ConfigError], None],
        recovered: Callable[[], None] = _nothing,
        watcher: SettingsWatcher | None = None,
    ) -> None:
        self.current = current
        self._watcher = watcher or SettingsWatcher(path)
        self._apply = apply
        self._invalid = invalid
        self._recovered = recovered
        self.problem: ConfigError | None = None  # the invalid file being ignored, if any

    def check(self) -> None:
        """Look at the file once; apply, report or do nothing."""
        result = self._watcher.check()
        if result is None:
            return
        if isinstance(result, ConfigError):
            same = self.problem is not None and problem_lines(self.problem) == problem_lines(result)
            self.problem = result
            if not same:  # saving the same mistake again says nothing new
                log.warning("settings not applied, keeping the previous ones: %s", result.message)
                self._invalid(result)
            return
        if self.problem is not None:
            self.problem = None
            log.info("settings file is valid again")
            self._recovered()
        if result != self.current:
            self.current = result
            log.info("settings reloaded")
            self._apply(result)
