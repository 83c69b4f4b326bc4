"""The resident tray keeps the HTTP stack out, and never waits for a fetch worker to quit.

The real claude-tray on the appindicator backend, observed from outside through ``/proc``: after
its first reading is in the menu, no TLS or OpenSSL library is mapped into it (``requests``
imports ``urllib3``, which imports ``ssl``, which maps ``_ssl`` and libssl; ``hashlib`` maps
libcrypto), no HTTP deadline thread runs in it, and no fetch worker is left behind, finished or
not. The numbers these guards protect come from ``tests/bench/footprint.py``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.desktop.helpers import traytest as tt
from tests.desktop.helpers.app import TrayProcess, usage_body, write_login, write_settings
from tests.desktop.test_tray_sni import Item, needs_appindicator
from tests.support.hostile import HostileServer, drip_body
from tests.support.http import LoopbackServer, Reply

pytestmark = pytest.mark.desktop

USAGE = "/api/oauth/usage"
HTTP_LIBRARIES = ("/_ssl.", "libssl.so", "libcrypto.so", "/_hashlib.")


def mapped_files(pid: int) -> set[str]:
    return {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines() if "/" in line}


def thread_names(pid: int) -> list[str]:
    names = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:
            continue  # a thread that just ended
    return names


def children(pid: int) -> list[tuple[int, str, str]]:
    """(pid, state, cmdline) of every process whose parent is ``pid`` (zombies included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append((int(entry.name), fields[0], cmdline))
    return found


@needs_appindicator
def test_after_the_first_reading_the_tray_holds_no_http_stack_and_no_worker(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    server: LoopbackServer,
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    write_settings(isolated_home, "[general]\npoll_interval = 3600\n")
    server.script(USAGE, Reply(200, body=usage_body(42.0, 61.0)))
    app = start_tray(PYSTRAY_BACKEND="appindicator", CLAUDE_TRAY_API_BASE=server.url)
    item = Item()
    item.wait_label(lambda x: x.startswith("5-hour: 42%"), "the first reading")
    assert server.count(USAGE) == 1
    [seen] = server.seen
    assert seen.headers["User-Agent"].startswith("claude-tray/")  # the worker names itself honestly
    tt.wait_for(lambda: not children(app.proc.pid), 5, what="the fetch worker to be reaped")
    loaded = [path for path in mapped_files(app.proc.pid) if any(lib in path for lib in HTTP_LIBRARIES)]
    assert loaded == []
    assert not [name for name in thread_names(app.proc.pid) if "http" in name]
    item.click("Quit")
    assert app.wait_exit() == 0


@needs_appindicator
def test_sigterm_during_a_dripping_fetch_kills_the_worker_and_quits_at_once(
    xvfb: str,
    sni_watcher: subprocess.Popen[str],
    isolated_home: Path,
    start_tray: Callable[..., TrayProcess],
) -> None:
    write_login(isolated_home)
    write_settings(isolated_home, "[network]\ntimeout = 300\n")
    with HostileServer(drip_body(0.1)) as server:
        app = start_tray(PYSTRAY_BACKEND="appindicator", CLAUDE_TRAY_API_BASE=server.url)
        Item()
        server.wait_for_request(20)  # the worker now waits in the dripping body
        [(worker, _state, cmdline)] = children(app.proc.pid)
        assert "claude_tray.api.worker" in cmdline
        start = time.monotonic()
        app.proc.terminate()
        code = app.wait_exit(timeout=10.0)
        took = time.monotonic() - start
    assert code == 0, app.output()
    assert took < 2.0
    assert not _alive(worker), "the fetch worker outlived the tray"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"
