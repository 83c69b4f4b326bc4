"""Start-up footprint guards: what the daemon and light commands must not import too early.

The numbers themselves come from ``tests/bench/footprint.py``; these tests keep the lazy
imports that the numbers depend on from quietly coming back.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def loaded_after(code: str, *modules: str) -> dict[str, bool]:
    probe = f"import sys\n{code}\nprint(' '.join(str(m in sys.modules) for m in {modules!r}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return dict(zip(modules, (word == "True" for word in result.stdout.split()), strict=True))


def test_history_and_forecast_leave_sqlite_until_a_database_is_opened() -> None:
    assert loaded_after(
        "import claude_tray.usage.history, claude_tray.usage.forecast, claude_tray.app.parts.history",
        "sqlite3",
    ) == {"sqlite3": False}


def test_building_fetchers_leaves_requests_for_the_first_poll() -> None:
    code = (
        "from claude_tray.clock import SystemClock\n"
        "from claude_tray.usage.fetch import build_fetchers\n"
        "from claude_tray.settings.schema import Settings\n"
        "build_fetchers(Settings(), SystemClock())"
    )
    assert loaded_after(code, "requests", "urllib3") == {"requests": False, "urllib3": False}


@pytest.mark.parametrize("module", ["requests", "PIL", "sqlite3", "pystray", "keyring"])
def test_the_cli_entry_point_is_light(module: str) -> None:
    assert loaded_after("import claude_tray.cli", module) == {module: False}


def test_the_trays_fetchers_read_usage_without_loading_the_http_stack(isolated_home: Path) -> None:
    """``isolated=True`` (the tray): a real reading through a fetch worker, nothing of HTTP loaded here."""
    from tests.support.http import LoopbackServer, Reply
    from tests.support.watch import write_credentials

    write_credentials(isolated_home, "sk-ant-oat01-footprint-isolated")
    body = b'{"five_hour": {"utilization": 33.0, "resets_at": null}}'
    with LoopbackServer() as server:
        server.script("/api/oauth/usage", Reply(200, body=body))
        code = (
            "from claude_tray.clock import SystemClock\n"
            "from claude_tray.usage.fetch import build_fetchers\n"
            "from claude_tray.settings.schema import parse_settings\n"
            f"settings = parse_settings('[network]\\napi_base = \"{server.url}\"\\n')\n"
            "[fetcher] = build_fetchers(settings, SystemClock(), isolated=True)\n"
            "print(fetcher.fetch().windows[0].utilization)"
        )
        # only what the fetch itself loads: the interpreter's start-up (a sitecustomize, such as the
        # shifted pass's time-machine) may have loaded some of these before our code ran
        probe = (
            f"import sys\nbefore = set(sys.modules)\n{code}\n"
            f"print(' '.join(str(m in sys.modules and m not in before) for m in {HTTP_STACK!r}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        )
        assert server.count("/api/oauth/usage") == 1
    reading, loaded = done.stdout.splitlines()
    assert reading == "33.0"
    assert dict(zip(HTTP_STACK, loaded.split(), strict=True)) == dict.fromkeys(HTTP_STACK, "False")


HTTP_STACK = ("requests", "urllib3", "ssl", "http.client", "hashlib")
