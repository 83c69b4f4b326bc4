"""Start-up footprint guards: what the daemon and light commands must not import too early.

The numbers themselves come from ``tests/bench/footprint.py``; these tests keep the lazy
imports that the numbers depend on from quietly coming back.
"""

from __future__ import annotations

import subprocess
import sys

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
