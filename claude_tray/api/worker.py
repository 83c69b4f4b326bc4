"""One HTTP request in a short-lived process, so the resident tray never loads the HTTP stack.

The tray polls every few minutes; keeping ``requests``, ``urllib3``, ``ssl`` and ``http`` in it
for that costs about 7 MB of resident memory all day. :class:`WorkerClient` has the calls of
:class:`~claude_tray.api.client.UsageClient` the fetchers use, and runs each one as
``python -m claude_tray.api.worker``: the request (including the token) goes over the worker's
stdin, never argv or the environment; the worker runs the real ``UsageClient`` (the same honest
User-Agent, total deadline, body caps and status -> error mapping) and prints one JSON line,
either ``{"ok": <decoded body>}`` or ``{"error": {...}}``, which becomes the same typed error here.

On top of the client's own deadline the worker gets a hard one: past ``timeout`` plus
:data:`START_SLACK` it is killed. :func:`abort_all` kills every worker in flight at once (Quit,
SIGTERM), so stopping never waits for a slow server. Every worker is waited for (no zombies),
and on POSIX ``communicate()`` reads both pipes on the calling thread (no extra threads).

``claude-tray status`` and ``watch`` keep the in-process client: they are short-lived or need
no tray-sized savings. A frozen build (PyInstaller) cannot run ``-m``, so it stays in-process.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping

from claude_tray.api.netrules import header_problem
from claude_tray.errors import (
    ApiError,
    AuthError,
    BlockedError,
    ClaudeTrayError,
    CredentialFormatError,
    RateLimited,
    ResponseFormatError,
    TransientApiError,
)
from claude_tray.log import printable, redact, remember_secret

__all__ = ["CALLS", "START_SLACK", "WorkerClient", "abort_all", "isolated_requests", "main"]

log = logging.getLogger(__name__)

# the UsageClient methods a worker may run; the first argument of each but get_json is a secret
CALLS = (
    "oauth_usage",
    "oauth_profile",
    "web_organizations",
    "web_usage",
    "web_overage_spend_limit",
    "get_json",
)
START_SLACK = 15.0  # seconds on top of the request's own deadline: start-up on a busy machine
MAX_REQUEST = 64 * 1024  # what a worker reads from stdin
MAX_REPLY = 8 << 20  # a reply holds one body capped at 1 MiB; JSON escaping can grow it


def isolated_requests() -> bool:
    """Whether requests can run in a worker process (not in a frozen build without ``-m``, nor in
    an embedded interpreter that does not know its executable)."""
    return bool(sys.executable) and not getattr(sys, "frozen", False)


class _Flight:
    """One worker in flight: its process and why it was aborted ("" while running)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.aborted = ""

    def abort(self) -> None:
        with self.lock:
            self.aborted = self.aborted or "quit"
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()  # the caller's communicate() sees EOF and waits for it


_flights: set[_Flight] = set()
_flights_lock = threading.Lock()


def abort_all() -> None:
    """Kill every worker in flight in this process (quit, settings change)."""
    with _flights_lock:
        running = list(_flights)
    for each in running:
        each.abort()


class WorkerClient:
    """``UsageClient``'s calls, each in its own short-lived process (see the module docstring)."""

    def __init__(self, api_base: str, web_base: str, user_agent: str, timeout: float) -> None:
        self._api_base = api_base
        self._web_base = web_base
        self._user_agent = user_agent if user_agent and header_problem(user_agent) is None else ""
        self._timeout = timeout

    @property
    def user_agent(self) -> str:
        from claude_tray.api.netrules import default_user_agent

        return self._user_agent or default_user_agent()

    def close(self) -> None:
        """Nothing is pooled between calls."""

    def oauth_usage(self, token: str) -> object:
        return self._call("oauth_usage", token)

    def oauth_profile(self, token: str) -> object:
        return self._call("oauth_profile", token)

    def web_organizations(self, session_key: str) -> object:
        return self._call("web_organizations", session_key)

    def web_usage(self, session_key: str, org_uuid: str) -> object:
        return self._call("web_usage", session_key, org_uuid)

    def web_overage_spend_limit(self, session_key: str, org_uuid: str) -> object:
        return self._call("web_overage_spend_limit", session_key, org_uuid)

    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> object:
        return self._call("get_json", url, dict(headers or {}))

    def _call(self, call: str, *args: object) -> object:
        if call != "get_json" and isinstance(args[0], str):
            remember_secret(args[0])  # a reply echoing it is masked here too
        request = {
            "call": call,
            "args": list(args),
            "api_base": self._api_base,
            "web_base": self._web_base,
            "user_agent": self._user_agent,
            "timeout": self._timeout,
        }
        where = _host(
            str(args[0]) if call == "get_json" else self._web_base if "web" in call else self._api_base
        )
        reply = self._run(json.dumps(request).encode(), where)
        try:
            document = json.loads(reply)
        except (ValueError, RecursionError) as err:
            raise ResponseFormatError(
                f"{where} answered with a body the fetch worker could not pass on"
            ) from err
        if isinstance(document, dict) and "ok" in document:
            return document["ok"]
        error = document.get("error") if isinstance(document, dict) else None
        raise _decode_error(error if isinstance(error, dict) else {}, where)

    def _run(self, request: bytes, where: str) -> bytes:
        current = _Flight()
        with _flights_lock:
            _flights.add(current)
        try:
            with current.lock:
                if current.aborted:
                    raise TransientApiError(f"request to {where} stopped (quitting)")
                current.proc = _spawn()
            return self._wait(current, request, where)
        finally:
            with _flights_lock:
                _flights.discard(current)

    def _wait(self, current: _Flight, request: bytes, where: str) -> bytes:
        proc = current.proc
        assert proc is not None  # set by _run under the lock
        try:
            out, err = proc.communicate(request, timeout=self._timeout + START_SLACK)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise TransientApiError(f"no complete answer from {where} within {self._timeout:g} s") from None
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if current.aborted:
            raise TransientApiError(f"request to {where} stopped (quitting)")
        if proc.returncode != 0 or not out:
            log.debug(
                "fetch worker exited with %s: %s",
                proc.returncode,
                redact(printable(err.decode(errors="replace")))[-500:],
            )
            raise TransientApiError(
                f"request to {where} failed: the fetch worker exited with {proc.returncode}"
            )
        return out[:MAX_REPLY]


def _spawn() -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # our own interpreter and module, no shell
        [sys.executable, "-m", "claude_tray.api.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        close_fds=True,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console flash on Windows
    )


_ERRORS: dict[str, Callable[[str, dict[str, object]], ApiError | CredentialFormatError]] = {
    "AuthError": lambda m, e: AuthError(
        m,
        status=_int(e.get("status")) or 401,
        server_message=_str(e.get("server_message")),
        hint=_str(e.get("hint")),
    ),
    "RateLimited": lambda m, e: RateLimited(m, retry_after=_float(e.get("retry_after"))),
    "BlockedError": lambda m, e: BlockedError(m, hint=_str(e.get("hint"))),
    "TransientApiError": lambda m, e: TransientApiError(m, status=_int(e.get("status"))),
    "ResponseFormatError": lambda m, e: ResponseFormatError(
        m, hint=_str(e.get("hint")), status=_int(e.get("status"))
    ),
    "CredentialFormatError": lambda m, e: CredentialFormatError(m, hint=_str(e.get("hint"))),
}


def _decode_error(error: dict[str, object], where: str) -> ClaudeTrayError:
    make = _ERRORS.get(_str(error.get("type")))
    message = _str(error.get("message"))
    if make is None or not message:
        return TransientApiError(f"request to {where} failed: the fetch worker gave no usable answer")
    return make(redact(message), error)


def _encode_error(err: ClaudeTrayError) -> dict[str, object]:
    return {
        "type": type(err).__name__,
        "message": err.message,
        "hint": err.hint,
        "status": getattr(err, "status", None),
        "server_message": getattr(err, "server_message", ""),
        "retry_after": getattr(err, "retry_after", None),
    }


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


# ----------------------------------------------------------------------------- the worker side


def main() -> int:
    """Read one request from stdin, run it with the real client, print one JSON result."""
    try:
        request = json.loads(sys.stdin.buffer.read(MAX_REQUEST))
        call, args = request["call"], request["args"]
        if call not in CALLS or not isinstance(args, list):
            raise ValueError(call)
    except (ValueError, KeyError, TypeError):
        sys.stderr.write("claude-tray fetch worker: expected one JSON request on stdin\n")
        return 2
    from claude_tray.api.client import UsageClient

    client = UsageClient(
        str(request["api_base"]),
        str(request["web_base"]),
        str(request["user_agent"]),
        float(request["timeout"]),
    )
    try:
        result: dict[str, object] = {"ok": getattr(client, call)(*args)}
    except (ApiError, CredentialFormatError) as err:
        result = {"error": _encode_error(err)}
    finally:
        client.close()
    try:
        text = json.dumps(result)
    except (ValueError, RecursionError):  # a body nested too deep to pass on
        text = json.dumps(
            {
                "error": _encode_error(
                    ResponseFormatError("the usage API answered with a body nested too deeply")
                )
            }
        )
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
