"""Every failure claude-tray knows about, as one exception tree.

Callers catch a class, never a status code or a message substring::

    ClaudeTrayError
    ├── ConfigError                 the settings file is unusable; .problems
    ├── CredentialError             reading a credential failed
    │   ├── SourceUnavailable       this source cannot work here (wrong OS, tool missing); .reason
    │   ├── NoCredentialError       nothing stored: not logged in (incl. mcpOAuth-only), file absent, key not set
    │   ├── CredentialAccessDenied  keychain/keyring locked or denied
    │   │   └── CredentialFileUnreadable  a login file exists but cannot be read (permissions, a directory)
    │   ├── CredentialFormatError   the stored credential is unreadable (half-written file, no token)
    │   ├── TokenExpired            expiresAt is in the past: never sent, poller stops
    │   └── MissingScope            token lacks user:profile (setup-token logins)
    ├── ApiError                    talking to the usage endpoint failed
    │   ├── AuthError               401 / 403 with a JSON body; .status, .server_message -> poller stops
    │   ├── RateLimited             429; .retry_after seconds or None (0 and missing both mean unknown)
    │   │   └── RefusedClient       429 + Retry-After 0 on a login's first request: the endpoint turns this app away
    │   ├── BlockedError            HTML 403 / cf-mitigated from Cloudflare (claude.ai only)
    │   ├── TransientApiError       5xx, timeout, DNS, connection refused -> capped backoff
    │   └── ResponseFormatError     body is not the JSON we expect; keep the last good reading
    ├── AutostartError              the login item could not be written or removed
    ├── NotifyError                 a desktop notification could not be shown (no server, no bus)
    ├── TrayUnavailable             no display, no pystray backend or no tray host; .rejected
    └── StatuslineInputError        the status-line stdin is not the JSON object Claude Code sends

Rules: raise ``X(...) from err``; data goes in attributes; messages are safe to show a person
(they never contain a token) and say what to do next.
"""

from __future__ import annotations

__all__ = [
    "RETRY_AFTER_CAP",
    "ApiError",
    "AuthError",
    "AutostartError",
    "BlockedError",
    "ClaudeTrayError",
    "ConfigError",
    "ConfigProblem",
    "CredentialAccessDenied",
    "CredentialError",
    "CredentialFileUnreadable",
    "CredentialFormatError",
    "MissingScope",
    "NoCredentialError",
    "NotifyError",
    "RateLimited",
    "RefusedClient",
    "ResponseFormatError",
    "SourceUnavailable",
    "StatuslineInputError",
    "TokenExpired",
    "TransientApiError",
    "TrayUnavailable",
]

from dataclasses import dataclass


class ClaudeTrayError(Exception):
    """Base of every error claude-tray raises on purpose. ``hint`` says how to fix it."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with the settings file, located for the person editing it."""

    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class ConfigError(ClaudeTrayError):
    """The settings file cannot be used; the daemon keeps its last good settings."""

    def __init__(self, problems: tuple[ConfigProblem, ...], hint: str = "fix the file and save it") -> None:
        # problems that are not about the file's content pass their own hint (or none)
        super().__init__("; ".join(str(p) for p in problems), hint=hint)
        self.problems = problems


class CredentialError(ClaudeTrayError):
    """Reading a credential failed."""


class SourceUnavailable(CredentialError):
    """This credential source cannot work on this machine; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoCredentialError(CredentialError):
    """Nothing is stored where this source looks."""


class CredentialAccessDenied(CredentialError):
    """The credential exists but could not be read (locked keyring, denied prompt, permissions)."""


class CredentialFileUnreadable(CredentialAccessDenied):
    """A login *file* exists but cannot be read (permissions, or a directory in its place)."""


class CredentialFormatError(CredentialError):
    """The stored credential cannot be parsed (e.g. a file caught mid-rewrite)."""


class TokenExpired(CredentialError):
    """The token's expiry is in the past; it is not sent. Claude Code refreshes it when used."""


class MissingScope(CredentialError):
    """The token cannot read usage (it lacks the ``user:profile`` scope)."""


class ApiError(ClaudeTrayError):
    """Talking to the usage endpoint failed."""


class AuthError(ApiError):
    """401, or 403 with a JSON error body: the token is not accepted. Polling stops."""

    def __init__(self, message: str, *, status: int, server_message: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.server_message = server_message


RETRY_AFTER_CAP = 6 * 3600.0  # an absurd Retry-After (10**12 s, year 9999) is clamped to this


class RateLimited(ApiError):
    """429. ``retry_after`` is the server's wait in seconds (clamped to ``RETRY_AFTER_CAP``), or
    None when it gave no usable one."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = None if retry_after is None else min(retry_after, RETRY_AFTER_CAP)


class RefusedClient(RateLimited):
    """The refused-client pattern (api-facts §13.6): 429 with ``Retry-After: 0`` on the first
    request of a fresh token, which says nothing about the person's usage."""

    def __init__(self, message: str, *, retry_after: float | None, hint: str = "") -> None:
        super().__init__(message, retry_after=retry_after)
        if hint:
            self.hint = hint


class BlockedError(ApiError):
    """A Cloudflare challenge page instead of JSON (claude.ai only). Not a bad key."""


class TransientApiError(ApiError):
    """Server error or no network; worth retrying later. ``status`` is None for network errors."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ResponseFormatError(ApiError):
    """The response body was not the JSON shape we understand; ``status``: an unexpected HTTP status."""

    def __init__(self, message: str, *, hint: str = "", status: int | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class AutostartError(ClaudeTrayError):
    """The login item could not be created or removed."""


class NotifyError(ClaudeTrayError):
    """A desktop notification could not be shown (no notification server, no session bus)."""


class TrayUnavailable(ClaudeTrayError):
    """No tray can be shown here; ``rejected`` holds (backend, reason) pairs for ``doctor``."""

    hint = "use `claude-tray status` or `claude-tray watch` instead"

    def __init__(self, message: str, *, rejected: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.rejected = rejected


class StatuslineInputError(ClaudeTrayError):
    """``claude-tray statusline`` got something other than Claude Code's JSON object on stdin."""
