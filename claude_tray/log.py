"""Logging set-up with a filter that keeps secrets out of every log line.

>>> redact("Authorization: Bearer sk-ant-oat01-abcdef and sessionKey=sk-ant-sid01-xyz")
'Authorization: Bearer [redacted] and sessionKey=[redacted]'
"""

from __future__ import annotations

import logging
import re
import sys

__all__ = ["RedactingFilter", "redact", "setup_logging"]

_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s'\",;]+"),
    re.compile(r"(?i)(sessionKey=)[^\s'\",;]+"),
    re.compile(r"()sk-ant-[A-Za-z0-9_\-]+"),
)


def redact(text: str) -> str:
    """Replace tokens, bearer credentials and session keys with ``[redacted]``."""
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


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
