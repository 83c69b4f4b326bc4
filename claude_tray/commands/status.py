"""``claude-tray status [--json] [--account NAME]``: read every account once and print it.

Exit status 0 when every account is fresh, 1 otherwise; each problem is one line on stderr.
The JSON shape is documented in the README (``"version": 1``; keys are added, never renamed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claude_tray.i18n import _

if TYPE_CHECKING:
    from claude_tray.clock import Clock
    from claude_tray.model import AccountStatus
    from claude_tray.settings.model import AccountSettings, Settings
    from claude_tray.usage.fetch import AccountFetcher
    from claude_tray.usage.forecast import Forecast

__all__ = ["HELP", "add_arguments", "run"]

HELP = "read usage once for each account and print it (--json for scripts)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help='print JSON ({"version": 1, "accounts": [...]})')
    parser.add_argument("--account", metavar="NAME", help="only this configured account")


def run(args: argparse.Namespace) -> int:
    from claude_tray import i18n

    if args.json:  # JSON values (messages, hints, forecast text) stay English whatever the locale
        with i18n.use("en"):
            return _run(args)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from claude_tray.clock import SystemClock
    from claude_tray.errors import ConfigError
    from claude_tray.log import setup_logging
    from claude_tray.report.status import format_text, status_document
    from claude_tray.usage.fetch import build_fetchers

    setup_logging()
    clock = SystemClock()
    try:
        settings = _settings(args.account)
    except ConfigError as err:
        _error(_("settings: {problem}").format(problem=err.message))
        return 1
    except LookupError as err:
        _error(str(err.args[0]))
        return 1
    fetchers = build_fetchers(settings, clock)
    statuses = [_read(a, f, clock) for a, f in zip(settings.accounts, fetchers, strict=True)]
    statuses = [_with_stored(s, clock) for s in statuses]
    walls = _walls(settings, statuses, clock)
    if args.json:
        from claude_tray.claude_code.sessions import add_sessions  # context window per Claude Code session

        document = add_sessions(status_document(statuses, walls, clock.now()), settings, clock.now())
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_text(statuses, clock.now(), walls=walls))
    return _report_problems(statuses)


def _settings(only: str | None) -> Settings:
    from claude_tray.paths import settings_file
    from claude_tray.settings.model import select_accounts
    from claude_tray.settings.schema import load_settings

    return select_accounts(load_settings(settings_file()), only)


def _read(account: AccountSettings, fetcher: AccountFetcher, clock: Clock) -> AccountStatus:
    """One fetch, as a status; errors become words through the one outcome mapping."""
    import random
    from datetime import timedelta

    from claude_tray.errors import ClaudeTrayError
    from claude_tray.model import AccountStatus, Health
    from claude_tray.poller.outcome import outcome_of
    from claude_tray.poller.policy import History, PollPolicy, decide
    from claude_tray.sources import resolve_kind

    kind = resolve_kind(account.source)
    try:
        snapshot = fetcher.fetch()
    except ClaudeTrayError as err:
        outcome = outcome_of(err)
        # the poll policy owns "outcome -> health"; a one-shot read is its first attempt
        health = decide(outcome, History(), PollPolicy(), random.Random(0)).health  # noqa: S311 - jitter only
        retry = clock.now() + timedelta(seconds=outcome.retry_after) if outcome.retry_after else None
        kept = getattr(fetcher, "kept", None)  # Claude Code's own numbers, read without a request
        return AccountStatus(
            fetcher.name,
            health,
            kept() if kept is not None else None,
            message=outcome.message,
            hint=outcome.hint,
            next_attempt_at=retry,
            detail=(err.message,) if err.message not in ("", outcome.hint) else (),
            source=kind,
        )
    return AccountStatus(fetcher.name, Health.FRESH, snapshot, source=snapshot.source)


def _with_stored(status: AccountStatus, clock: Clock) -> AccountStatus:
    """A failed read shows the last stored reading (history, or the daemon's) and its next try."""
    from dataclasses import replace

    from claude_tray.model import Health
    from claude_tray.usage.history import History, default_path
    from claude_tray.usage.last_poll import default_path as last_poll_path
    from claude_tray.usage.last_poll import read_records
    from claude_tray.usage.stored_reading import next_try, stored_snapshot

    if status.health is Health.FRESH:
        return status
    record = read_records(last_poll_path()).get(status.account)
    snapshot = stored_snapshot(History(default_path()), status.account, record)
    retry = status.next_attempt_at or next_try(record, clock.now())
    return replace(status, snapshot=snapshot or status.snapshot, next_attempt_at=retry)


def _walls(settings: Settings, statuses: Sequence[AccountStatus], clock: Clock) -> dict[str, Forecast]:
    """Record each fresh reading in the history (when enabled) and forecast from it."""
    from claude_tray.model import Health
    from claude_tray.usage.forecast import account_wall
    from claude_tray.usage.history import History, HistoryListener, default_path

    recorder = HistoryListener(History(default_path()), clock.now, settings.history.retention_days)
    walls: dict[str, Forecast] = {}
    for status in statuses:
        if status.snapshot is None or status.health is not Health.FRESH:
            continue  # no reading now: a forecast from old history alone would mislead
        if settings.history.enabled and status.health is Health.FRESH:  # not numbers kept beside a failure
            recorder.record(status.snapshot)
        wall = account_wall(recorder.recent(status.account), status.snapshot, clock.now())
        if wall is not None:
            walls[status.account] = wall
    return walls


def _report_problems(statuses: Sequence[AccountStatus]) -> int:
    from claude_tray.model import Health

    failed = [s for s in statuses if s.health is not Health.FRESH]
    for status in failed:
        from claude_tray.report.wording import detail_line

        detail = "".join(f": {detail_line(line)}" for line in status.detail)
        hint = f" ({status.hint})" if status.hint else ""
        _error(f"{status.account}: {status.message or status.health.value}{detail}{hint}")
    return 1 if failed else 0


def _error(line: str) -> None:
    from claude_tray.log import redact

    sys.stderr.write(f"claude-tray: {redact(line)}\n")
