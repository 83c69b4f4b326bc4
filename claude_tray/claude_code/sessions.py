"""Which Claude Code sessions belong to which account, for ``status --json`` and the tray menu.

Every account whose source is a Claude Code login (or its status line) has a config dir; its
sessions are the transcripts under ``<config_dir>/projects``. Accounts sharing a dir share one
:class:`~claude_tray.claude_code.transcripts.TranscriptScanner`, so each file is read once. Reading only:
nothing is ever written under a config dir.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from claude_tray.claude_code.context import ACTIVE_WITHIN, SessionContext, select_active, session_json
from claude_tray.claude_code.transcripts import TranscriptScanner
from claude_tray.paths import claude_config_dir
from claude_tray.settings.model import Settings

__all__ = ["CLAUDE_CODE_SOURCES", "SessionWatch", "add_sessions", "session_dirs"]

CLAUDE_CODE_SOURCES = ("auto", "cli", "keychain", "statusline")
CHECK_EVERY = 30.0  # seconds between transcript scans while the tray runs


def session_dirs(settings: Settings) -> dict[str, Path]:
    """Account name -> the Claude Code config dir whose sessions it shows."""
    return {
        a.name: claude_config_dir(a.config_dir or None)
        for a in settings.accounts
        if a.source in CLAUDE_CODE_SOURCES
    }


class SessionWatch:
    """One scanner per distinct config dir; follows settings changes, keeping what it has read."""

    def __init__(self, settings: Settings) -> None:
        self._dirs: dict[str, Path] = {}
        self._scanners: dict[Path, TranscriptScanner] = {}
        self.use(settings)

    def use(self, settings: Settings) -> None:
        self._dirs = session_dirs(settings)
        wanted = set(self._dirs.values())
        self._scanners = {d: self._scanners.get(d) or TranscriptScanner(d) for d in wanted}

    def by_account(
        self, now: datetime, within: timedelta = ACTIVE_WITHIN
    ) -> dict[str, tuple[SessionContext, ...]]:
        per_dir = {d: scanner.active_sessions(now, within) for d, scanner in self._scanners.items()}
        return {name: per_dir[d] for name, d in self._dirs.items()}

    def active(self, now: datetime, within: timedelta = ACTIVE_WITHIN) -> tuple[SessionContext, ...]:
        """Every active session across the config dirs, fullest first."""
        found = [s for scanner in self._scanners.values() for s in scanner.active_sessions(now, within)]
        return select_active(found, now, within)


def add_sessions(document: dict[str, object], settings: Settings, now: datetime) -> dict[str, object]:
    """Give each account of a ``status --json`` document its ``"sessions"`` list (web accounts: [])."""
    found = SessionWatch(settings).by_account(now)
    accounts = document.get("accounts")
    for entry in accounts if isinstance(accounts, list) else ():
        if isinstance(entry, dict):
            entry["sessions"] = [session_json(s) for s in found.get(str(entry.get("name")), ())]
    return document
