r"""What may be sent, and where: the rules settings validation and the HTTP client share.

A header value must be Latin-1 without line breaks (``http.client`` would otherwise raise a
bare ``UnicodeEncodeError`` mid-request, or worse, split a header). A base URL must be
``https://``; plain ``http://`` is allowed only to this machine, so a token never travels in
cleartext. Pure functions; no network.

>>> url_problem("http://127.0.0.1:8080") is None, url_problem("http://api.example.com") is None
(True, False)
>>> header_problem("claude-tray/1.0") is None, header_problem("caf\u00e9 \u2603") is None
(True, False)
"""

from __future__ import annotations

import re

from claude_tray import __version__

__all__ = ["PROJECT_URL", "default_user_agent", "header_problem", "is_loopback", "url_problem"]

PROJECT_URL = "https://github.com/claude-tray/claude-tray"

_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def default_user_agent() -> str:
    """The honest default: ``claude-tray/<version> (+<project URL>)``."""
    return f"claude-tray/{__version__} (+{PROJECT_URL})"


def header_problem(value: str) -> str | None:
    """Why ``value`` cannot travel in an HTTP header, or None when it can."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return "must use only Latin-1 characters (HTTP headers cannot carry others)"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "must not contain control characters or line breaks"
    return None


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be a base URL, or None when it can."""
    match = re.match(r"^(https?)://([^\s/?#]+)", value)
    if not match:
        return f"must be an https:// URL; got {value!r}"
    host = match.group(2).rsplit("@", 1)[-1]
    host = host if host.endswith("]") else host.rsplit(":", 1)[0]
    if match.group(1) == "http" and not is_loopback(host):
        return f"must use https:// (plain http:// is only allowed for this machine); got {value!r}"
    return None


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 and [::1]: the only places a token may travel unencrypted."""
    host = host.lower()
    return host in _LOOPBACK_HOSTS or bool(re.fullmatch(r"127(\.\d{1,3}){3}", host))
