"""Bounded HTTP reads: one total deadline per request, capped bodies, abort on quit.

requests' ``timeout`` bounds each socket operation, not the request: a server that drips one
byte a second (in the headers or the body) would keep a read alive forever, and a gzip body can
inflate a thousandfold. This module closes both holes for :mod:`claude_tray.api.client`:

- :func:`flight` runs one request under a total deadline. Every connection the request uses
  registers itself with the flight (:class:`GuardedAdapter` swaps in connection classes that do),
  and a timer shuts the socket down when the deadline passes, which wakes the blocked read.
- :func:`abort_all` does the same at once for every request in flight, so Quit, SIGTERM and a
  settings change never wait for a slow server.
- :func:`read_capped` reads the raw body up to a cap and inflates gzip/deflate itself, so the
  decoded size is capped too, chunk by chunk.

Only :mod:`claude_tray.api.client` uses this module (it is the requests boundary's other half).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "MAX_BODY",
    "BodyTooLarge",
    "Flight",
    "GuardedAdapter",
    "UnsupportedEncoding",
    "abort_all",
    "flight",
    "read_capped",
]

MAX_BODY = 1 << 20  # a usage body is a few KB; 1 MiB raw and 1 MiB decoded is generous
_CHUNK = 16 * 1024
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BodyTooLarge(Exception):
    """The body (raw or decoded) is larger than the cap."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding this client did not ask for."""


class Flight:
    """One request in flight: its deadline, the connection it reads from, why it was aborted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: HTTPConnection | None = None
        self.aborted = ""  # "" while running; else "deadline" or "quit"

    def attach(self, conn: HTTPConnection) -> None:
        with self._lock:
            self._conn = conn
            aborted = self.aborted
        if aborted:  # aborted while connecting: do not start reading
            _shut(conn)
            raise OSError(f"request aborted ({aborted})")

    def abort(self, reason: str) -> None:
        with self._lock:
            if self.aborted:
                return
            self.aborted = reason
            conn = self._conn
        if conn is not None:
            _shut(conn)


def _shut(conn: HTTPConnection) -> None:
    """Shut the socket down (not close: the reading thread owns it); a blocked recv returns."""
    sock = conn.sock
    if sock is None:
        return
    with contextlib.suppress(OSError):  # the plain socket's shutdown, also under TLS
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_local = threading.local()
_flights: set[Flight] = set()
_flights_lock = threading.Lock()


@contextmanager
def flight(total: float) -> Iterator[Flight]:
    """Run the body as one request that must finish within ``total`` seconds."""
    current = Flight()
    with _flights_lock:
        _flights.add(current)
    timer = threading.Timer(max(0.0, total), current.abort, args=("deadline",))
    timer.name = "claude-tray-http-deadline"
    timer.daemon = True
    timer.start()
    _local.flight = current
    try:
        yield current
    finally:
        _local.flight = None
        timer.cancel()
        timer.join()
        with _flights_lock:
            _flights.discard(current)


def abort_all() -> None:
    """Abort every request in flight in this process (quit, settings change)."""
    with _flights_lock:
        running = list(_flights)
    for each in running:
        each.abort("quit")


def _attach(conn: HTTPConnection) -> None:
    current: Flight | None = getattr(_local, "flight", None)
    if current is not None:
        current.attach(conn)


class _GuardedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)  # a kept-alive connection is reused without connect()
        super().request(*args, **kwargs)


class _GuardedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections join the current :func:`flight`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.ProxyManager:  # a SOCKS manager keeps its own pools
            manager.pool_classes_by_scheme = _POOLS
        return manager


def read_capped(raw: Any, content_encoding: str, cap: int = MAX_BODY) -> bytes:
    """The decoded body of an urllib3 response opened with ``preload_content=False``.

    Raises :class:`BodyTooLarge` as soon as either the raw or the decoded size passes ``cap``.
    """
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        decoder = None
    elif encoding in _DECODERS:
        decoder = zlib.decompressobj(_DECODERS[encoding])
    else:
        raise UnsupportedEncoding(encoding)
    body = bytearray()
    seen = 0
    while True:
        chunk: bytes = raw.read(_CHUNK, decode_content=False)
        if not chunk:
            break
        seen += len(chunk)
        if seen > cap:
            raise BodyTooLarge(f"more than {cap} bytes")
        body += decoder.decompress(chunk, cap + 1 - len(body)) if decoder else chunk
        if len(body) > cap:
            raise BodyTooLarge(f"more than {cap} bytes once decoded")
    if decoder is not None:
        body += decoder.flush()
        if len(body) > cap:
            raise BodyTooLarge(f"more than {cap} bytes once decoded")
    return bytes(body)
