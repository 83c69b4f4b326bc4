"""A real HTTP server on 127.0.0.1 with scripted responses, recording every request.

Usage::

    with LoopbackServer() as server:
        server.script("/api/oauth/usage", Reply(200, body=fixture_bytes), Reply(429, {"Retry-After": "0"}))
        ... point the client at server.url ...
        assert server.count("/api/oauth/usage") == 2

Each path has a queue of replies; the last reply repeats once the queue is exhausted.
"""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    delay: float = 0.0  # seconds before answering (to provoke client timeouts)
    content_type: str = "application/json"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when received


class LoopbackServer:
    def __init__(self) -> None:
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.seen: list[SeenRequest] = []
        self.arrived = threading.Condition(self._lock)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="test-http", kwargs={"poll_interval": 0.05}
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[path] = list(replies)

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.seen if path is None or r.path.split("?")[0] == path)

    def wait_for_count(self, n: int, path: str | None = None, timeout: float = 10.0) -> bool:
        """Block until ``n`` requests (to ``path``) arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while sum(1 for r in self.seen if path is None or r.path.split("?")[0] == path) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            queue = self._scripts.get(path.split("?", maxsplit=1)[0])
            if not queue:
                return Reply(404, body=b'{"error": "not scripted"}')
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _record(self, request: SeenRequest) -> None:
        with self.arrived:
            self.seen.append(request)
            self.arrived.notify_all()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner._record(SeenRequest("GET", self.path, dict(self.headers), time.monotonic()))
                reply = owner._next_reply(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
