"""``claude-tray config path|show|check|edit``: find, read, validate and open the settings file.

``check`` prints exactly the lines the running daemon shows for an invalid file (file:line, key,
what is wrong) and exits 1; ``edit`` writes the commented default first if there is no file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.i18n import _

if TYPE_CHECKING:
    from claude_tray.settings.model import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "show, check or edit the settings file (path | show | check | edit)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("path", help="print where the settings file is")
    sub.add_parser("show", help="print the settings in effect (defaults filled in) as TOML")
    sub.add_parser("check", help="validate the file; exit 1 with file:line and what is wrong")
    sub.add_parser("edit", help="open the file in $VISUAL / $EDITOR (creates the commented default first)")


def run(args: argparse.Namespace) -> int:
    from claude_tray.paths import settings_file

    path = settings_file()
    action: str = args.action
    if action == "path":
        sys.stdout.write(f"{path}\n")
        return 0
    if action == "show":
        return _show(path)
    if action == "check":
        return _check(path)
    return _edit(path)


def _check(path: Path) -> int:
    from claude_tray.errors import ConfigError
    from claude_tray.settings.file import problem_lines
    from claude_tray.settings.schema import load_settings

    try:
        settings = load_settings(path)
    except ConfigError as err:
        sys.stderr.write("".join(f"{line}\n" for line in problem_lines(err)))
        return 1
    ok = _("{path}: OK") if path.exists() else _("{path}: OK (no file: defaults)")
    sys.stdout.write(ok.format(path=path) + "\n")
    sys.stderr.write("".join(f"{line}\n" for line in ring_warnings(settings, _reported_keys())))
    return 0


def ring_warnings(settings: Settings, reported: set[str]) -> list[str]:
    """A warning per ``[icon]`` ring naming a window never reported (that ring would stay unknown)."""
    from claude_tray.api.parse import known_window_keys

    known = reported or set(known_window_keys())
    where = "the stored readings report" if reported else "claude-tray knows"
    lines = []
    for ring in ("outer", "inner"):
        key = getattr(settings.icon, ring)
        if key not in known:
            choices = ", ".join(sorted(known))
            lines.append(
                f"warning: [icon] {ring} = {key!r} is not a window {where}; that ring stays unknown "
                f"(window keys: {choices})"
            )
    return lines


def _reported_keys() -> set[str]:
    """Window keys in the local history (what this plan has really reported); empty without one."""
    import sqlite3

    from claude_tray.usage.history import History, default_path

    history = History(default_path())
    if not history.exists():
        return set()
    try:
        rows, _extras = history.latest()
    except (OSError, sqlite3.Error):
        return set()
    return {r.window for r in rows}


def _show(path: Path) -> int:
    from dataclasses import asdict

    import tomli_w

    from claude_tray.errors import ConfigError
    from claude_tray.settings.file import problem_lines
    from claude_tray.settings.schema import load_settings

    try:
        settings = load_settings(path)
    except ConfigError as err:
        sys.stderr.write("".join(f"{line}\n" for line in problem_lines(err)))
        return 1
    sys.stdout.write(f"# settings in effect, read from {path} (defaults filled in)\n")
    sys.stdout.write(tomli_w.dumps(asdict(settings)))
    return 0


def _edit(path: Path) -> int:
    from claude_tray.errors import ClaudeTrayError
    from claude_tray.settings.opener import desktop_opener, editor_command, open_in_editor

    try:
        status = open_in_editor(path)
    except (ClaudeTrayError, OSError) as err:
        hint = getattr(err, "hint", "") or _("set $EDITOR, or open the file yourself")
        sys.stderr.write(_("cannot start an editor: {error} ({hint})").format(error=err, hint=hint) + "\n")
        return 1
    if editor_command(os.environ) is None and desktop_opener() is not None:
        opened = _("opened {path} with the desktop's editor (set $VISUAL or $EDITOR to use yours)")
        sys.stdout.write(opened.format(path=path) + "\n")
        return 0
    if status != 0:
        sys.stderr.write(_("the editor exited with status {status}").format(status=status) + "\n")
        return status
    return _check(path)
