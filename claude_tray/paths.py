"""Where claude-tray keeps its files. The only module that imports platformdirs.

Examples on Linux: ``~/.config/claude-tray/config.toml``, ``~/.local/state/claude-tray``,
``~/.local/share/claude-tray/history.sqlite3``. Nothing here ever points into ``~/.claude``.

Importing it costs nothing beyond ``os``: ``claude-tray statusline`` (run by Claude Code on every
turn) needs the state dir and Claude Code's config dir as strings, and pathlib plus platformdirs
would double its start-up. So :func:`state_dir_str` answers the cases every platformdirs 4.x
answers alike (Linux, macOS without ``$XDG_STATE_HOME``) with the same rule in plain ``os.path``,
and asks platformdirs for everything else; the daemon uses the same function, so the feed and
the daemon always agree on where records live.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself is not imported here (start-up cost, see above)
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "APP_NAME",
    "cache_dir",
    "claude_config_dir",
    "claude_config_dir_str",
    "config_dir",
    "data_dir",
    "settings_file",
    "state_dir",
    "state_dir_str",
]

APP_NAME = "claude-tray"


def config_dir() -> Path:
    """e.g. ``~/.config/claude-tray``; ``CLAUDE_TRAY_CONFIG_DIR`` overrides it."""
    from pathlib import Path

    import platformdirs

    override = os.environ.get("CLAUDE_TRAY_CONFIG_DIR")
    return Path(override) if override else platformdirs.user_config_path(APP_NAME, appauthor=False)


def settings_file() -> Path:
    """e.g. ``~/.config/claude-tray/config.toml``; ``CLAUDE_TRAY_CONFIG`` names another file."""
    from pathlib import Path

    override = os.environ.get("CLAUDE_TRAY_CONFIG")
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def state_dir() -> Path:
    """e.g. ``~/.local/state/claude-tray``: status-line records, last poll outcomes."""
    from pathlib import Path

    return Path(state_dir_str())


def state_dir_str() -> str:
    """:func:`state_dir` as a string, without importing platformdirs where the rule is settled."""
    settled = _settled_state_dir()
    if settled is not None:
        return settled
    import platformdirs

    return str(platformdirs.user_state_path(APP_NAME, appauthor=False))


def _settled_state_dir() -> str | None:
    """platformdirs' ``user_state_path`` where all its 4.x versions agree; None elsewhere."""
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home) or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None  # home from the password database, or Android: platformdirs' own rules
    xdg = os.environ.get("XDG_STATE_HOME", "")
    if sys.platform == "linux":
        if xdg.strip() and not os.path.isabs(xdg):
            return None  # relative: older versions use it, newer ones ignore it
        base = xdg if os.path.isabs(xdg) else os.path.join(home, ".local", "state")
    elif sys.platform == "darwin" and not xdg:  # newer versions honour XDG_STATE_HOME on macOS too
        base = os.path.join(home, "Library", "Application Support")
    else:
        return None
    return os.path.join(base, APP_NAME)


def data_dir() -> Path:
    """e.g. ``~/.local/share/claude-tray``: the usage history database."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """e.g. ``~/.cache/claude-tray``: rendered icons handed to the tray host."""
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def claude_config_dir(configured: str | None = None) -> Path:
    """Claude Code's config dir: the account's ``config_dir``, else ``$CLAUDE_CONFIG_DIR``, else ``~/.claude``."""
    from pathlib import Path

    return Path(claude_config_dir_str(configured))


def claude_config_dir_str(configured: str | None = None) -> str:
    """:func:`claude_config_dir` as a string (``~`` expanded), for the status-line feed."""
    chosen = configured or os.environ.get("CLAUDE_CONFIG_DIR") or os.path.join("~", ".claude")
    return os.path.expanduser(chosen)
