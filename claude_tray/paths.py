"""Where claude-tray keeps its files. The only module that imports platformdirs.

Examples on Linux: ``~/.config/claude-tray/config.toml``, ``~/.local/state/claude-tray``,
``~/.local/share/claude-tray/history.sqlite3``. Nothing here ever points into ``~/.claude``.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "cache_dir",
    "claude_config_dir",
    "config_dir",
    "data_dir",
    "settings_file",
    "state_dir",
]

APP_NAME = "claude-tray"


def config_dir() -> Path:
    """e.g. ``~/.config/claude-tray``; ``CLAUDE_TRAY_CONFIG_DIR`` overrides it."""
    override = os.environ.get("CLAUDE_TRAY_CONFIG_DIR")
    return Path(override) if override else platformdirs.user_config_path(APP_NAME, appauthor=False)


def settings_file() -> Path:
    """e.g. ``~/.config/claude-tray/config.toml``; ``CLAUDE_TRAY_CONFIG`` names another file."""
    override = os.environ.get("CLAUDE_TRAY_CONFIG")
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def state_dir() -> Path:
    """e.g. ``~/.local/state/claude-tray``: status-line records, last poll outcomes."""
    return platformdirs.user_state_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """e.g. ``~/.local/share/claude-tray``: the usage history database."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """e.g. ``~/.cache/claude-tray``: rendered icons handed to the tray host."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def claude_config_dir(configured: str | None = None) -> Path:
    """Claude Code's config dir: the account's ``config_dir``, else ``$CLAUDE_CONFIG_DIR``, else ``~/.claude``."""
    if configured:
        return Path(configured).expanduser()
    env = os.environ.get("CLAUDE_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".claude"
