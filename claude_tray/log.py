"""Logging set-up with a filter that keeps secrets out of every log line.

>>> redact("Authorization: Bearer sk-ant-oat01-abcdef and sessionKey=sk-ant-sid01-xyz")
'Authorization: Bearer [redacted] and sessionKey=[redacted]'
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import unicodedata
from collections import OrderedDict

__all__ = ["RedactingFilter", "printable", "redact", "remember_secret", "setup_logging"]

_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s'\",;]+"),
    re.compile(r"(?i)(sessionKey=)[^\s'\",;]+"),
    re.compile(r"()sk-ant-[A-Za-z0-9_\-]+"),
)


_TYPE_PREFIX = re.compile(r"^sk-ant-[a-z]+\d*-")
_MIN_SECRET = 12  # shorter values would mask ordinary words; real tokens are ~100 characters
_KEEP_SECRETS = 16  # a long-running daemon sees a new token every few hours: keep the recent ones
_secrets: OrderedDict[str, None] = OrderedDict()
_secrets_lock = threading.Lock()


def remember_secret(secret: str) -> None:
    """Mask this exact value (and its tail without the ``sk-ant-...-`` prefix) from now on,
    even where no pattern would find it (a server echoing a token without its prefix)."""
    forms = {secret.strip(), secret.strip().removeprefix("sk-ant-"), _TYPE_PREFIX.sub("", secret.strip())}
    with _secrets_lock:
        for form in forms:
            if len(form) >= _MIN_SECRET:
                _secrets[form] = None
                _secrets.move_to_end(form)
        while len(_secrets) > _KEEP_SECRETS * 3:
            _secrets.popitem(last=False)


def redact(text: str) -> str:
    """Replace tokens, bearer credentials, session keys and remembered secrets with ``[redacted]``."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)  # the full form before its tail
    for secret in known:
        text = text.replace(secret, "[redacted]")
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


def printable(text: str) -> str:
    r"""``text`` without control and format characters (escape sequences, bidi overrides, NUL):
    server-provided words reach a terminal, a menu or a notification only through this.

    >>> printable("Opus\x1b[2J weekly\u202e\n!")
    'Opus[2J weekly !'
    """
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co"):
            if char in "\t\n\r":
                out.append(" ")
            continue
        out.append(char)
    return "".join(out)


class RedactingFilter(logging.Filter):
    """Formats each record once, redacts it, and freezes the result into ``msg``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # exception text may quote a URL or header; render and redact it here
            formatter = logging.Formatter()
            cleaned += "\n" + redact(formatter.formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def setup_logging(level: int = logging.WARNING) -> None:
    """Log to stderr through the redacting filter. Safe to call more than once."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        if getattr(handler, "_claude_tray", False):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler._claude_tray = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("claude-tray: %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
