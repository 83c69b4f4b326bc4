"""The settings file on disk: first-run default, app edits that keep comments, editor, hot reload.

* :func:`ensure_settings_file` writes the commented default (mode 0600, temp file + replace).
* :func:`set_value`, :func:`append_account`, :func:`remove_account` change the *text* (see
  :mod:`claude_tray.settings.toml_edit`) and refuse to write unless re-parsing proves that exactly the
  intended value changed and every comment line survived.
* :func:`open_in_editor` ($VISUAL/$EDITOR, for the CLI) and :func:`open_with_desktop` (xdg-open,
  open, os.startfile; for the menu), runners injected.
* :class:`SettingsWatcher`: a cheap stat check the caller's loop runs; it yields new Settings or
  the ConfigError, and keeps the last good settings.
"""

from __future__ import annotations

import copy
import os
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from claude_tray import localfile
from claude_tray.errors import ConfigError, ConfigProblem
from claude_tray.i18n import _
from claude_tray.settings.docs import default_file_text, toml_value
from claude_tray.settings.model import AccountSettings, Settings
from claude_tray.settings.schema import load_settings, parse_settings
from claude_tray.settings.toml_edit import set_key, split_statements

__all__ = [
    "SettingsWatcher",
    "append_account",
    "ensure_settings_file",
    "problem_lines",
    "remove_account",
    "set_value",
    "write_atomic",
]


def problem_lines(error: ConfigError) -> tuple[str, ...]:
    """One line per problem, "file:line: [key] what is wrong": the daemon and `config check` both show these."""
    return tuple(str(p) for p in error.problems)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so a reader sees the old or the new file, never half of one (mode 0600).

    A symlinked file (dotfiles) is written through the link: the link itself stays.
    """
    path = path.resolve() if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o600)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_settings_file(path: Path) -> bool:
    """Write the commented default file if there is none; True when it was written."""
    if path.exists():
        return False
    write_atomic(path, default_file_text())
    return True


def set_value(path: Path, dotted: str, value: object) -> None:
    """Change one key (``"general.poll_interval"``) in place, keeping every comment and unknown key.

    Raises ConfigError (nothing written) if the value is invalid or the file cannot be edited safely.
    """
    table, _dot, key = dotted.rpartition(".")
    section = tuple(table.split(".")) if table else ()
    rendered = toml_value(value)

    def edit(text: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        lines = set_key(text.splitlines(), section, key, rendered)
        expected = copy.deepcopy(data)
        node = expected
        for name in section:
            node = node.setdefault(name, {})
        node[key] = tomllib.loads(f"v = {rendered}")["v"]
        return "\n".join(lines) + "\n", expected

    _edit(path, dotted, edit)


def append_account(path: Path, account: AccountSettings) -> None:
    """Add an [[accounts]] table at the end of the file.

    With no [[accounts]] in the file the implicit "default" account is no longer implied once one
    is added; a caller that wants to keep it appends ``AccountSettings()`` first.
    """
    block = _account_block(account)
    if parse_settings(block, str(path)).accounts != (account,):
        raise ConfigError((ConfigProblem(str(path), None, "accounts", "account settings do not round-trip"),))

    def edit(text: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        names = [a.get("name") for a in data.get("accounts", [])]
        if account.name in names:
            problem = ConfigProblem(
                str(path), None, "accounts.name", f"an account named {account.name!r} exists"
            )
            raise ConfigError((problem,))
        expected = copy.deepcopy(data)
        expected.setdefault("accounts", []).append(tomllib.loads(block)["accounts"][0])
        return text.rstrip("\n") + "\n\n" + block, expected

    _edit(path, "accounts", edit)


def _account_block(account: AccountSettings) -> str:
    default = AccountSettings()
    lines = ["[[accounts]]"]
    for f in fields(AccountSettings):
        value = getattr(account, f.name)
        if f.name in ("name", "source") or value != getattr(default, f.name):
            lines.append(f"{f.name} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def remove_account(path: Path, name: str) -> None:
    """Remove the [[accounts]] table named ``name`` by commenting it out: nothing the person wrote is lost."""

    def edit(text: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        lines = text.splitlines()
        start, end = _account_span(lines, name, str(path))
        note = f"# [account {name!r} removed by `claude-tray accounts remove`; delete these lines or restore them]"
        new = [
            *lines[:start],
            note,
            *(f"# {line}" if line else "#" for line in lines[start:end]),
            *lines[end:],
        ]
        expected = copy.deepcopy(data)
        expected["accounts"] = [a for a in data["accounts"] if a.get("name") != name]
        if not expected["accounts"]:
            del expected["accounts"]
        return "\n".join(new) + "\n", expected

    _edit(path, "accounts", edit)


def _account_span(lines: list[str], name: str, where: str) -> tuple[int, int]:
    statements = split_statements(lines)
    for index, stmt in enumerate(statements):
        if stmt.kind != "header" or stmt.table != ("accounts",) or not stmt.array:
            continue
        body = []
        for later in statements[index + 1 :]:
            if later.kind == "header":
                break
            body.append(later)
        keys = [s for s in body if s.kind == "key"]
        if any(s.key == "name" and s.value == name for s in keys):
            return stmt.start, (keys[-1].end if keys else stmt.end)
    problem = ConfigProblem(where, None, "accounts.name", f"no account named {name!r}")
    raise ConfigError((problem,), hint=_("`claude-tray accounts list` shows the names"))


Edit = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _edit(path: Path, key: str, edit: Edit) -> None:
    """Read, edit, prove the edit, write; retried if the file changes underneath (an editor saving)."""
    ensure_settings_file(path)
    for _attempt in range(3):
        text = localfile.read_text(path)
        data = _parse_for_edit(text, str(path))
        new_text, expected = edit(text, data)
        _verify(text, new_text, expected, str(path), key)
        if localfile.read_text(path) == text:
            write_atomic(path, new_text)
            return
    raise ConfigError((ConfigProblem(str(path), None, key, "the file keeps changing; try again"),), hint="")


def _parse_for_edit(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        parse_settings(text, where)  # raises ConfigError with the line
        raise ConfigError((ConfigProblem(where, None, "", f"not valid TOML: {err}"),)) from err


def _verify(old: str, new: str, expected: dict[str, Any], where: str, key: str) -> None:
    def refuse(why: str) -> ConfigError:
        return ConfigError((ConfigProblem(where, None, key, f"{why}; change it by hand instead"),), hint="")

    try:
        if tomllib.loads(new) != expected:
            raise refuse("cannot change this file automatically without touching other settings")
    except tomllib.TOMLDecodeError as err:
        raise refuse("the edit would break the file") from err
    kept = [line.strip() for line in new.splitlines()]
    if any(line.strip() not in kept and not _commented_out(line, kept) for line in _comments(old)):
        raise refuse("the edit would lose a comment")
    before = {(p.key, p.message) for p in _problems(old, where)}
    ours = tuple(
        p
        for p in _problems(new, where)
        if (p.key == key or p.key.startswith(f"{key}.")) and (p.key, p.message) not in before
    )
    if ours:  # the new value itself is wrong (problems the person already had are not ours to fix)
        raise ConfigError(ours)


def _problems(text: str, where: str) -> tuple[ConfigProblem, ...]:
    try:
        parse_settings(text, where)
    except ConfigError as err:
        return err.problems
    return ()


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith("#")]


def _commented_out(line: str, kept: list[str]) -> bool:
    return f"# {line.strip()}" in kept


# -- opening the file -------------------------------------------------------------------------


# -- hot reload --------------------------------------------------------------------------------

Signature = tuple[int, int, int] | None  # (mtime_ns, size, inode); None = no file
_UNSEEN = (-1, -1, -1)


def _signature(path: Path) -> Signature:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class SettingsWatcher:
    """Notices a saved settings file with one stat() per :meth:`check`; no thread of its own.

    A change is loaded once the file has stopped changing between two checks, so an editor caught
    mid-save is never reported as an invalid file. An invalid file leaves :attr:`good` untouched.
    """

    def __init__(
        self,
        path: Path,
        *,
        stat: Callable[[Path], Signature] = _signature,
        load: Callable[[Path], Settings] = load_settings,
    ) -> None:
        self.path = path
        self._stat = stat
        self._load = load
        self._seen: Signature = _UNSEEN
        self._pending: Signature = _UNSEEN
        self.good: Settings | None = None  # the last settings that loaded cleanly

    def check(self) -> Settings | ConfigError | None:
        """None if nothing changed; else the new Settings, or the ConfigError saying what is wrong."""
        signature = self._stat(self.path)
        if signature == self._seen:
            return None
        if self._seen != _UNSEEN and signature != self._pending:
            self._pending = signature  # changed since the last look: wait until it holds still
            return None
        self._seen = signature
        try:
            settings = self._load(self.path)
        except ConfigError as err:
            return err
        self.good = settings
        return settings
