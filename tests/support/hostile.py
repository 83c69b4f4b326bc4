"""A loopback HTTP server that misbehaves on purpose: drips, bombs, lies.

Unlike :mod:`tests.support.http` it writes raw bytes on the socket, so a test can send headers
one byte at a time, a gzip body that inflates a thousandfold, or never finish at all. Every
behaviour stops when the client goes away or the server closes (the stop event), so no test
waits longer than it chooses to.
"""

from __future__ import annotations

import socket
import struct
import threading
import zlib
from collections.abc import Callable
from types import TracebackType

Behaviour = Callable[[socket.socket, threading.Event], None]


class HostileServer:
    def __init__(self, behaviour: Behaviour) -> None:
        self._behaviour = behaviour
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self.connections = 0
        self.requested = threading.Event()  # a whole request came in: the client now awaits the answer
        self._accept = threading.Thread(target=self._serve, name="test-hostile")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            worker = threading.Thread(target=self._run, args=(conn,), name="test-hostile-conn")
            self._threads.append(worker)
            worker.start()

    def _run(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5.0)
            try:
                _read_request(conn)
                self.requested.set()
                self._behaviour(conn, self._stop)
            except OSError:
                pass  # the client hung up: that is what most tests want to see

    def __enter__(self) -> HostileServer:
        self._accept.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._accept.join()
        self._listener.close()
        for worker in self._threads:
            worker.join(10.0)

    def wait_for_request(self, timeout: float) -> None:
        """Until a client has sent its whole request (it is then waiting in the response)."""
        assert self.requested.wait(timeout), f"no request within {timeout} s"


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            raise OSError("client closed before sending a request")
        data += chunk


def drip_body(interval: float = 0.2) -> Behaviour:
    """Headers at once (Content-Length 1000), then one body byte every ``interval``."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        while not stop.wait(interval):
            conn.sendall(b" ")

    return behave


def drip_headers(interval: float = 0.2) -> Behaviour:
    """The status line, then one header byte every ``interval`` (the body never comes)."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while not stop.wait(interval):
            conn.sendall(b"a")

    return behave


def body(payload: bytes, *, encoding: str = "", length: bool = True) -> Behaviour:
    """A 200 with ``payload`` as is (already encoded when ``encoding`` is set)."""

    def behave(conn: socket.socket, stop: threading.Event) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        if encoding:
            head += f"Content-Encoding: {encoding}\r\n"
        if length:
            head += f"Content-Length: {len(payload)}\r\n"
        conn.sendall(head.encode() + b"\r\n")
        view = memoryview(payload)
        for start in range(0, len(payload), 65536):
            if stop.is_set():
                return
            conn.sendall(view[start : start + 65536])

    return behave


def gzip_bomb(inflated: int) -> bytes:
    """A valid gzip stream of ``inflated`` zero bytes (about a thousandth of that on the wire).

    Built from one fully flushed deflate block repeated (a full flush resets the compressor's
    history, so every later block compresses to the same bytes): fast even for a GiB.
    """
    block = bytes(1 << 20)
    count = max(1, inflated // len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (count * len(block)) & 0xFFFFFFFF)
    return header + first + repeat * (count - 1) + tail + trailer
