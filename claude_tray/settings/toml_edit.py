"""Text-level edits of a TOML document that keep every comment, blank line and unknown key.

tomllib/tomli-w round trips drop comments, so the app never rewrites a person's file from data.
Instead the text is split into statements (a header, one key/value possibly spanning lines, or a
comment/blank line), the smallest span is changed, and the caller re-parses the result to prove
that only the intended value moved (:mod:`claude_tray.settings.file`). Pure functions of text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

__all__ = ["Statement", "comment_lines", "set_key", "split_statements", "table_ranges"]


@dataclass(frozen=True, slots=True)
class Statement:
    start: int  # first line index
    end: int  # one past the last line index
    kind: str  # "blank" (blank or comment only), "header", "key"
    table: tuple[str, ...] = ()  # for headers: ("general",) ; ("accounts",) for [[accounts]]
    array: bool = False  # [[...]] header
    key: str = ""  # for keys: the first (or only) key name
    value: Any = None  # for keys: the parsed value (a dict for dotted keys)


def split_statements(lines: list[str]) -> list[Statement]:
    """Statements in order; the text must be valid TOML (callers parse it first)."""
    out: list[Statement] = []
    start = 0
    while start < len(lines):
        end, data = _first_parse(lines, start)
        out.append(_classify(lines[start], start, end, data))
        start = end
    return out


def _first_parse(lines: list[str], start: int) -> tuple[int, dict[str, Any]]:
    # TOML has no line continuation outside strings and arrays, so the first prefix that parses
    # on its own is exactly one statement.
    for end in range(start + 1, len(lines) + 1):
        try:
            return end, tomllib.loads("\n".join(lines[start:end]))
        except tomllib.TOMLDecodeError:
            continue
    raise ValueError(f"line {start + 1} starts a statement that never ends")


def _classify(first: str, start: int, end: int, data: dict[str, Any]) -> Statement:
    stripped = first.strip()
    if not data:
        return Statement(start, end, "blank")
    if stripped.startswith("["):
        return Statement(start, end, "header", _header_path(data), stripped.startswith("[["))
    key = next(iter(data))
    return Statement(start, end, "key", key=key, value=data[key])


def _header_path(data: dict[str, Any]) -> tuple[str, ...]:
    path: list[str] = []
    node: Any = data
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        path.append(name)
        if isinstance(node, list):
            node = node[-1]
    return tuple(path)


def table_ranges(statements: list[Statement]) -> list[tuple[Statement | None, list[Statement]]]:
    """(header, statements up to the next header); the first entry is the root (header None)."""
    ranges: list[tuple[Statement | None, list[Statement]]] = [(None, [])]
    for stmt in statements:
        if stmt.kind == "header":
            ranges.append((stmt, []))
        else:
            ranges[-1][1].append(stmt)
    return ranges


def comment_lines(lines: list[str], stmt: Statement) -> list[str]:
    """The comments inside a key/value statement, each as found ("# why 80")."""
    original = tomllib.loads("\n".join(lines[stmt.start : stmt.end]))
    found = []
    for index in range(stmt.start, stmt.end):
        line = lines[index]
        for pos in (p for p, ch in enumerate(line) if ch == "#"):
            trial = [*lines[stmt.start : index], line[:pos], *lines[index + 1 : stmt.end]]
            # a '#' starts a comment iff cutting there leaves the same value ('#' in a string does not)
            if _parses_to("\n".join(trial), original):
                found.append(line[pos:])
                break
    return found


def _parses_to(text: str, expected: dict[str, Any]) -> bool:
    try:
        return tomllib.loads(text) == expected
    except tomllib.TOMLDecodeError:
        return False


def set_key(lines: list[str], table: tuple[str, ...], key: str, rendered: str) -> list[str]:
    """New lines with ``key = rendered`` in ``[table]`` (root when empty); comments kept."""
    statements = split_statements(lines)
    ranges = table_ranges(statements)
    match = next(((h, body) for h, body in ranges if _is_table(h, table)), None)
    if match is None:
        tail = ["", f"[{'.'.join(table)}]"] if table else []
        return [*_trim_end(lines), *tail, f"{key} = {rendered}"]
    header, body = match
    existing = next((s for s in body if s.kind == "key" and s.key == key), None)
    if existing is not None:
        return _replace(lines, existing, key, rendered)
    return _insert(lines, header, body, key, rendered)


def _is_table(header: Statement | None, table: tuple[str, ...]) -> bool:
    if header is None:
        return not table
    return header.table == table and not header.array


def _replace(lines: list[str], stmt: Statement, key: str, rendered: str) -> list[str]:
    first = lines[stmt.start]
    indent = first[: len(first) - len(first.lstrip())]
    comments = comment_lines(lines, stmt)
    if stmt.end - stmt.start == 1 and comments:
        trailing = first[: first.rindex(comments[0])]
        gap = trailing[len(trailing.rstrip()) :] or "  "
        new = [f"{indent}{key} = {rendered}{gap}{comments[0]}"]
    else:  # a multi-line value: its inner comments move above the new one-line value
        new = [f"{indent}{c}" for c in comments] + [f"{indent}{key} = {rendered}"]
    return lines[: stmt.start] + new + lines[stmt.end :]


def _insert(
    lines: list[str], header: Statement | None, body: list[Statement], key: str, rendered: str
) -> list[str]:
    keys = [s for s in body if s.kind == "key"]
    commented = [s for s in body if s.kind == "blank" and _is_commented_key(lines[s.start], key)]
    if commented:  # right under "# key = default", where the person would look for it
        at = commented[0].end
    elif keys:
        at = keys[-1].end
    elif header is not None:
        at = header.end
    else:  # root key in a file without root keys: before the first table
        at = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    return [*lines[:at], f"{key} = {rendered}", *lines[at:]]


def _is_commented_key(line: str, key: str) -> bool:
    text = line.strip().lstrip("#").strip()
    return text.startswith(key) and text[len(key) :].lstrip().startswith("=")


def _trim_end(lines: list[str]) -> list[str]:
    out = list(lines)
    while out and not out[-1].strip():
        out.pop()
    return out
