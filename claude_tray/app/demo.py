"""``claude-tray --demo``: the real app against a built-in fake API playing a scripted day.

Nothing here is a mock of claude-tray: the real poller, fetcher, HTTP client, view and tray
run. Only the server is fake. It listens on 127.0.0.1 (a named thread, joined on exit) and
answers each usage request with the next step of a working day compressed into about a
minute: usage rises through warn and critical to full, the server rate-limits once (429 with
Retry-After), the 5-hour window resets, and the day starts over. "Refresh now" jumps a step.

Everything lives in a throwaway directory: a settings file pointing at the fake server, a
Claude Code style login with a fake token, and the state files. ``~/.claude`` and the person's
own settings are never read or written: for this process ``CLAUDE_TRAY_CONFIG``,
``CLAUDE_CONFIG_DIR`` and (on Linux) ``XDG_STATE_HOME`` point into the throwaway directory, and
the history is off.
"""

from __future__ import annotations

import http.server
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tray.i18n import N_

if TYPE_CHECKING:
    from claude_tray.tray.menu import MenuEntry, TrayView

__all__ = ["DAY", "MIN_INTERVAL", "DemoApi", "Step", "demo_view", "run_demo", "step_body", "write_demo_files"]

POLL_SECONDS = 4  # one step of the day per poll
MIN_INTERVAL = "1"  # the testing knob CLAUDE_TRAY_MIN_INTERVAL, set for the demo process only
DEMO_TOKEN = "sk-ant-oat01-demo-not-a-real-token"  # noqa: S105 - a fake token for the fake server


@dataclass(frozen=True, slots=True)
class Step:
    """One reading of the scripted day. ``clock`` is the simulated time of day ("HH:MM")."""

    clock: str
    five_hour: float
    weekly: float
    opus: float
    extra_used: float = 0.0
    status: int = 200
    retry_after: int = 0


# The 5-hour window runs 08:00-13:00 and then 13:00-18:00; the weekly one resets in 3 days.
DAY: tuple[Step, ...] = (
    Step("08:00", 4, 31, 9),
    Step("09:00", 18, 34, 10),
    Step("10:00", 37, 38, 12),
    Step("11:00", 56, 42, 14),
    Step("11:40", 71, 45, 15),  # warn
    Step("12:10", 84, 47, 17),
    Step("12:30", 92, 49, 18),  # critical
    Step("12:40", 92, 49, 18, status=429, retry_after=6),  # rate limited: the numbers stay
    Step("12:50", 100, 51, 19, extra_used=12.40),  # at the wall: extra usage kicks in
    Step("12:55", 100, 52, 19, extra_used=14.90),
    Step("13:05", 3, 52, 19, extra_used=14.90),  # the 5-hour window reset
    Step("14:00", 16, 55, 21, extra_used=14.90),
    Step("15:30", 38, 59, 24, extra_used=14.90),
)


_MORNING = datetime(2000, 1, 1, 8, tzinfo=UTC)  # the simulated day starts at 08:00


def _simulated(clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return _MORNING.replace(hour=hours, minute=minutes)


def step_body(step: Step, now: datetime) -> bytes:
    """The usage JSON for one step, with reset times counted from the real ``now``."""
    at = _simulated(step.clock)
    five_end = _MORNING.replace(hour=13 if at.hour < 13 else 18)  # 08-13, then 13-18
    week_left = timedelta(days=3, hours=4) - (at - _MORNING)

    def window(value: float, left: timedelta) -> dict[str, object]:
        return {"utilization": value, "resets_at": (now + left).isoformat()}

    body = {
        "five_hour": window(step.five_hour, five_end - at),
        "seven_day": window(step.weekly, week_left),
        "seven_day_opus": window(step.opus, week_left),
        "extra_usage": {
            "is_enabled": True,
            "monthly_limit": 5000,  # cents: $50.00
            "used_credits": round(step.extra_used * 100),
            "utilization": step.extra_used / 50 * 100,
            "currency": "USD",
        },
    }
    return json.dumps(body).encode()


class DemoApi:
    """The fake usage server: each GET of ``/api/oauth/usage`` plays the next step of :data:`DAY`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True  # one short request each; the serving thread is joined
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="claude-tray-demo-api"
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def take_step(self) -> Step:
        with self._lock:
            step = DAY[self._next % len(DAY)]
            self._next += 1
            return step

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/api/oauth/usage":
                    self._reply(404, b'{"error": {"message": "not part of the demo"}}')
                    return
                step = api.take_step()
                if step.status == 429:
                    body = b'{"error": {"type": "rate_limit_error", "message": "Rate limited (demo)"}}'
                    self._reply(429, body, {"Retry-After": str(step.retry_after)})
                else:
                    self._reply(200, step_body(step, datetime.now(UTC)))

            def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass  # the demo's requests are not news

        return Handler


def write_demo_files(root: Path, api_base: str) -> Path:
    """A settings file and a fake Claude Code login under ``root``; returns the settings path."""
    claude_dir = root / "claude"
    claude_dir.mkdir(mode=0o700)
    expires = int((datetime.now(UTC) + timedelta(days=1)).timestamp() * 1000)
    login = {"claudeAiOauth": {"accessToken": DEMO_TOKEN, "expiresAt": expires, "scopes": ["user:profile"]}}
    (claude_dir / ".credentials.json").write_text(json.dumps(login), encoding="utf-8")
    settings = root / "config.toml"
    settings.write_text(
        "# claude-tray --demo: a throwaway settings file (deleted when the demo quits)\n"
        f"[general]\npoll_interval = {POLL_SECONDS}\n\n"
        "[history]\nenabled = false\n\n"
        f'[network]\napi_base = "{api_base}"\n\n'
        f'[[accounts]]\nname = "demo"\nsource = "cli"\nconfig_dir = "{claude_dir.as_posix()}"\n',
        encoding="utf-8",
    )
    return settings


DEMO_PROVENANCE = N_("demo data from a built-in fake server")  # shown as _(DEMO_PROVENANCE)


def demo_view(view: TrayView) -> TrayView:
    """The demo's readings say they are demo data, not "via Claude Code login" (its login is fake)."""
    from dataclasses import replace

    from claude_tray.i18n import _
    from claude_tray.model import SourceKind

    real = _(SourceKind.CLI.provenance)

    def relabel(entries: tuple[MenuEntry, ...]) -> tuple[MenuEntry, ...]:
        return tuple(
            replace(e, label=e.label.replace(real, _(DEMO_PROVENANCE)), submenu=relabel(e.submenu))
            for e in entries
        )

    return replace(view, menu=relabel(view.menu), title=view.title.replace(real, _(DEMO_PROVENANCE)))


def run_demo(*, wait_for_tray: float) -> int:
    """Check for a tray, start the fake API, run the real app on it, clean everything up."""
    from claude_tray.app.launch import launch, preflight
    from claude_tray.settings.schema import load_settings

    choice = preflight(wait_for_tray)
    api = DemoApi()
    api.start()
    try:
        with tempfile.TemporaryDirectory(prefix="claude-tray-demo-") as tmp:
            path = write_demo_files(Path(tmp), api.url)
            os.environ["CLAUDE_TRAY_CONFIG"] = str(path)  # Edit settings... and reloads use it
            os.environ["CLAUDE_CONFIG_DIR"] = str(Path(tmp) / "claude")  # "Claude Code's default dir"
            os.environ["XDG_STATE_HOME"] = str(Path(tmp) / "state")  # last-poll records (Linux)
            os.environ["CLAUDE_TRAY_MIN_INTERVAL"] = MIN_INTERVAL  # a day in a minute
            return launch(choice, load_settings(path), path, relabel=demo_view)
    finally:
        api.stop()
