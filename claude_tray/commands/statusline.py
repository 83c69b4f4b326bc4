"""``claude-tray statusline [install|uninstall] [--config-dir DIR]``: the Claude Code status-line bridge.

Without an action, Claude Code runs it on every turn with its status-line JSON on stdin: the
rate limits are recorded for the daemon (no network, no token) and one line is printed for the
status bar. If the person had a status-line command before ``install``, it is run with the same
stdin and its output is shown first. Nothing may break their status bar: on bad input or any
failure this prints their line (or nothing) and exits 0.

``install`` / ``uninstall`` are the ONLY code path in claude-tray that writes into Claude
Code's config dir: they edit ``settings.json`` atomically, keep every other key, and save the
previous ``statusLine`` in claude-tray's state dir so ``uninstall`` restores it exactly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

__all__ = [
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
CHAIN_TIMEOUT = 3.0  # seconds the person's own status-line command may take
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
        return _feed(args.config_dir)
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


# --- the status-line feed (runs on every Claude Code turn: fast, never fails) -----------------


def _feed(config_dir_arg: str | None) -> int:
    try:
        raw = sys.stdin.buffer.read()
    except (OSError, ValueError):
        raw = b""
    try:
        from claude_tray.clock import SystemClock
        from claude_tray.paths import claude_config_dir

        line = feed_line(raw, claude_config_dir(config_dir_arg), _store_root(), SystemClock().now())
    except Exception:  # noqa: BLE001 - whatever happens, the person's status bar must keep working
        line = ""
    if line:
        sys.stdout.write(line + "\n")
    return 0


def feed_line(
    raw: bytes, config_dir: Path, store_root: Path, now: datetime, chain_timeout: float = CHAIN_TIMEOUT
) -> str:
    """Record the payload's limits and return the status-bar text (theirs first, then ours)."""
    previous = previous_command(store_root, config_dir)
    theirs = _run_previous(previous, raw, chain_timeout) if previous else ""
    return combine(theirs, _our_part(raw, config_dir, store_root, now))


def _our_part(raw: bytes, config_dir: Path, store_root: Path, now: datetime) -> str:
    from claude_tray.claude_code.statusline import RecordStore, parse_feed, status_text

    try:
        reading = parse_feed(raw)
        RecordStore(store_root).write(config_dir, reading, now)
        return status_text(reading, now)
    except Exception:  # noqa: BLE001 - bad input or a full disk must not cost the person their line
        return ""


def combine(theirs: str, ours: str) -> str:
    """Their output as it was, ours appended to its last line."""
    if theirs and ours:
        return f"{theirs} | {ours}"
    return theirs or ours


def _run_previous(command: str, raw: bytes, timeout: float) -> str:
    """Run the person's own status-line command with the same stdin; its stdout, or "" on failure."""
    import os
    import signal
    import subprocess

    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(  # noqa: S602 - the person's own shell command, as Claude Code runs it
            command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=posix,
        )  # fmt: skip
    except OSError:
        return ""
    try:
        out, _ = proc.communicate(raw, timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)  # the shell and whatever it started
        else:
            proc.kill()
        proc.communicate()
        return ""
    return out.decode("utf-8", "replace").rstrip("\r\n")


# --- install / uninstall: the only writes into Claude Code's config dir ----------------------


def is_ours(value: object) -> bool:
    """Whether a ``statusLine`` setting runs ``claude-tray statusline``."""
    if not isinstance(value, dict) or not isinstance(value.get("command"), str):
        return False
    command = value["command"]
    return ("claude-tray" in command or "claude_tray" in command) and "statusline" in command


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
    from claude_tray.claude_code.statusline import config_key

    return store_root / f"install-{config_key(config_dir)}.json"


def previous_command(store_root: Path, config_dir: Path) -> str | None:
    """The status-line command that was configured before ``install`` (to chain), if any."""
    import json

    try:
        backup = json.loads(_backup_path(store_root, config_dir).read_bytes())
    except (OSError, ValueError):
        return None
    previous = backup.get("previous") if isinstance(backup, dict) else None
    if not isinstance(previous, dict) or is_ours(previous):
        return None
    command = previous.get("command")
    return command if isinstance(command, str) and command.strip() else None


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
        return f"already installed in {path}; nothing changed"
    chained = previous_command(store_root, config_dir)
    lines = [f"installed: {path} now runs `{command}` as Claude Code's status line"]
    if chained:
        lines.append(f"your previous status line `{chained}` still runs; its output is shown first")
    elif before is not None:
        lines.append("your previous statusLine setting is saved and comes back on uninstall")
    lines.append("undo with: claude-tray statusline uninstall" + _dir_flag(config_dir))
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

    path, changed, _ = _edit_settings(config_dir, edit)
    _backup_path(store_root, config_dir).unlink(missing_ok=True)
    if changed and backup is not None and backup.get("file_existed") is False:
        _remove_if_empty(path)  # install created the file: leave no "{}" behind
    if not changed:
        return f"claude-tray's status line is not installed in {path}; nothing changed"
    if backup is None:
        return f"removed claude-tray's status line from {path} (no earlier setting was saved)"
    restored = "your previous status line is back" if backup.get("had") else "there was none before"
    return f"uninstalled from {path}; {restored}"


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
