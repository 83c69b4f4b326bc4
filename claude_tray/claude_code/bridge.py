"""Is Claude Code's status line wired to claude-tray in a config dir? (read-only)

The bridge is ``claude-tray statusline install``: Claude Code then hands claude-tray its own rate
limits on every turn, so the numbers need no request. The tray offers it with one click, ``doctor``
reports it per config dir, and a 429's hint names it when it is missing. Reading
``settings.json`` here never writes it; only :func:`claude_tray.commands.statusline.install` does.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> bridge_state(d / "absent").value, bridge_state(d).value
('no_config_dir', 'not_installed')
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from pathlib import Path

from claude_tray.i18n import N_

__all__ = ["BridgeState", "bridge_state", "offerable_dirs"]

_MAX_SETTINGS = 4 * 1024 * 1024


class BridgeState(enum.Enum):
    INSTALLED = "installed"  # settings.json runs `claude-tray statusline`
    NOT_INSTALLED = "not_installed"  # the config dir exists, its status line is not ours (or none)
    NO_CONFIG_DIR = "no_config_dir"  # Claude Code has not run with this dir
    UNREADABLE = "unreadable"  # settings.json is not JSON we can read: never offered, never edited

    @property
    def words(self) -> str:  # English; shown as _(state.words)
        return _WORDS[self]


_WORDS = {
    BridgeState.INSTALLED: N_("installed (numbers from Claude Code's status line, no network)"),
    BridgeState.NOT_INSTALLED: N_(
        "not installed: `claude-tray statusline install` gets numbers without asking the API"
    ),
    BridgeState.NO_CONFIG_DIR: N_("no Claude Code config dir here"),
    BridgeState.UNREADABLE: N_("settings.json is unreadable; fix it before installing"),
}


def bridge_state(config_dir: Path) -> BridgeState:
    """The bridge's state in one Claude Code config dir (reads ``settings.json`` only)."""
    from claude_tray.commands.statusline import is_ours

    if not config_dir.is_dir():
        return BridgeState.NO_CONFIG_DIR
    data = _settings(config_dir / "settings.json")
    if data is None:
        return BridgeState.UNREADABLE
    return BridgeState.INSTALLED if is_ours(data.get("statusLine")) else BridgeState.NOT_INSTALLED


def _settings(path: Path) -> dict[str, object] | None:
    """settings.json as an object ({} when absent or empty); None when it cannot be read as one."""
    try:
        if path.exists() and (not path.is_file() or path.stat().st_size > _MAX_SETTINGS):
            return None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def offerable_dirs(config_dirs: Iterable[Path]) -> tuple[Path, ...]:
    """The distinct config dirs where the bridge could be installed now (in order)."""
    seen: list[Path] = []
    for config_dir in config_dirs:
        if config_dir not in seen and bridge_state(config_dir) is BridgeState.NOT_INSTALLED:
            seen.append(config_dir)
    return tuple(seen)
