"""What one attempt to read an account produced, as a value (never an exception).

This is the one place where errors become words a person reads: every ``ClaudeTrayError``
maps to an :class:`Outcome` with a short ``message`` ("Login expired") and a ``hint`` that says
how to fix it ("open Claude Code once to refresh its login"). The poll policy turns outcomes
into health and delays; the status command, the tray and notifications show the words.

>>> outcome_of(RateLimited("429", retry_after=None)).kind
<OutcomeKind.RATE_LIMITED: 'rate_limited'>
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from claude_tray.errors import (
    AuthError,
    BlockedError,
    ClaudeTrayError,
    CredentialAccessDenied,
    CredentialFileUnreadable,
    CredentialFormatError,
    MissingScope,
    NoCredentialError,
    RateLimited,
    RefusedClient,
    ResponseFormatError,
    SourceUnavailable,
    TokenExpired,
    TransientApiError,
)
from claude_tray.i18n import N_, _
from claude_tray.model import UsageSnapshot

__all__ = ["Outcome", "OutcomeKind", "outcome_of", "success"]


class OutcomeKind(enum.Enum):
    SUCCESS = "success"
    RATE_LIMITED = "rate_limited"  # 429
    UNAUTHORIZED = "unauthorized"  # 401/403, expired token, missing scope: stop until it changes
    BLOCKED = "blocked"  # Cloudflare challenge
    TRANSIENT = "transient"  # 5xx, timeout, DNS, refused
    FORMAT_ERROR = "format_error"  # unexpected response body
    NO_CREDENTIALS = "no_credentials"  # nothing stored / source unavailable / keyring locked
    CREDENTIALS_UNREADABLE = "credentials_unreadable"  # e.g. a file caught mid-rewrite


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    message: str = ""
    hint: str = ""
    retry_after: float | None = None  # seconds the server asked us to wait (429 only)
    # SUCCESS: the reading; a failure: Claude Code's own numbers kept meanwhile (zero-network), if any
    snapshot: UsageSnapshot | None = None
    sent_request: bool = True  # False when the failure was local (no network traffic)
    local_readings: bool = False  # the fetcher also reads Claude Code's own numbers (no network)
    log_words: str = ""  # ``message`` in English, for the log (people read ``message`` in their language)


def success(snapshot: UsageSnapshot) -> Outcome:
    return Outcome(OutcomeKind.SUCCESS, snapshot=snapshot)


# (error class, kind, message, default hint, whether a request went out). First match wins,
# so subclasses come before their bases.
_TABLE: tuple[tuple[type[ClaudeTrayError], OutcomeKind, str, str, bool], ...] = (
    (RefusedClient, OutcomeKind.RATE_LIMITED, N_("Usage API refused this app"), "", True),
    (RateLimited, OutcomeKind.RATE_LIMITED, N_("Rate limited"), "", True),
    (
        TokenExpired,
        OutcomeKind.UNAUTHORIZED,
        N_("Login expired"),
        N_("open Claude Code once to refresh its login"),
        False,
    ),
    (
        MissingScope,
        OutcomeKind.UNAUTHORIZED,
        N_("This login cannot read usage"),
        N_("log in with `claude` (a `claude setup-token` token cannot read usage)"),
        False,
    ),
    (
        AuthError,
        OutcomeKind.UNAUTHORIZED,
        N_("Login rejected"),
        N_("open Claude Code once to refresh its login"),
        True,
    ),
    (BlockedError, OutcomeKind.BLOCKED, N_("Blocked by Cloudflare"), N_("use the CLI source"), True),
    (
        TransientApiError,
        OutcomeKind.TRANSIENT,
        N_("Offline"),
        N_("will retry when the network is back"),
        True,
    ),
    (ResponseFormatError, OutcomeKind.FORMAT_ERROR, N_("Unexpected response"), N_("will try again"), True),
    (
        CredentialFormatError,
        OutcomeKind.CREDENTIALS_UNREADABLE,
        N_("Login file unreadable"),
        N_("will re-read it"),
        False,
    ),
    (
        CredentialFileUnreadable,
        OutcomeKind.NO_CREDENTIALS,
        N_("Login file unreadable"),
        N_("check the file's permissions"),
        False,
    ),
    (
        CredentialAccessDenied,
        OutcomeKind.NO_CREDENTIALS,
        N_("Credential store locked"),
        N_("unlock your keyring"),
        False,
    ),
    (SourceUnavailable, OutcomeKind.NO_CREDENTIALS, N_("Source unavailable"), "", False),
    (
        NoCredentialError,
        OutcomeKind.NO_CREDENTIALS,
        N_("No Claude login found"),
        N_("log in with `claude`, or add an account with `claude-tray accounts add`"),
        False,
    ),
)


def outcome_of(error: ClaudeTrayError) -> Outcome:
    """Map one error to an outcome with words for people. Unknown errors are format errors."""
    for error_type, kind, message, default_hint, sent in _TABLE:
        if isinstance(error, error_type):
            return Outcome(
                kind,
                _message(error, _(message), _),
                error.hint
                or _default_hint(error, _(default_hint) if default_hint else "")
                or _fallback_hint(error),
                retry_after=error.retry_after if isinstance(error, RateLimited) else None,
                sent_request=sent,
                log_words=_message(error, message, str),
            )
    unexpected = N_("Unexpected error")
    return Outcome(OutcomeKind.FORMAT_ERROR, _(unexpected), error.hint or error.message, log_words=unexpected)


def _fallback_hint(error: ClaudeTrayError) -> str:
    """The error's own words as the hint, except for a 429: its hint is the next try time."""
    return "" if isinstance(error, RateLimited) else error.message


def _default_hint(error: ClaudeTrayError, hint: str) -> str:
    """A server that answered with 5xx is not "offline": the network is fine."""
    if isinstance(error, TransientApiError) and error.status is not None:
        return _("the server had a problem; will retry")
    return hint


def _message(error: ClaudeTrayError, message: str, translate: Callable[[str], str]) -> str:
    """Add the HTTP status where it tells the person something ("Server error 503")."""
    if isinstance(error, AuthError):
        return f"{message} ({error.status})"
    if isinstance(error, TransientApiError) and error.status is not None:
        return translate(N_("Server error {status}")).format(status=error.status)
    return message
