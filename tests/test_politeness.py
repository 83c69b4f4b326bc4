"""Politeness, measured: requests per simulated hour in each state (tests/bench/politeness.py).

The README's politeness table is that script's output; the last test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.politeness import Row, measure_all, table


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return measure_all()


def by_state(rows: list[Row], start: str) -> Row:
    return next(r for r in rows if r.state.startswith(start))


def test_healthy_is_at_most_one_request_per_interval(rows: list[Row]) -> None:
    healthy = by_state(rows, "healthy")
    assert healthy.busiest <= 12  # 3600 s / 300 s
    assert healthy.per_hour > 11, "and it does keep polling"


def test_a_rejected_or_expired_login_costs_zero_requests(rows: list[Row]) -> None:
    for start in ("401", "expired", "no credentials"):
        row = by_state(rows, start)
        assert (row.per_hour, row.busiest) == (0.0, 0), row
        assert row.checks_per_hour <= 240, "local checks at most every 15 s"


def test_rate_limits_and_outages_back_off_to_their_caps(rows: list[Row]) -> None:
    assert by_state(rows, "429, Retry-After: 0").busiest <= 3  # 1800 s cap (-10 % jitter)
    assert by_state(rows, "429, Retry-After: 600").busiest <= 3
    assert by_state(rows, "offline").busiest <= 5  # 900 s cap (-10 % jitter)
    assert by_state(rows, "Cloudflare").busiest <= 2  # 1800 s


def test_claude_codes_own_fresh_numbers_cost_zero_requests(rows: list[Row]) -> None:
    row = by_state(rows, "Claude Code in use")
    assert (row.first_hour, row.per_hour, row.busiest) == (0, 0.0, 0), row


def test_watching_for_claude_codes_numbers_during_a_429_sends_nothing_more(rows: list[Row]) -> None:
    plain, watched = by_state(rows, "429, Retry-After: 0"), by_state(rows, "Claude Code login, 429")
    assert (watched.first_hour, watched.per_hour, watched.busiest) == (
        plain.first_hour,
        plain.per_hour,
        plain.busiest,
    )
    assert watched.checks_per_hour <= 240, "local checks at most every 15 s"


def test_readme_table_is_the_measured_one(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:politeness -->", 1)[-1]
    assert "python -m tests.bench.politeness" in section
    assert table(measure_all()) in section, "re-run: python -m tests.bench.politeness"
