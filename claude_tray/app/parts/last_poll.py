"""Each account's last poll outcome, recorded for ``claude-tray doctor`` (:mod:`claude_tray.usage.last_poll`)."""

from __future__ import annotations

from claude_tray.app.part import AppContext, Part
from claude_tray.usage.last_poll import LastPollRecorder, default_path

__all__ = ["app_part"]


def app_part(app: AppContext) -> Part:
    """The tray's part: record every status change for ``doctor``."""
    return Part("last-poll", listener=LastPollRecorder(default_path(), app.clock.now))
