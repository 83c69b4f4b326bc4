"""Claude Code's usage cache: ``cachedUsageUtilization`` in its ``.claude.json``, read-only.

Claude Code keeps the answer of its own ``/usage`` call there, shaped ``{"fetchedAtMs": <epoch
ms>, "accountUuid": "...", "utilization": <a usage API body>}`` (api-facts §13.1), so reading it
costs no request and needs no token. The file sits at ``~/.claude.json`` (not inside
``~/.claude``), or at ``<dir>/.claude.json`` when ``CLAUDE_CONFIG_DIR`` or the account's
``config_dir`` names the config dir. It also holds unrelated state (identity, projects): only this
key is looked at, and the file is never written.

The cache can be old (some installs stopped refreshing it around 2026-08): the snapshot is dated
``fetchedAtMs``, so it wins only where it is the freshest reading (see :mod:`claude_tray.usage.fuse`).

>>> body = b'{"cachedUsageUtilization": {"fetchedAtMs": 1795320000000, "utilization": {"five_hour": {"utilization": 12}}}}'
>>> snap = parse_cache(body, account="me")
>>> snap.source.value, snap.fetched_at.isoformat(), snap.window("five_hour").utilization
('usage_cache', '2026-11-22T04:00:00+00:00', 12.0)
>>> parse_cache(b'{"projects": {}}', account="me") is None
True
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Hashable
from datetime import UTC, datetime
from pathlib import Path

from claude_tray.errors import ResponseFormatError
from claude_tray.model import SourceKind, UsageSnapshot

__all__ = ["CACHE_KEY", "MAX_BYTES", "UsageCacheReader", "claude_json_path", "parse_cache"]

CACHE_KEY = "cachedUsageUtilization"
MAX_BYTES = 64 * 1024 * 1024  # .claude.json grows with project history; beyond this it is not ours to read
_MS_MIN = 1_000_000_000_000  # 2001 in milliseconds
_MS_MAX = 10_000_000_000_000  # 2286


def claude_json_path(configured: str | None = None) -> Path:
    """``<config_dir>/.claude.json`` for an explicit dir (the account's, else ``$CLAUDE_CONFIG_DIR``),
    else ``~/.claude.json`` (Claude Code's default keeps it beside ``~/.claude``, not inside)."""
    explicit = configured or os.environ.get("CLAUDE_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser() / ".claude.json"
    return Path.home() / ".claude.json"


def parse_cache(raw: bytes, *, account: str) -> UsageSnapshot | None:
    """The cached reading as a snapshot dated ``fetchedAtMs``; None when absent or unusable."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # caught mid-rewrite, or not JSON: no reading, try again next time
    cached = data.get(CACHE_KEY) if isinstance(data, dict) else None
    if not isinstance(cached, dict):
        return None
    millis = cached.get("fetchedAtMs")
    if isinstance(millis, bool) or not isinstance(millis, int | float) or not math.isfinite(millis):
        return None
    if not _MS_MIN <= millis < _MS_MAX:
        return None
    fetched_at = datetime.fromtimestamp(millis / 1000.0, UTC)
    from claude_tray.api.parse import parse_usage

    try:
        return parse_usage(
            cached.get("utilization"), account=account, source=SourceKind.USAGE_CACHE, fetched_at=fetched_at
        )
    except ResponseFormatError:
        return None


class UsageCacheReader:
    """Reads one ``.claude.json``'s cache key; re-parses only when the file's (mtime, size) change."""

    def __init__(self, path: Path, account: str) -> None:
        self._path = path
        self._account = account
        self._seen: tuple[Hashable, UsageSnapshot | None] = (("absent",), None)

    @property
    def path(self) -> Path:
        return self._path

    def signature(self) -> Hashable:
        """Cheap change detector (no read): (mtime_ns, size), or "absent"."""
        try:
            st = self._path.stat()
        except OSError:
            return ("absent",)
        return (st.st_mtime_ns, st.st_size)

    def read(self) -> UsageSnapshot | None:
        """The cached reading, or None (no file, no key, unreadable, not a regular file, too big)."""
        signature = self.signature()
        if signature == self._seen[0]:
            return self._seen[1]
        raw = _read_regular(self._path)
        snapshot = parse_cache(raw, account=self._account) if raw is not None else None
        self._seen = (signature, snapshot)
        return snapshot


def _read_regular(path: Path) -> bytes | None:
    """The file's bytes, read-only and without blocking on a FIFO or device; None otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a symlink (dotfiles) is followed
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= MAX_BYTES else None
