"""HTTP to Anthropic (and small JSON look-ups elsewhere). The only module that imports requests.

Every response is turned into a decoded JSON value or one of the typed errors of
:mod:`claude_tray.errors` here, in one place; nothing else looks at status codes. No retries
and no sleeping happen here: the poll policy decides when to try again. Exception messages are
built from status codes and server messages (redacted), never from request headers, so a
token cannot leak into them.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from urllib.parse import quote

import requests
import requests.adapters
import urllib3.exceptions

from claude_tray.api.netrules import PROJECT_URL, default_user_agent, header_problem
from claude_tray.api.transport import (
    BodyTooLarge,
    GuardedAdapter,
    UnsupportedEncoding,
    flight,
    read_capped,
)
from claude_tray.clock import Clock, SystemClock
from claude_tray.errors import (
    AuthError,
    BlockedError,
    CredentialFormatError,
    RateLimited,
    ResponseFormatError,
    TransientApiError,
)
from claude_tray.i18n import N_, _
from claude_tray.log import printable, redact, remember_secret

__all__ = ["PROJECT_URL", "UsageClient", "default_user_agent", "parse_retry_after"]

OAUTH_BETA = "oauth-2025-04-20"

log = logging.getLogger(__name__)


class _Auth(Enum):
    """Which login a request uses; decides the fix hint on 401/403."""

    OAUTH = "oauth"
    WEB = "web"
    NONE = "none"


_AUTH_HINTS = {  # shown as _(hint)
    _Auth.OAUTH: N_("open Claude Code once to refresh its login"),
    _Auth.WEB: N_("the claude.ai session key expired: run `claude-tray login-web` with a fresh one"),
    _Auth.NONE: "",
}
_SCOPE_HINT = N_("log in with `claude` (a `claude setup-token` token cannot read usage)")


class UsageClient:
    """GETs against the OAuth API (``api_base``) and claude.ai (``web_base``).

    ``session`` is injectable (tests, connection reuse); proxies and CA settings come from
    the environment as requests does by default. TLS is always verified.
    """

    def __init__(
        self,
        api_base: str,
        web_base: str,
        user_agent: str,
        timeout: float,
        session: requests.Session | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._api_base = api_base.rstrip("/")
        self._web_base = web_base.rstrip("/")
        self._user_agent = user_agent if _sendable(user_agent) else default_user_agent()
        self._timeout = timeout
        self._session = session or requests.Session()
        for prefix in ("https://", "http://"):  # every read joins a deadline-bounded flight
            self._session.mount(prefix, GuardedAdapter())
        self._clock = clock or SystemClock()

    @property
    def user_agent(self) -> str:
        return self._user_agent

    def close(self) -> None:
        """Close every pooled socket now: urllib3 2.x otherwise closes them only when its
        pools are garbage collected, which a kept traceback can delay indefinitely."""
        for adapter in self._session.adapters.values():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                pools = adapter.poolmanager.pools
                for key in list(pools.keys()):
                    pool = pools.get(key)
                    if pool is not None:
                        pool.close()
        self._session.close()

    def oauth_usage(self, token: str) -> object:
        """``GET {api_base}/api/oauth/usage`` with the Claude Code OAuth token."""
        return self._get(f"{self._api_base}/api/oauth/usage", _oauth_headers(token), _Auth.OAUTH)

    def oauth_profile(self, token: str) -> object:
        """``GET {api_base}/api/oauth/profile``: account, organization, plan."""
        return self._get(f"{self._api_base}/api/oauth/profile", _oauth_headers(token), _Auth.OAUTH)

    def web_organizations(self, session_key: str) -> object:
        """``GET {web_base}/api/organizations`` with the claude.ai session cookie."""
        return self._get(f"{self._web_base}/api/organizations", _web_headers(session_key), _Auth.WEB)

    def web_usage(self, session_key: str, org_uuid: str) -> object:
        url = f"{self._web_base}/api/organizations/{quote(org_uuid, safe='')}/usage"
        return self._get(url, _web_headers(session_key), _Auth.WEB)

    def web_overage_spend_limit(self, session_key: str, org_uuid: str) -> object:
        url = f"{self._web_base}/api/organizations/{quote(org_uuid, safe='')}/overage_spend_limit"
        return self._get(url, _web_headers(session_key), _Auth.WEB)

    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> object:
        """Any JSON document (e.g. a release feed), with the same honest User-Agent and errors."""
        return self._get(url, dict(headers or {}), _Auth.NONE)

    def _get(self, url: str, headers: dict[str, str], auth: _Auth) -> object:
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",  # what read_capped can inflate under its cap
            "User-Agent": self._user_agent,
            **headers,
        }
        _check_headers(headers)
        with flight(self._timeout) as current:
            try:
                response = self._session.get(
                    url, headers=headers, timeout=self._timeout, allow_redirects=False, stream=True
                )
                try:
                    response._content = read_capped(
                        response.raw, response.headers.get("Content-Encoding", "")
                    )
                    response._content_consumed = True  # type: ignore[attr-defined]
                    if current.aborted:  # a cut-off read can look complete (EOF mid-headers)
                        raise OSError(f"aborted: {current.aborted}")
                except BaseException:
                    response.close()
                    raise
            except (BodyTooLarge, UnsupportedEncoding) as err:
                raise ResponseFormatError(f"{_path(url)} answered with an unusable body ({err})") from err
            except (requests.RequestException, OSError, urllib3.exceptions.HTTPError) as err:
                raise self._failure(url, err, current.aborted) from err
        log.debug("GET %s -> %s", _path(url), response.status_code)
        try:
            return self._decode(response, auth)
        finally:
            response.close()

    def _failure(self, url: str, err: Exception, aborted: str) -> TransientApiError:
        if aborted == "quit":
            return TransientApiError(f"request to {_host(url)} stopped (quitting)")
        if aborted or isinstance(err, requests.Timeout):
            return TransientApiError(f"no complete answer from {_host(url)} within {self._timeout:g} s")
        if isinstance(err, requests.ConnectionError):
            return TransientApiError(f"cannot connect to {_host(url)}")
        return TransientApiError(f"request to {_host(url)} failed: {redact(type(err).__name__)}")

    def _decode(self, response: requests.Response, auth: _Auth) -> object:
        status = response.status_code
        if _is_cloudflare(response):
            raise BlockedError(
                f"{_host(response.url)} answered with a Cloudflare challenge (HTTP {status})",
                hint=_("claude.ai blocked this network for now; the CLI login path is not affected"),
            )
        if status == 429:
            raise RateLimited(
                _server_message(response) or "rate limited (HTTP 429)",
                retry_after=parse_retry_after(response.headers.get("Retry-After"), self._clock.now()),
            )
        if status in (401, 403):
            raise _auth_error(response, auth)
        if status >= 500:
            raise TransientApiError(f"{_host(response.url)} server error (HTTP {status})", status=status)
        if status != 200:
            raise ResponseFormatError(f"unexpected HTTP {status} from {_path(response.url)}", status=status)
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError) as err:
            raise ResponseFormatError(f"{_path(response.url)} did not return JSON") from err


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from delta-seconds or an HTTP-date; 0 stays 0 (the policy reads it as unknown).

    >>> from datetime import UTC
    >>> parse_retry_after("120", datetime(2026, 1, 1, tzinfo=UTC))
    120.0
    >>> parse_retry_after("Thu, 01 Jan 2026 00:02:00 GMT", datetime(2026, 1, 1, tzinfo=UTC))
    120.0
    >>> parse_retry_after(None, datetime(2026, 1, 1, tzinfo=UTC)) is None
    True
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates parse naive; HTTP-dates are always GMT
        when = when.replace(tzinfo=now.tzinfo)
    return max(0.0, (when - now).total_seconds())


def _sendable(value: str) -> bool:
    """Whether ``value`` can travel in an HTTP header (Latin-1, no line breaks)."""
    return bool(value) and header_problem(value) is None


def _check_headers(headers: Mapping[str, str]) -> None:
    """Refuse before sending: http.client would raise a bare UnicodeEncodeError mid-request."""
    for name, value in headers.items():
        if not _sendable(value):
            what = "login token" if name in ("Authorization", "Cookie") else f"{name} header"
            raise CredentialFormatError(
                f"the {what} holds characters that cannot be sent in an HTTP header",
                hint=_("log in again to get a clean token") if what == "login token" else "",
            )


def _auth_error(response: requests.Response, auth: _Auth) -> AuthError:
    status = response.status_code
    server = _server_message(response)
    if "scope" in server.lower():
        return AuthError(
            f"the login lacks the user:profile scope needed to read usage (HTTP {status}): {server}",
            status=status,
            server_message=server,
            hint=_(_SCOPE_HINT),
        )
    what = "login" if auth is _Auth.OAUTH else "session key" if auth is _Auth.WEB else "request"
    detail = f": {server}" if server else ""
    hint = _(_AUTH_HINTS[auth]) if _AUTH_HINTS[auth] else ""
    if status == 403 and auth is not _Auth.NONE:
        hint = _("{hint}; if it keeps happening, check your proxy or VPN").format(hint=hint)
    return AuthError(
        f"{what} not accepted (HTTP {status}){detail}", status=status, server_message=server, hint=hint
    )


def _is_cloudflare(response: requests.Response) -> bool:
    if response.headers.get("cf-mitigated"):
        return True
    if response.status_code not in (403, 429, 503):
        return False
    content_type = response.headers.get("Content-Type", "").lower()
    head = response.content[:2048].lower()
    return "text/html" in content_type or b"<html" in head or b"just a moment" in head


def _server_message(response: requests.Response) -> str:
    """The ``error.message`` (or ``message``) of a JSON error body, redacted; "" otherwise."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    message = error.get("message") if isinstance(error, dict) else body.get("message")
    return printable(redact(message.strip()))[:300] if isinstance(message, str) else ""


def _oauth_headers(token: str) -> dict[str, str]:
    remember_secret(token)  # an error body echoing it (even without its prefix) is masked
    return {"Authorization": f"Bearer {token}", "anthropic-beta": OAUTH_BETA}


def _web_headers(session_key: str) -> dict[str, str]:
    remember_secret(session_key)
    return {"Cookie": f"sessionKey={session_key}"}


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1].split("?", 1)[0] if "/" in rest else "/"
