"""What ``claude-tray statusline`` does on every Claude Code turn: record the limits, print one line.

Claude Code runs the command and waits for it on every turn, so it must start like a small
script: ``cli.main`` hands over here before argparse, and this module imports only the standard
library modules a stdlib script would (json, datetime, os, subprocess when chaining). No
pathlib, dataclasses, typing, hashlib, tempfile, platformdirs or anything of the tray;
``tests/test_lean_imports.py`` guards that and ``tests/bench/cli_speed.py`` measures it.

The richer side (``FeedReading``, ``RecordStore``, snapshots for the daemon) is
:mod:`claude_tray.claude_code.statusline`, which parses, keys and writes through the functions here, so the
feed and the daemon cannot disagree about a record. Nothing may break the person's status bar:
on bad input or any failure :func:`main` prints their own line (or nothing) and exits 0.

>>> limits = read_limits({"five_hour": {"used_percentage": 42, "resets_at": 1795321848}})
>>> limits["five_hour"][0]
42.0
>>> read_limits({"five_hour": {"used_percentage": 1795321848}})  # an epoch leaked into the field
{}
"""

from __future__ import annotations

import json
import math
import os
import sys
import unicodedata
from datetime import UTC, datetime

from claude_tray.digest import sha256_hex
from claude_tray.report.formats import format_duration, format_percent

TYPE_CHECKING = False  # typing itself costs a few ms of start-up; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Mapping

    StrPath = str | os.PathLike[str]
    Limit = tuple[float, datetime | None]  # used percent, resets_at (aware UTC)

__all__ = [
    "CHAIN_TIMEOUT",
    "RECORDS_DIR",
    "WINDOWS",
    "absolute_dir",
    "backup_path",
    "combine",
    "config_key",
    "feed_line",
    "is_ours",
    "load_object",
    "main",
    "previous_command",
    "read_limits",
    "record_path",
    "replace_file",
    "run_previous",
    "status_line",
    "write_record",
]

CHAIN_TIMEOUT = 3.0  # seconds the person's own status-line command may take
RECORDS_DIR = "statusline"  # under claude-tray's state dir: records and install backups
WINDOWS = (("five_hour", "5h"), ("seven_day", "7d"))  # (key, short label), in display order
MAX_PERCENT = 200.0  # 105 % has been seen; an epoch leaking into the field is ~1.7e9
_EPOCH_MIN = 1_000_000_000  # 2001-09-09 in seconds
_EPOCH_MAX = 10_000_000_000  # 2286; anything larger is milliseconds or garbage
RECORD_SCHEMA = 1


def main(config_dir_arg: str | None) -> int:
    """The command: stdin -> record + one line on stdout. Always exits 0."""
    try:
        raw = sys.stdin.buffer.read()
    except (OSError, ValueError):
        raw = b""
    try:
        from claude_tray.paths import claude_config_dir_str, state_dir_str

        store_root = os.path.join(state_dir_str(), RECORDS_DIR)
        now = datetime.now(UTC)  # the clock edge of this short-lived process (clock.py pulls typing in)
        line = feed_line(raw, claude_config_dir_str(config_dir_arg), store_root, now)
    except Exception:  # noqa: BLE001 - whatever happens, the person's status bar must keep working
        line = ""
    if line:
        sys.stdout.write(line + "\n")
    return 0


def feed_line(
    raw: bytes, config_dir: StrPath, store_root: StrPath, now: datetime, chain_timeout: float = CHAIN_TIMEOUT
) -> str:
    """Record the payload's limits and return the status-bar text (theirs first, then ours)."""
    previous = previous_command(store_root, config_dir)
    theirs = run_previous(previous, raw, chain_timeout) if previous else ""
    return combine(theirs, _our_part(raw, config_dir, store_root, now))


def _our_part(raw: bytes, config_dir: StrPath, store_root: StrPath, now: datetime) -> str:
    try:
        limits = read_limits(load_object(raw).get("rate_limits"))
        write_record(store_root, config_dir, limits, now)
        return status_line(limits, now)
    except Exception:  # noqa: BLE001 - bad input or a full disk must not cost the person their line
        return ""


def combine(theirs: str, ours: str) -> str:
    """Their output as it was, ours appended to its last line."""
    if theirs and ours:
        return f"{theirs} | {ours}"
    return theirs or ours


# --- parsing: what one payload (or record) says about the limits ----------------------------


def load_object(raw: bytes) -> dict[str, object]:
    """The status-line JSON object; ValueError (with a sentence) when it is not one."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise ValueError("the status-line input is not JSON") from err
    if not isinstance(data, dict):
        raise ValueError("the status-line input is not a JSON object")
    return data


def _percent(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0.0 <= number <= MAX_PERCENT else None


def _epoch(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return datetime.fromtimestamp(value, UTC) if _EPOCH_MIN <= value < _EPOCH_MAX else None


def read_limits(limits: object) -> dict[str, Limit]:
    """``{"five_hour": (used, resets_at), ...}`` for each plausible window (range-checked)."""
    found: dict[str, Limit] = {}
    if not isinstance(limits, dict):
        return found
    for key, _short in WINDOWS:
        value = limits.get(key)
        used = _percent(value.get("used_percentage")) if isinstance(value, dict) else None
        if isinstance(value, dict) and used is not None:
            found[key] = (used, _epoch(value.get("resets_at")))
    return found


def status_line(limits: Mapping[str, Limit], now: datetime) -> str:
    """Our part of the status bar: '5h 42% (2h 14m) · 7d 81% (3d 4h)'; empty without limits."""
    parts = []
    for key, short in WINDOWS:
        if key not in limits:
            continue
        used, resets_at = limits[key]
        left = (resets_at - now).total_seconds() if resets_at is not None else 0.0
        countdown = f" ({format_duration(left)})" if left > 0 else ""
        parts.append(f"{short} {format_percent(used)}{countdown}")
    return " · ".join(parts)


# --- records: one small JSON file per Claude Code config dir ---------------------------------


def absolute_dir(config_dir: StrPath) -> str:
    """``~`` expanded, made absolute and normalised (symlinks are left alone), NFC."""
    return unicodedata.normalize("NFC", os.path.abspath(os.path.expanduser(os.fspath(config_dir))))


def config_key(config_dir: StrPath) -> str:
    """A stable file-name-safe key for a config dir: a hash of :func:`absolute_dir`."""
    return sha256_hex(absolute_dir(config_dir).encode())[:16]


def record_path(store_root: StrPath, config_dir: StrPath) -> str:
    return os.path.join(os.fspath(store_root), f"{config_key(config_dir)}.json")


def _limit_json(limit: Limit | None) -> dict[str, object] | None:
    if limit is None:
        return None
    used, resets_at = limit
    return {"used_percentage": used, "resets_at": int(resets_at.timestamp()) if resets_at else None}


def write_record(
    store_root: StrPath, config_dir: StrPath, limits: Mapping[str, Limit], now: datetime
) -> None:
    """Record the limits (atomically); no limits changes nothing, so the last record stays."""
    if not limits:
        return
    document = {
        "schema": RECORD_SCHEMA,
        "config_dir": absolute_dir(config_dir),
        "written_at": now.astimezone(UTC).isoformat(),
        **{key: _limit_json(limits.get(key)) for key, _short in WINDOWS},
    }
    os.makedirs(store_root, exist_ok=True)
    replace_file(record_path(store_root, config_dir), json.dumps(document).encode())


def replace_file(path: StrPath, data: bytes, mode: int = 0o600, *, durable: bool = False) -> None:
    """Write ``data`` so readers see the old or the new file, never half (temp file + os.replace)."""
    target = os.fspath(path)
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):  # what tempfile.mkstemp does, without importing tempfile
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name next to {target}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # on the temp file's name, before it replaces the real one
        os.replace(tmp, target)  # atomic rename is the point
    except BaseException:
        try:  # noqa: SIM105 - contextlib would be one more import on the hot path
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- chaining the person's own status line ---------------------------------------------------


def is_ours(value: object) -> bool:
    """Whether a ``statusLine`` setting runs ``claude-tray statusline``."""
    if not isinstance(value, dict) or not isinstance(value.get("command"), str):
        return False
    command = value["command"]
    return ("claude-tray" in command or "claude_tray" in command) and "statusline" in command


def backup_path(store_root: StrPath, config_dir: StrPath) -> str:
    """Where ``statusline install`` keeps the person's previous ``statusLine`` for a config dir."""
    return os.path.join(os.fspath(store_root), f"install-{config_key(config_dir)}.json")


def previous_command(store_root: StrPath, config_dir: StrPath) -> str | None:
    """The status-line command that was configured before ``install`` (to chain), if any."""
    try:
        with open(backup_path(store_root, config_dir), "rb") as fh:
            backup = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    previous = backup.get("previous") if isinstance(backup, dict) else None
    if not isinstance(previous, dict) or is_ours(previous):
        return None
    command = previous.get("command")
    return command if isinstance(command, str) and command.strip() else None


def run_previous(command: str, raw: bytes, timeout: float) -> str:
    """Run the person's own status-line command with the same stdin; its stdout, or "" on failure."""
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
