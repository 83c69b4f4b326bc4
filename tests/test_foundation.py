"""The shared core: model helpers, settings validation, log redaction, the CLI entry point."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tray import __version__
from claude_tray.errors import ConfigError
from claude_tray.log import RedactingFilter, redact
from claude_tray.model import Severity, Thresholds, severity, worst_severity
from claude_tray.settings.model import Settings
from claude_tray.settings.schema import load_settings, parse_settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (0.0, Severity.CALM),
        (69.9, Severity.CALM),
        (70.0, Severity.WARN),
        (90.0, Severity.CRITICAL),
        (100.0, Severity.FULL),
        (105.0, Severity.FULL),
    ],
)
def test_severity_table(value: float | None, expected: Severity | None) -> None:
    assert severity(value, Thresholds()) is expected


def test_worst_severity_ignores_unknown() -> None:
    assert worst_severity([None, Severity.WARN, Severity.CALM]) is Severity.WARN
    assert worst_severity([None, None]) is None


def test_missing_settings_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == Settings()


def test_settings_collect_every_problem_with_lines() -> None:
    text = "[general]\npoll_interval = 10\n[network]\nuser_agent = 'claude-code/2.1'\n\n[[accounts]]\nsource = 'nope'\n"
    with pytest.raises(ConfigError) as info:
        parse_settings(text, "s.toml")
    problems = {(p.key, p.line) for p in info.value.problems}
    assert problems == {("general.poll_interval", 2), ("network.user_agent", 4), ("accounts.source", 7)}
    assert "minimum is 60" in str(info.value)


def test_settings_bad_toml_names_the_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings("[general]\npoll_interval = = 3\n", "s.toml")
    assert info.value.problems[0].line == 2


def test_redaction_covers_every_secret_shape() -> None:
    text = "Bearer sk-ant-oat01-AAAA sessionKey=sk-ant-sid01-BBBB token sk-ant-ort01-CCCC"
    cleaned = redact(text)
    assert "AAAA" not in cleaned and "BBBB" not in cleaned and "CCCC" not in cleaned


def test_redacting_filter_cleans_args_and_tracebacks() -> None:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "got %s", ("Bearer sk-ant-oat01-XYZ",), None)
    try:
        raise ValueError("sessionKey=sk-ant-sid01-SECRET")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    assert "XYZ" not in record.getMessage() and "SECRET" not in record.getMessage()


def test_version_from_the_installed_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "claude_tray", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"claude-tray {__version__}"
