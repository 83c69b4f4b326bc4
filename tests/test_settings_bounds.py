"""Every numeric setting has bounds; absurd, non-finite and unsendable values are refused.

Each row is a value the fault campaign found accepted before (nan, inf, 1e300, 10**12 days, a
snowman in the User-Agent, http:// to a remote host, a 5,000-deep TOML array).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from claude_tray.errors import ConfigError
from claude_tray.settings.schema import parse_settings


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, "s.toml")
    return [f"{p.key}: {p.message}" for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[general]\npoll_interval = nan\n", "general.poll_interval"),
        ("[general]\npoll_interval = inf\n", "general.poll_interval"),
        ("[general]\npoll_interval = 1e300\n", "general.poll_interval"),
        ("[general]\npoll_interval = 1000000000000000000\n", "general.poll_interval"),
        ("[general]\npoll_interval = 86401\n", "general.poll_interval"),
        ("[general]\npoll_interval = -inf\n", "general.poll_interval"),
        ("[thresholds]\nwarn = nan\n", "thresholds.warn"),
        ("[thresholds]\ncritical = inf\n", "thresholds.critical"),
        ("[notifications]\nthresholds = [nan]\n", "notifications.thresholds"),
        ("[notifications]\nthresholds = [1e308]\n", "notifications.thresholds"),
        ("[network]\ntimeout = nan\n", "network.timeout"),
        ("[network]\ntimeout = inf\n", "network.timeout"),
        ("[history]\nretention_days = 1000000000000\n", "history.retention_days"),
        ("[history]\nretention_days = 0\n", "history.retention_days"),
        ("schema_version = 1000000000000000000\n", "schema_version"),
        ('[network]\nuser_agent = "caf\\u00e9 \\u2603"\n', "network.user_agent"),
        ('[network]\nuser_agent = "a\\r\\nX-Evil: 1"\n', "network.user_agent"),
        ('[network]\napi_base = "http://api.example.com"\n', "network.api_base"),
        ('[network]\nweb_base = "http://192.168.1.5:8080"\n', "network.web_base"),
        ('[network]\napi_base = "ftp://x"\n', "network.api_base"),
    ],
)
def test_absurd_values_are_refused_with_the_key_named(text: str, key: str) -> None:
    [problem] = problems(text)
    assert problem.startswith(f"{key}: ")


def test_the_bounds_are_in_the_message() -> None:
    [problem] = problems("[general]\npoll_interval = nan\n")
    assert "between 60 and 86400 seconds" in problem
    [problem] = problems("[history]\nretention_days = 1000000000000\n")
    assert "between 1 and 3650 days" in problem
    [problem] = problems('[network]\napi_base = "http://api.example.com"\n')
    assert "https://" in problem


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:80", "https://proxy.example"]
)
def test_loopback_http_and_any_https_are_fine(base: str) -> None:
    settings = parse_settings(f'[network]\napi_base = "{base}"\nweb_base = "{base}"\n')
    assert settings.network.api_base == base


def test_the_environment_base_url_obeys_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_API_BASE", "http://api.example.com")
    [problem] = problems("")
    assert problem.startswith("network.api_base: $CLAUDE_TRAY_API_BASE must use https://")


def test_the_upper_bounds_themselves_are_accepted() -> None:
    settings = parse_settings("[general]\npoll_interval = 86400\n[history]\nretention_days = 3650\n")
    assert settings.general.poll_interval == 86400.0 and settings.history.retention_days == 3650


def test_a_5000_deep_toml_array_is_a_clear_error() -> None:
    [problem] = problems("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in problem


def test_config_check_says_so_for_a_deep_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "claude_tray", "config", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"CLAUDE_TRAY_CONFIG": str(path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode != 0
    assert "nested too deeply" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("module", ["claude_tray.api.netrules", "claude_tray.log"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
