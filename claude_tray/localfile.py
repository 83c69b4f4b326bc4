"""Reading a small local file without ever hanging or swallowing a device.

Credentials, settings and state files are small. Something else at their path must be a clear
error, not a hang or an unbounded read: a FIFO (``open()`` would block until a writer comes),
``/dev/zero`` (endless), a directory, or a file grown absurdly large. :func:`read_bytes` opens
with ``O_NONBLOCK`` (so a FIFO opens at once), accepts only regular files (a symlink to one is
fine) and reads at most ``cap`` bytes. Its errors are :class:`OSError` subclasses whose
``strerror`` says what was found, so existing ``except OSError`` handlers report them as is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = [
    "MAX_LOCAL_FILE",
    "FileTooLarge",
    "NotRegularFile",
    "check_regular",
    "make_private",
    "read_bytes",
    "read_text",
]

MAX_LOCAL_FILE = 1 << 20  # 1 MiB: every file claude-tray reads this way is a few KB

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a directory, pipe, device or socket."""


class FileTooLarge(OSError):
    """The file is larger than the cap."""


def check_regular(path: Path) -> None:
    """NotRegularFile when something other than a regular file is at ``path`` (absent is fine)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise NotRegularFile(errno.EINVAL, f"not a regular file ({_kind(mode)})", str(path))


def make_private(path: Path) -> None:
    """Create ``path`` 0600 (or make an existing file so) before another library opens it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o600)
    os.close(fd)
    path.chmod(0o600)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: Path, cap: int = MAX_LOCAL_FILE) -> bytes:
    """The whole file; FileNotFoundError, NotRegularFile, FileTooLarge or another OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({_kind(mode)})", str(path))
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(65536, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            raise FileTooLarge(errno.EFBIG, f"too large (over {cap // 1024} KiB)", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, cap: int = MAX_LOCAL_FILE) -> str:
    """:func:`read_bytes` decoded as UTF-8 (UnicodeDecodeError if it is not)."""
    return read_bytes(path, cap).decode("utf-8")
