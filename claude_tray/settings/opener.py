"""Opening a file for a person: the settings in their editor, a chart in the desktop's viewer."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from claude_tray.errors import ClaudeTrayError
from claude_tray.i18n import _
from claude_tray.settings.file import ensure_settings_file

__all__ = [
    "KNOWN_EDITORS",
    "Runner",
    "desktop_opener",
    "editor_command",
    "open_file",
    "open_in_editor",
    "open_with_desktop",
]


Runner = Callable[[Sequence[str]], int]  # runs argv to completion, returns the exit status


def _run(argv: Sequence[str]) -> int:
    return subprocess.run(list(argv), check=False).returncode


_children: list[subprocess.Popen[bytes]] = []  # openers still running; reaped on the next spawn


def _spawn(argv: Sequence[str]) -> int:
    # not waited for: xdg-open may stay until the editor closes, and the menu must not block
    _children[:] = [child for child in _children if child.poll() is None]
    _children.append(subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, start_new_session=True))
    return 0


def editor_command(env: Mapping[str, str]) -> list[str] | None:
    """The person's editor from $VISUAL, else $EDITOR (shell words, e.g. ``code --wait``)."""
    for var in ("VISUAL", "EDITOR"):
        words = shlex.split(env.get(var, ""))
        if words:
            return words
    return None


KNOWN_EDITORS = ("sensible-editor", "editor", "nano", "vim", "vi")  # Debian's first, then common ones


def open_in_editor(
    path: Path,
    *,
    env: Mapping[str, str] | None = None,
    run: Runner = _run,
    which: Callable[[str], str | None] = shutil.which,
    platform: str = sys.platform,
) -> int:
    """Run $VISUAL/$EDITOR on the file and wait; without either, hand it to the desktop, and
    without a desktop opener (no xdg-open), run a known terminal editor found on PATH."""
    ensure_settings_file(path)
    command = editor_command(os.environ if env is None else env)
    if command is None and desktop_opener(platform, which) is None:
        command = next(([found] for name in KNOWN_EDITORS if (found := which(name))), None)
    if command is None:
        open_with_desktop(path, platform=platform, which=which)
        return 0
    return run([*command, str(path)])


def desktop_opener(
    platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which
) -> list[str] | None:
    """How this desktop opens a file with its default application; None when nothing can."""
    if platform == "win32":
        return ["startfile"]
    if platform == "darwin":
        return ["open"]
    if which("xdg-open"):
        return ["xdg-open"]
    if which("gio"):
        return ["gio", "open"]  # GLib's opener: present on most desktops even without xdg-utils
    return None


def open_with_desktop(
    path: Path,
    *,
    platform: str = sys.platform,
    spawn: Runner = _spawn,
    startfile: Callable[[str], None] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> None:
    """Open the file in the desktop's default editor without waiting (for the menu)."""
    ensure_settings_file(path)
    open_file(path, text=True, platform=platform, spawn=spawn, startfile=startfile, which=which)


def open_file(
    path: Path,
    *,
    text: bool = False,
    platform: str = sys.platform,
    spawn: Runner = _spawn,
    startfile: Callable[[str], None] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> None:
    """Open any file with the desktop's default application, without waiting (the history chart
    in the image viewer; with ``text``, the settings file in the text editor)."""
    how = _("in your editor") if text else _("with your image viewer or browser")
    opener = desktop_opener(platform, which)
    if opener is None:  # say which program is missing, not "No such file" about a file that exists
        raise ClaudeTrayError(
            f"cannot open {path}: xdg-open is not installed",
            hint=_("install xdg-utils, or open {path} {how}").format(path=path, how=how),
        )
    try:
        if platform == "win32":
            (startfile or getattr(os, "startfile"))(str(path))  # noqa: B009 - Windows-only attribute
        elif platform == "darwin":
            # -t: the default *text* editor, whatever .toml maps to
            spawn(["open", "-t", str(path)] if text else ["open", str(path)])
        else:
            spawn([*opener, str(path)])
    except FileNotFoundError as err:
        raise ClaudeTrayError(
            f"cannot open {path}: {opener[0]} is not installed",
            hint=_("open {path} {how}").format(path=path, how=how),
        ) from err
    except OSError as err:
        raise ClaudeTrayError(
            f"cannot open {path}: {err.strerror or err}",
            hint=_("open {path} {how}").format(path=path, how=how),
        ) from err
