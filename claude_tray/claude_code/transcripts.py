"""How full each Claude Code session's context window is, read from its transcripts.

Claude Code appends one JSON object per line to ``<config_dir>/projects/<encoded-cwd>/<session>.jsonl``
(sub-agents write ``<session>/subagents/agent-<id>.jsonl``). A session's context fill is the
latest non-synthetic, non-side-chain assistant line's ``input + cache_creation + cache_read``
tokens; output tokens do not count (api-facts §13).

Cost must not grow with history (real logs reach hundreds of MB):

* a file seen for the first time is read **backwards** from its end until the latest qualifying
  assistant line turns up, so a cold scan touches a few KB per file, not the whole history;
* after that only the bytes appended since the remembered offset are parsed. The offset stops
  at the last newline, so a half-written last line stays in the file for the next read;
* a file whose inode changed or that shrank below the offset was rotated or truncated: its state
  is dropped and it is read cold again.

Sub-agent files only mark their session as active (their lines are side-chain and never count
towards the parent's fill), so they are stat()ed, never parsed.

>>> context_limit("claude-opus-4-6", 90_000)
1000000
>>> context_limit("claude-sonnet-4-5-20250929", 250_000)  # observed fill proves a 1M window
1000000
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from claude_tray.claude_code.context import ACTIVE_WITHIN, SessionContext, context_limit, select_active

__all__ = [
    "TranscriptScanner",
]

_CHUNK = 64 * 1024  # backwards-read block
_TAIL_BUDGET = 4 * 1024 * 1024  # give up looking further back for an assistant line after this
_APPEND_BUDGET = 8 * 1024 * 1024  # a bigger append is read like a new file (from its end)
_RECENT_KEYS = 64  # message keys remembered per session to drop replays of older messages


# --- parsing one line ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Turn:
    """The parts of one qualifying assistant line that matter here."""

    key: tuple[str, str] | None  # (message.id, requestId); None when either is missing
    model: str
    tokens: int
    cwd: str


def _count(usage: dict[str, Any], name: str) -> int | None:
    value: object = usage.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _qualifies(obj: dict[str, Any], message: dict[str, Any]) -> bool:
    kind = obj.get("type", message.get("role"))
    if kind != "assistant" or obj.get("isSidechain") is True or obj.get("isApiErrorMessage") is True:
        return False
    return message.get("model") != "<synthetic>" and isinstance(message.get("usage"), dict)


def _parse_turn(line: bytes) -> _Turn | None:
    """A qualifying assistant line, or None for anything else (other types, junk, half lines)."""
    if b"assistant" not in line:  # cheap filter: most lines are user/progress/system
        return None
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    message = obj.get("message") if isinstance(obj, dict) else None
    if not isinstance(message, dict) or not _qualifies(obj, message):
        return None
    usage = message["usage"]
    parts = [
        _count(usage, k) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    ]
    if any(p is None for p in parts):
        return None
    msg_id, request_id = message.get("id"), obj.get("requestId")
    key = (msg_id, request_id) if isinstance(msg_id, str) and isinstance(request_id, str) else None
    model = message.get("model")
    cwd = obj.get("cwd")
    return _Turn(
        key=key,
        model=model if isinstance(model, str) else "",
        tokens=sum(p for p in parts if p is not None),
        cwd=cwd if isinstance(cwd, str) else "",
    )


# --- per-session and per-file state ----------------------------------------------------------


@dataclass(slots=True)
class _Session:
    session_id: str
    fallback_project: str  # the encoded directory name, used when no line carried a cwd
    latest: _Turn | None = None
    peak: int = 0
    recent: OrderedDict[tuple[str, str], None] = field(default_factory=OrderedDict)
    changes: int = 0  # bumped by every add(): the scanner's cue to rebuild the SessionContext

    def add(self, turn: _Turn) -> None:
        """Fold in one assistant line, de-duplicated by message id + requestId."""
        self.changes += 1
        latest = self.latest
        if latest is not None and turn.key is not None and turn.key == latest.key:
            if turn.tokens > latest.tokens:  # streamed chunks of one message: keep the larger
                self.latest = turn
        elif turn.key is not None and turn.key in self.recent:
            return  # a replay of an older message
        else:  # the CLI appends in order: later in the file is newer
            self.latest = turn
        self.peak = max(self.peak, turn.tokens)
        if turn.key is not None:
            self.recent[turn.key] = None
            while len(self.recent) > _RECENT_KEYS:
                self.recent.popitem(last=False)

    def context(self, last_activity: datetime) -> SessionContext | None:
        turn = self.latest
        if turn is None:
            return None
        limit = context_limit(turn.model, self.peak)
        project = re.split(r"[\\/]", turn.cwd.rstrip("/\\"))[-1] if turn.cwd else self.fallback_project
        return SessionContext(
            session_id=self.session_id,
            project=project or self.fallback_project,
            model=turn.model,
            context_tokens=turn.tokens,
            context_limit=limit,
            fill=100.0 * turn.tokens / limit,
            last_activity=last_activity,
        )


@dataclass(slots=True)
class _FileState:
    inode: int
    size: int
    mtime_ns: int
    offset: int  # bytes consumed: always just after a newline (or 0)


def _lines_backwards(fh: IO[bytes], end: int, budget: int) -> Iterator[bytes]:
    """Complete lines of ``fh[:end]`` from last to first, reading at most ``budget`` bytes."""
    pos, carry = end, b""
    while pos > 0 and end - pos < budget:
        step = min(_CHUNK, pos)
        pos -= step
        fh.seek(pos)
        parts = (fh.read(step) + carry).split(b"\n")
        carry = parts[0] if pos > 0 else b""
        for line in reversed(parts[1:] if pos > 0 else parts):
            if line:
                yield line


def _consumed_end(fh: IO[bytes], size: int) -> int:
    """Offset just after the file's last newline (a trailing partial line is left alone)."""
    pos = size
    while pos > 0 and size - pos < _TAIL_BUDGET:
        step = min(_CHUNK, pos)
        pos -= step
        fh.seek(pos)
        cut = fh.read(step).rfind(b"\n")
        if cut >= 0:
            return pos + cut + 1
    return 0


def _entries(directory: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return list(it)
    except OSError:  # absent, or removed while we looked
        return []


class TranscriptScanner:
    """Incremental reader of one Claude Code config dir's transcripts. Thread-safe.

    It only ever opens files for reading; nothing is written anywhere. A scan with nothing new
    costs one ``scandir`` per directory and one ``stat`` per file (the tray scans every 30 s
    and people keep hundreds of sessions): paths stay strings, and a session's
    :class:`SessionContext` is rebuilt only when its file or activity time changed.
    """

    def __init__(self, config_dir: Path) -> None:
        self._projects = os.path.join(os.fspath(config_dir), "projects")  # noqa: PTH118 - str paths, see above
        self._files: dict[str, _FileState] = {}
        self._sessions: dict[str, _Session] = {}
        self._built: dict[str, tuple[tuple[int, int], SessionContext | None]] = {}
        self._lock = threading.Lock()

    def scan(self) -> tuple[SessionContext, ...]:
        """Read what changed since the last call; every session with a known fill."""
        with self._lock:
            seen: set[str] = set()
            activity: dict[str, int] = {}
            for project in _entries(self._projects):
                if project.is_dir():
                    self._scan_project(project, seen, activity)
            if self._files.keys() != seen:
                self._forget(seen)
            return self._contexts(activity)

    def active_sessions(self, now: datetime, within: timedelta = ACTIVE_WITHIN) -> tuple[SessionContext, ...]:
        """Sessions written to in the last ``within`` (default 30 min), fullest first."""
        return select_active(self.scan(), now, within)

    def _scan_project(self, project: os.DirEntry[str], seen: set[str], activity: dict[str, int]) -> None:
        for entry in _entries(project.path):
            name = entry.name
            if name.endswith(".jsonl"):
                if not entry.is_file():
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                session_id = name[: -len(".jsonl")]
                seen.add(entry.path)
                activity[session_id] = max(activity.get(session_id, 0), st.st_mtime_ns)
                self._update(entry.path, session_id, project.name, st)
            elif entry.is_dir():  # <session>/subagents/*.jsonl: only their activity counts
                for agent in _entries(os.path.join(entry.path, "subagents")):  # noqa: PTH118
                    if agent.name.endswith(".jsonl"):
                        try:
                            mtime = agent.stat().st_mtime_ns
                        except OSError:
                            continue
                        activity[name] = max(activity.get(name, 0), mtime)

    def _update(self, path: str, session_id: str, project: str, st: os.stat_result) -> None:
        state = self._files.get(path)
        if state is not None and (state.inode != st.st_ino or st.st_size < state.offset):
            state = None  # rotated or truncated: start over
            self._sessions.pop(session_id, None)
            self._built.pop(session_id, None)
        if state is not None and (state.size, state.mtime_ns) == (st.st_size, st.st_mtime_ns):
            return
        session = self._sessions.setdefault(session_id, _Session(session_id, project))
        try:
            with open(path, "rb") as fh:  # noqa: PTH123 - a string path: no Path per file per scan
                if state is None or st.st_size - state.offset > _APPEND_BUDGET:
                    offset = _read_latest(fh, st.st_size, session)
                else:
                    offset = _read_appended(fh, state.offset, st.st_size, session)
        except OSError:
            return  # vanished or unreadable for now; try again next scan
        self._files[path] = _FileState(st.st_ino, st.st_size, st.st_mtime_ns, offset)

    def _forget(self, seen: set[str]) -> None:
        for gone in set(self._files) - seen:
            del self._files[gone]
        alive = {os.path.basename(path)[: -len(".jsonl")] for path in self._files}  # noqa: PTH119
        for session_id in set(self._sessions) - alive:
            del self._sessions[session_id]
            self._built.pop(session_id, None)

    def _contexts(self, activity: dict[str, int]) -> tuple[SessionContext, ...]:
        found = []
        for session_id, session in self._sessions.items():
            key = (session.changes, activity.get(session_id, 0))
            built = self._built.get(session_id)
            if built is None or built[0] != key:
                last = datetime.fromtimestamp(key[1] / 1e9, UTC)
                built = (key, session.context(last))
                self._built[session_id] = built
            if built[1] is not None:
                found.append(built[1])
        return tuple(found)


def _peek_tail(fh: IO[bytes], end: int, size: int, session: _Session) -> bool:
    """Use a last line still waiting for its newline if it already parses (it stays unconsumed).

    A cut-off line is never valid JSON, so this cannot pick up half a line; the complete line is
    read again once its newline arrives and the de-duplication makes that harmless.
    """
    if end >= size or size - end > _CHUNK:
        return False
    fh.seek(end)
    turn = _parse_turn(fh.read(size - end))
    if turn is not None:
        session.add(turn)
    return turn is not None


def _read_latest(fh: IO[bytes], size: int, session: _Session) -> int:
    """A file seen for the first time: only its newest assistant line matters."""
    end = _consumed_end(fh, size)
    if _peek_tail(fh, end, size, session):
        return end
    for line in _lines_backwards(fh, end, _TAIL_BUDGET):
        turn = _parse_turn(line)
        if turn is not None:
            session.add(turn)
            break
    return end


def _read_appended(fh: IO[bytes], offset: int, size: int, session: _Session) -> int:
    """Parse the complete lines appended since ``offset``; returns the new offset."""
    fh.seek(offset)
    data = fh.read(size - offset)
    cut = data.rfind(b"\n")
    for line in data[: max(cut, 0)].split(b"\n"):
        turn = _parse_turn(line)
        if turn is not None:
            session.add(turn)
    _peek_tail(fh, offset + cut + 1, size, session)
    return offset + cut + 1  # = offset when only a half-written line arrived
