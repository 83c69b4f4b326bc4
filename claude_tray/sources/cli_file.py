"""Claude Code's ``<config_dir>/.credentials.json``, read-only.

The file belongs to Claude Code, which rewrites it when it refreshes the login; claude-tray
only ever reads it (never writes, copies, refreshes or logs the token). Each way it can be
unusable has its own error: missing file, half-written JSON, MCP-only logins, an expired
token (never sent) and a token without the ``user:profile`` scope.

``python -m claude_tray.sources.cli_file`` prints what it finds, with the token redacted.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from claude_tray import localfile
from claude_tray.clock import Clock
from claude_tray.digest import sha256_hex
from claude_tray.errors import (
    CredentialFileUnreadable,
    CredentialFormatError,
    MissingScope,
    NoCredentialError,
    TokenExpired,
)
from claude_tray.i18n import N_, _
from claude_tray.model import SourceKind
from claude_tray.sources.base import Credential, CredentialSource

__all__ = ["REQUIRED_SCOPE", "CliFileSource", "credential_from_json", "ensure_usable"]

REQUIRED_SCOPE = "user:profile"
CREDENTIALS_FILE = ".credentials.json"
_LOGIN_HINT = N_("run `claude` and log in")  # shown as _(_LOGIN_HINT)


class CliFileSource(CredentialSource):
    """Reads ``claudeAiOauth`` from the credentials file in ``config_dir``."""

    kind: ClassVar[SourceKind] = SourceKind.CLI

    def __init__(self, config_dir: Path, clock: Clock) -> None:
        self._path = config_dir / CREDENTIALS_FILE
        self._clock = clock

    @property
    def path(self) -> Path:
        return self._path

    def check(self) -> None:
        """A plain file works on every OS; a missing file is NoCredentialError at read time."""

    def describe(self) -> str:
        return str(self._path)

    def read(self) -> Credential:
        try:
            raw = localfile.read_bytes(self._path)
        except FileNotFoundError as err:
            raise NoCredentialError(f"no Claude Code login at {self._path}", hint=_(_LOGIN_HINT)) from err
        except localfile.NotRegularFile as err:  # a directory, a FIFO, /dev/zero: never a hang
            hint = (
                _("remove that directory, then log in with `claude`")
                if self._path.is_dir()
                else _("it should be the small JSON file Claude Code writes; run `claude` and log in")
            )
            raise CredentialFileUnreadable(f"cannot use {self._path}: {err.strerror}", hint=hint) from err
        except localfile.FileTooLarge as err:
            raise CredentialFormatError(
                f"cannot use {self._path}: {err.strerror}",
                hint=_("it should be the small JSON file Claude Code writes; run `claude` and log in"),
            ) from err
        except OSError as err:
            raise CredentialFileUnreadable(
                f"cannot read {self._path}: {err.strerror or type(err).__name__}",
                hint=_("check the file's permissions"),
            ) from err
        return credential_from_json(raw, SourceKind.CLI, self._clock.now(), str(self._path))

    def fingerprint(self) -> Hashable:
        """(mtime_ns, size, sha256 of the content): changes on every rewrite, even same-second ones."""
        try:
            stat = self._path.stat()
            content = localfile.read_bytes(self._path)
        except FileNotFoundError:
            return ("absent",)
        except OSError as err:
            return ("unreadable", err.errno)
        return (stat.st_mtime_ns, stat.st_size, sha256_hex(content))


def credential_from_json(raw: bytes | str, kind: SourceKind, now: datetime, where: str) -> Credential:
    """Parse Claude Code's credential JSON (file or Keychain item) and check it is usable now."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise CredentialFormatError(
            f"{where} is not complete JSON (Claude Code may be rewriting it)",
            hint=_("will re-read it when it changes"),
        ) from err
    if not isinstance(data, dict):
        raise CredentialFormatError(f"{where} does not hold a JSON object", hint=_(_LOGIN_HINT))
    oauth = data.get("claudeAiOauth")
    if not isinstance(oauth, dict):
        if "mcpOAuth" in data:
            raise NoCredentialError(
                f"{where} holds only MCP server logins, no Claude login", hint=_(_LOGIN_HINT)
            )
        raise NoCredentialError(f"{where} has no Claude login (claudeAiOauth)", hint=_(_LOGIN_HINT))
    credential = _credential(oauth, kind, where)
    ensure_usable(credential, now, where)
    return credential


def ensure_usable(credential: Credential, now: datetime, where: str = "the Claude Code login") -> None:
    """Raise MissingScope or TokenExpired before anything is sent with this token."""
    if credential.scopes and REQUIRED_SCOPE not in credential.scopes:
        raise MissingScope(
            f"{where}: the token's scopes ({', '.join(credential.scopes)}) lack {REQUIRED_SCOPE}",
            hint=_("log in with `claude` (a `claude setup-token` token cannot read usage)"),
        )
    if credential.expires_at is not None and credential.expires_at <= now:
        stamp = credential.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        raise TokenExpired(
            f"{where}: the token expired at {stamp}",
            hint=_("open Claude Code once to refresh its login"),
        )


def _credential(oauth: Mapping[str, object], kind: SourceKind, where: str) -> Credential:
    token = oauth.get("accessToken")
    if not isinstance(token, str) or not token.strip():
        raise CredentialFormatError(
            f"{where} has a Claude login without an access token", hint=_(_LOGIN_HINT)
        )
    scopes = oauth.get("scopes")
    return Credential(
        kind=kind,
        secret=token.strip(),
        expires_at=_expires_at(oauth.get("expiresAt")),
        scopes=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else None,
        subscription_type=_text(oauth.get("subscriptionType")),
        rate_limit_tier=_text(oauth.get("rateLimitTier")),
    )


def _expires_at(value: object) -> datetime | None:
    """``expiresAt`` is epoch milliseconds; anything else is "unknown" (the server decides)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _main() -> int:
    """Print what this source finds (token redacted): a debugging aid."""
    import sys

    from claude_tray.clock import SystemClock
    from claude_tray.errors import CredentialError
    from claude_tray.paths import claude_config_dir

    source = CliFileSource(claude_config_dir(), SystemClock())
    try:
        credential = source.read()
    except CredentialError as err:
        sys.stdout.write(f"{source.describe()}: {err.message} ({err.hint})\n")
        return 1
    sys.stdout.write(f"{source.describe()}: {credential!r}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
