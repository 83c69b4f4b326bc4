"""``claude-tray statusline [install|uninstall] [--config-dir DIR]``: the Claude Code status-line bridge.

Without an action, Claude Code runs it on every turn with its status-line JSON on stdin: the
rate limits are recorded for the daemon (no network, no token) and one line is printed for the
status bar. If the person had a status-line command before ``install``, it is run with the same
stdin and its output is shown first. Nothing may break their status bar: on bad input or any
failure this prints their line (or nothing) and exits 0.

``install`` / ``uninstall`` are the ONLY code path in claude-tray that writes into Claude
Code's config dir: they edit ``settings.json`` atomically, keep every other key, and save the
previous ``statusLine`` in claude-tray's state dir so ``uninstall`` restores it exactly.

The per-turn feed itself is :mod:`claude_tray.claude_code.statusline_feed` (stdlib only, started by
``cli.main`` before argparse); its functions are re-exported here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.claude_code.statusline_feed import (
    CHAIN_TIMEOUT,
    combine,
    feed_line,
    is_ours,
    previous_command,
)
from claude_tray.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "CHAIN_TIMEOUT",
    "HELP",
    "add_arguments",
    "combine",
    "feed_line",
    "install",
    "is_ours",
    "our_command",
    "previous_command",
    "run",
    "uninstall",
]

HELP = "Claude Code status-line bridge (reads its JSON on stdin); install|uninstall edit its settings.json"
_BACKUP_SCHEMA = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=("install", "uninstall"),
        help="install: make Claude Code run this as its status line (chaining yours); uninstall: restore yours",
    )
    parser.add_argument(
        "--config-dir",
        metavar="DIR",
        help="Claude Code's config dir (default: $CLAUDE_CONFIG_DIR, else ~/.claude)",
    )


def run(args: argparse.Namespace) -> int:
    if args.action is None:
        from claude_tray.claude_code.statusline_feed import main

        return main(args.config_dir)
    from claude_tray.errors import ConfigError
    from claude_tray.paths import claude_config_dir

    config_dir = claude_config_dir(args.config_dir)
    try:
        if args.action == "install":
            message = install(config_dir, _store_root(), our_command(config_dir))
        else:
            message = uninstall(config_dir, _store_root())
    except ConfigError as err:
        sys.stderr.write(f"claude-tray: {err.message}\n")
        return 1
    sys.stdout.write(message + "\n")
    return 0


def _store_root() -> Path:
    from claude_tray.claude_code.statusline import default_root

    return default_root()


# --- install / uninstall: the only writes into Claude Code's config dir ----------------------


def our_command(config_dir: Path) -> str:
    """The shell command Claude Code will run: this installation, by absolute path, for this dir."""
    import os
    import shlex
    import shutil
    import subprocess

    from claude_tray.claude_code.statusline import absolute_dir

    script = Path(sys.argv[0])
    if script.name in ("claude-tray", "claude-tray.exe") and script.exists():
        argv = [str(script.absolute())]
    elif found := shutil.which("claude-tray"):
        argv = [found]
    else:
        argv = [sys.executable, "-m", "claude_tray"]
    argv += ["statusline", "--config-dir", absolute_dir(config_dir)]
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def _backup_path(store_root: Path, config_dir: Path) -> Path:
    from claude_tray.claude_code.statusline_feed import backup_path

    return Path(backup_path(store_root, config_dir))


Settings = dict[str, object]


def install(config_dir: Path, store_root: Path, command: str) -> str:
    """Point Claude Code's ``statusLine`` at ``command``, saving the previous one first."""

    def edit(data: Settings) -> Settings | None:
        current = data.get("statusLine")
        if is_ours(current):
            return None
        _save_backup(store_root, config_dir, data)
        ours: dict[str, object] = {"type": "command", "command": command}
        if isinstance(current, dict) and "padding" in current:
            ours["padding"] = current["padding"]  # keep their spacing choice
        return {**data, "statusLine": ours}

    path, changed, before = _edit_settings(config_dir, edit)
    if not changed:
        return _("already installed in {path}; nothing changed").format(path=path)
    chained = previous_command(store_root, config_dir)
    lines = [
        _("installed: {path} now runs `{command}` as Claude Code's status line").format(
            path=path, command=command
        )
    ]
    if chained:
        lines.append(
            _("your previous status line `{command}` still runs; its output is shown first").format(
                command=chained
            )
        )
    elif before is not None:
        lines.append(_("your previous statusLine setting is saved and comes back on uninstall"))
    lines.append(
        _("undo with: {command}").format(command="claude-tray statusline uninstall" + _dir_flag(config_dir))
    )
    return "\n".join(lines)


def uninstall(config_dir: Path, store_root: Path) -> str:
    """Restore the ``statusLine`` saved by install (or remove ours when there was none)."""
    backup = _load_backup(store_root, config_dir)

    def edit(data: Settings) -> Settings | None:
        if not is_ours(data.get("statusLine")):
            return None  # not ours (any more): never touch the person's own setting
        restored = dict(data)
        if backup is not None and backup.get("had") is True:
            restored["statusLine"] = backup.get("previous")  # same key, same place, same value
        else:
            del restored["statusLine"]
        return restored

    path, changed, _before = _edit_settings(config_dir, edit)
    _backup_path(store_root, config_dir).unlink(missing_ok=True)
    if changed and backup is not None and backup.get("file_existed") is False:
        _remove_if_empty(path)  # install created the file: leave no "{}" behind
    if not changed:
        return _("claude-tray's status line is not installed in {path}; nothing changed").format(path=path)
    if backup is None:
        return _("removed claude-tray's status line from {path} (no earlier setting was saved)").format(
            path=path
        )
    if backup.get("had"):
        return _("uninstalled from {path}; your previous status line is back").format(path=path)
    return _("uninstalled from {path}; there was none before").format(path=path)


def _remove_if_empty(path: Path) -> None:
    import json

    target = path.resolve()
    try:
        empty = json.loads(target.read_text(encoding="utf-8")) == {}
    except (OSError, ValueError):
        return
    if empty:
        target.unlink()


def _dir_flag(config_dir: Path) -> str:
    import shlex

    from claude_tray.paths import claude_config_dir

    return "" if config_dir == claude_config_dir() else f" --config-dir {shlex.quote(str(config_dir))}"


def _save_backup(store_root: Path, config_dir: Path, data: Settings) -> None:
    import json

    from claude_tray.claude_code.statusline import absolute_dir, replace_file

    document = {
        "schema": _BACKUP_SCHEMA,
        "config_dir": absolute_dir(config_dir),
        "had": "statusLine" in data,
        "previous": data.get("statusLine"),
        "file_existed": (config_dir / "settings.json").exists(),
    }
    store_root.mkdir(parents=True, exist_ok=True)
    replace_file(_backup_path(store_root, config_dir), json.dumps(document, indent=2).encode(), durable=True)


def _load_backup(store_root: Path, config_dir: Path) -> Settings | None:
    import json

    try:
        backup = json.loads(_backup_path(store_root, config_dir).read_bytes())
    except (OSError, ValueError):
        return None
    return backup if isinstance(backup, dict) and backup.get("schema") == _BACKUP_SCHEMA else None


def _edit_settings(
    config_dir: Path, edit: Callable[[Settings], Settings | None]
) -> tuple[Path, bool, object]:
    """Read settings.json, apply ``edit``, write it back atomically unless it changed meanwhile.

    Returns (path, whether it was written, the statusLine value before). A symlinked file (a
    dotfiles repo) is written through to its target rather than replaced by a plain file.
    """
    from claude_tray.claude_code.statusline import replace_file
    from claude_tray.errors import ConfigError, ConfigProblem

    path = config_dir / "settings.json"
    target = path.resolve() if path.is_symlink() else path
    for _attempt in range(3):
        data, text = _load_settings(target)
        new = edit(data)
        if new is None:
            return path, False, data.get("statusLine")
        if _read_text(target) != text:
            continue  # Claude Code (or an editor) saved meanwhile: start over from its version
        mode = target.stat().st_mode & 0o777 if text is not None else 0o600
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, _render(new, text).encode(), mode, durable=True)
        return path, True, data.get("statusLine")
    problem = ConfigProblem(
        str(path), None, "statusLine", "the file kept changing while being edited; try again"
    )
    raise ConfigError((problem,), hint="")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _load_settings(path: Path) -> tuple[Settings, str | None]:
    import json

    from claude_tray.errors import ConfigError, ConfigProblem

    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError((ConfigProblem(str(path), None, "", f"cannot read it: {err}"),)) from err
    if text is None or not text.strip():
        return {}, text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        problem = ConfigProblem(str(path), err.lineno, "", f"not valid JSON ({err.msg}); nothing was changed")
        raise ConfigError((problem,)) from err
    if not isinstance(data, dict):
        raise ConfigError((ConfigProblem(str(path), None, "", "is not a JSON object; nothing was changed"),))
    return data, text


def _render(data: Settings, original: str | None) -> str:
    """JSON in the file's own indentation (Claude Code writes 2 spaces) and final-newline style."""
    import json
    import re

    indent: int | str | None = 2
    separators = None
    found = re.search(r'^([ \t]+)"', original or "", re.MULTILINE)
    if found:
        indent = found.group(1) if "\t" in found.group(1) else len(found.group(1))
    elif original and original.strip() and "\n" not in original.strip():  # one line stays one line
        indent = None
        separators = (",", ":") if re.search(r'"\s*:\S', original) and '": ' not in original else None
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)
    return text + "\n" if original is None or original.endswith("\n") or not original.strip() else text
