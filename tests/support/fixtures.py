"""Access to tests/fixtures (copies of real and peer-sourced payloads; see tests/fixtures/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_path(relative: str) -> Path:
    path = FIXTURES / relative
    if not path.exists():
        raise FileNotFoundError(
            f"missing fixture {relative}; copy it into tests/fixtures with its SOURCES.md row"
        )
    return path


def fixture_bytes(relative: str) -> bytes:
    return fixture_path(relative).read_bytes()


def fixture_json(relative: str) -> Any:
    return json.loads(fixture_bytes(relative))
