#!/usr/bin/env python3
"""Screenshot the real tray menu for the README, headless; commit the output.

    .venv/bin/python packaging/make_screenshot.py       # writes packaging/screenshots/menu.png

Everything is private and torn down afterwards (each process stopped by its PID): a temporary
HOME with a made-up Claude Code login, a session bus (``dbus-daemon``), a display (``Xvfb``),
an XEmbed tray (``trayer``), and a loopback HTTP server playing the usage API with fixed
numbers. The real ``claude-tray`` runs on the gtk backend, whose right click pops up a real GTK
menu (docs: desktop-testing §9); ``xdotool`` clicks, Pillow's ImageGrab reads the screen. Needs
Xvfb, trayer, xdotool, dbus-daemon and PyGObject (the Debian packages ``tests/run`` installs).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from PIL import Image, ImageChops, ImageGrab

from claude_tray.model import Severity
from claude_tray.render.theme import SEVERITY_COLOURS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the desktop helpers the tests use (tests/desktop/helpers)
from tests.desktop.helpers.processes import announce_display, start_xvfb, stop_process  # noqa: E402

OUT = ROOT / "packaging" / "screenshots" / "menu.png"
SCREEN = (1024, 768)
TRAY_HEIGHT = 32
DESKTOP = (52, 61, 70)  # what the screenshot shows around the menu
MARGIN = 12
T = TypeVar("T")


def usage_body(now: datetime) -> bytes:
    """An OAuth usage answer in the real shape: weekly in the warn band, so the ring is amber."""

    def window(percent: float, left: timedelta) -> dict[str, object]:
        return {"utilization": percent, "resets_at": (now + left).isoformat()}

    return json.dumps(
        {
            "five_hour": window(42.0, timedelta(hours=2, minutes=14, seconds=30)),
            "seven_day": window(76.0, timedelta(days=3, hours=18)),
            "seven_day_opus": window(31.0, timedelta(days=3, hours=18)),
            "seven_day_sonnet": window(8.0, timedelta(days=3, hours=19)),
            "extra_usage": {
                "is_enabled": True,
                "monthly_limit": 14000,
                "used_credits": 4752,
                "utilization": 33.9,
                "currency": "USD",
            },
        }
    ).encode()


@contextmanager
def usage_api(body: bytes) -> Iterator[str]:
    """A 127.0.0.1 server answering the usage endpoint (anything else: 404)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ok = self.path.split("?")[0] == "/api/oauth/usage"
            payload = body if ok else b"{}"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="screenshot-api")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def process(argv: list[str], env: dict[str, str], **kwargs: object) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(argv, env=env, **kwargs)  # type: ignore[call-overload]
    try:
        yield proc
    finally:
        stop_process(proc)


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``check`` (another process's screen: there is nothing to wait on) until it answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"make_screenshot: timed out waiting for {what}")


def private_home(base: Path) -> dict[str, str]:
    """A HOME with a made-up Claude Code login (the token is never sent anywhere but 127.0.0.1)."""
    home = base / "home"
    for sub in (".config", ".local/share", ".local/state", ".cache", "run"):
        (home / sub).mkdir(parents=True)
    (home / "run").chmod(0o700)
    # valid for a day from now: the real clock decides, never a pinned date
    expires = int((time.time() + 86400) * 1000)
    login = {"accessToken": "sk-ant-oat01-screenshot", "expiresAt": expires, "scopes": ["user:profile"]}
    (home / ".claude").mkdir()
    (home / ".claude" / ".credentials.json").write_text(json.dumps({"claudeAiOauth": login}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "XDG_", "DBUS_"))}
    return env | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "NO_AT_BRIDGE": "1",
        "GTK_THEME": "Adwaita",
    }


def start_bus(stack: ExitStack, env: dict[str, str]) -> None:
    bus = stack.enter_context(
        process(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env, stdout=subprocess.PIPE)
    )
    assert bus.stdout is not None
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()


def start_display(stack: ExitStack, env: dict[str, str]) -> str:
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    proc, env["DISPLAY"] = start_xvfb(["-screen", "0", size, "-nolisten", "tcp", "-br"], env)
    stack.callback(stop_process, proc)
    # D-Bus-activated services (the notification daemon GTK wakes at start-up) need the display too
    announce_display(env)
    return env["DISPLAY"]


def grab(display: str) -> Image.Image:
    return ImageGrab.grab(xdisplay=display).convert("RGB")


def start_tray(stack: ExitStack, env: dict[str, str], display: str) -> None:
    argv = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "percent", "--width", "100",
            "--height", str(TRAY_HEIGHT), "--SetDockType", "true", "--transparent", "false"]  # fmt: skip
    for _attempt in range(3):
        # GTK clients now and then fail to open a display that has just come up ("cannot open
        # display"); trayer then exits at once, and a second start works
        tray = stack.enter_context(process(argv, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        def drawn_or_exited(tray: subprocess.Popen[bytes] = tray) -> object:
            return "exited" if tray.poll() is not None else tray_strip(grab(display)).getbbox()

        drawn = wait_for(drawn_or_exited, 10, "trayer")
        if drawn != "exited":
            return
    raise SystemExit("make_screenshot: trayer could not open the display")


def tray_strip(screen: Image.Image) -> Image.Image:
    """Where the tray is drawn: anything not black in the top strip (the root window is black)."""
    strip = screen.crop((0, 0, screen.width, TRAY_HEIGHT))
    return strip.point(lambda v: 255 if v else 0).convert("L")


def icon_box(screen: Image.Image) -> tuple[int, int, int, int] | None:
    """The icon's pixels inside the tray (anything that is not the panel's colour), once it shows the
    reading: the weekly 76 % makes the rings amber, the "starting" icon before it is grey."""
    strip = screen.crop((0, 0, screen.width, TRAY_HEIGHT))
    tray = tray_strip(screen).getbbox()
    if tray is None:
        return None
    inside = strip.crop(tray)
    panel = inside.getpixel((2, 2))  # trayer paints the GTK theme's background; the icon sits right
    differs = ImageChops.difference(inside, Image.new("RGB", inside.size, panel)).convert("L")
    box = differs.point(lambda v: 255 if v > 40 else 0).getbbox()
    if box is None or box[2] - box[0] < 10:
        return None
    found = (box[0] + tray[0], box[1], box[2] + tray[0], box[3])
    patch = screen.crop(found)
    amber = Image.new("RGB", patch.size, SEVERITY_COLOURS[Severity.WARN][:3])
    near_amber = sum(ImageChops.difference(patch, amber).convert("L").histogram()[:24])
    return found if near_amber > 20 else None


def menu_box(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int] | None:
    """The popped-up menu: the large area that changed below the tray."""
    changed = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > 8 else 0)
    box = changed.crop((0, TRAY_HEIGHT, after.width, after.height)).getbbox()
    if box is None or box[3] - box[1] < 100:
        return None
    return (box[0], box[1] + TRAY_HEIGHT, box[2], box[3] + TRAY_HEIGHT)


def settle(display: str, box: Callable[[Image.Image], T | None], what: str) -> tuple[T, Image.Image]:
    """Wait until ``box`` finds something and two grabs in a row agree (drawing has finished)."""
    last: Image.Image | None = None

    def stable() -> tuple[T, Image.Image] | None:
        nonlocal last
        screen = grab(display)
        found = box(screen)
        same = last is not None and ImageChops.difference(screen, last).getbbox() is None
        last = screen
        return (found, screen) if found is not None and same else None

    return wait_for(stable, 15, what)


def compose(
    screen: Image.Image, icon: tuple[int, int, int, int], menu: tuple[int, int, int, int]
) -> Image.Image:
    """The tray bar above the menu, on a desktop-coloured background, cropped to both."""
    left = max(0, min(icon[0], menu[0]) - MARGIN)
    right = min(screen.width, max(icon[2], menu[2]) + MARGIN)
    bottom = min(screen.height, menu[3] + MARGIN)
    shot = screen.crop((left, 0, right, bottom))
    black = shot.convert("L").point(lambda v: 255 if v == 0 else 0)  # the bare root window
    shot.paste(Image.new("RGB", shot.size, DESKTOP), mask=black)
    return shot


def run_app(stack: ExitStack, env: dict[str, str], api: str, log: Path) -> None:
    app_env = env | {"PYSTRAY_BACKEND": "gtk", "CLAUDE_TRAY_API_BASE": api}
    argv = [sys.executable, "-m", "claude_tray", "run", "--wait-for-tray", "10"]
    handle = stack.enter_context(log.open("wb"))
    stack.enter_context(process(argv, app_env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT))


def take(out: Path) -> Path:
    missing = [tool for tool in ("Xvfb", "trayer", "xdotool", "dbus-daemon") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"make_screenshot: missing {', '.join(missing)} (see tests/run's apt list)")
    with tempfile.TemporaryDirectory(prefix="claude-tray-shot-") as tmp, ExitStack() as stack:
        env = private_home(Path(tmp))
        start_bus(stack, env)
        display = start_display(stack, env)
        start_tray(stack, env, display)
        api = stack.enter_context(usage_api(usage_body(datetime.now(UTC))))
        run_app(stack, env, api, Path(tmp) / "claude-tray.log")
        icon, before = settle(display, icon_box, "the icon to dock and show the first reading")
        x, y = (icon[0] + icon[2]) // 2, (icon[1] + icon[3]) // 2
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "3"], env=env, check=True)
        menu, after = settle(display, lambda s: menu_box(before, s), "the menu to pop up")
        out.parent.mkdir(parents=True, exist_ok=True)
        compose(after, icon, menu).save(out, format="PNG", optimize=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "-o", "--out", type=Path, default=OUT, help=f"PNG to write (default: {OUT.relative_to(ROOT)})"
    )
    args = parser.parse_args(argv)
    sys.stdout.write(f"{take(args.out)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
