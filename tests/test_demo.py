"""The demo's fake API played through the real data path (settings file, login file, client, parser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_tray.app.demo import DAY, MIN_INTERVAL, DemoApi, write_demo_files
from claude_tray.clock import SystemClock
from claude_tray.errors import RateLimited
from claude_tray.settings.schema import load_settings
from claude_tray.usage.fetch import build_fetchers


@pytest.fixture
def api() -> Iterator[DemoApi]:
    server = DemoApi()
    server.start()
    yield server
    server.stop()


def test_a_day_through_the_real_fetcher(
    api: DemoApi, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_TRAY_MIN_INTERVAL", MIN_INTERVAL)  # as run_demo does
    settings = load_settings(write_demo_files(tmp_path, api.url))
    assert settings.network.api_base == api.url and not settings.history.enabled
    [shared] = build_fetchers(settings, SystemClock())
    fetcher = shared.inner  # type: ignore[attr-defined]  # the demo's day runs faster than its 429s
    seen: list[float | None] = []
    for step in DAY:
        if step.status == 429:
            with pytest.raises(RateLimited) as info:
                shared.fetch()
            assert info.value.retry_after == step.retry_after
            with pytest.raises(RateLimited):  # remembered: not asked again inside the wait
                shared.fetch()
            continue
        snapshot = fetcher.fetch()
        five = snapshot.window("five_hour")
        assert five is not None and five.resets_at is not None
        seen.append(five.utilization)
        assert snapshot.extra is not None and snapshot.extra.limit == 50.0
    assert seen == [s.five_hour for s in DAY if s.status == 200]
    assert max(seen) == 100.0 and seen[seen.index(100.0) + 2] < 10  # the wall, then a reset
    assert fetcher.fetch().window("five_hour").utilization == DAY[0].five_hour  # type: ignore[union-attr]  # it loops
    assert not (isolated_home / ".claude").exists()  # the demo's login lives in its own directory


def test_resets_count_down_within_the_window(api: DemoApi, tmp_path: Path) -> None:
    import json
    from datetime import UTC, datetime, timedelta

    from claude_tray.app.demo import step_body

    now = datetime(2026, 1, 1, tzinfo=UTC)
    first = json.loads(step_body(DAY[0], now))
    assert first["five_hour"]["resets_at"] == (now + timedelta(hours=5)).isoformat()
    after_reset = json.loads(step_body(next(s for s in DAY if s.clock == "13:05"), now))
    assert after_reset["five_hour"]["resets_at"] == (now + timedelta(hours=4, minutes=55)).isoformat()


def test_the_demo_names_its_data_as_demo_data() -> None:
    from datetime import UTC, datetime

    from claude_tray.app.demo import DEMO_PROVENANCE, demo_view
    from claude_tray.model import AccountStatus, Health, SourceKind, UsageSnapshot
    from claude_tray.settings.model import Settings
    from claude_tray.tray.view import build_view

    now = datetime.now(UTC)
    statuses = [
        AccountStatus(name, Health.FRESH, UsageSnapshot(name, SourceKind.CLI, now, ())) for name in "abc"
    ]  # three accounts: the readouts sit in submenus
    view = demo_view(build_view(statuses, Settings(), now))
    labels = [e.label for entry in view.menu for e in (entry, *entry.submenu)]
    assert sum(DEMO_PROVENANCE in label for label in labels) == 3
    assert not any(SourceKind.CLI.provenance in label for label in labels)
