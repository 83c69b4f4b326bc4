"""``claude-tray history [--account NAME] [--since 7d] [--csv|--json] [--chart out.png]``.

Reads the local history the tray records (nothing is fetched): a readable listing with the
forecast per window, or the raw rows as CSV or JSON for spreadsheets and scripts, and/or a PNG
chart. Times in CSV/JSON are ISO 8601 UTC; the listing uses local time.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from claude_tray.i18n import _, ngettext

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claude_tray.model import Thresholds
    from claude_tray.usage.history import ExtraReading, History, Reading

__all__ = ["HELP", "add_arguments", "parse_since", "run"]

HELP = "export the local usage history (--csv, --json) or draw it (--chart out.png)"

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_CSV_COLUMNS = ("fetched_at", "account", "window", "label", "utilization", "resets_at", "source")
_CSV_EXTRA_COLUMNS = ("used", "limit", "currency")


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """ "90m", "24h", "7d", "2w" before now, or an ISO date/time (local time when it has no zone)."""
    now = now or datetime.now(UTC)
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if match:
        try:
            return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        except OverflowError:  # "99999999w" reaches before year 1: everything there is
            return datetime.fromtimestamp(0, UTC)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cannot read {text!r} as a time: use 90m, 24h, 7d, 2w or a date like 2026-11-01"
        ) from None
    return parsed if parsed.tzinfo else parsed.astimezone()  # naive = local time, as people type it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="NAME", help="only this account")
    parser.add_argument(
        "--since", metavar="WHEN", type=parse_since, help="how far back: 90m, 24h, 7d (default), 2w or a date"
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="print CSV rows (window readings and extra usage)")
    form.add_argument("--json", action="store_true", help='print JSON ({"version": 1, "readings": [...]})')
    parser.add_argument("--chart", metavar="OUT.png", help="draw the last 24 h / 7 days as a PNG chart")


def run(args: argparse.Namespace) -> int:
    from claude_tray.usage.history import History, HistoryError, default_path

    now = datetime.now(UTC)
    since = args.since or now - timedelta(days=7)
    history = History(default_path())
    try:
        unknown = _unknown_account(history, args.account)
        if unknown:
            sys.stderr.write(f"claude-tray: {unknown}\n")
            return 1
        readings, extras = _load(history, args.account, since)
        if args.chart and not _write_chart(history, args.chart, args.account, now):
            return 1
    except HistoryError as err:
        sys.stderr.write(f"claude-tray: history: {err}\n")
        return 1
    if args.csv:
        _print_csv(readings, extras)
    elif args.json:
        _print_json(readings, extras, since)
    elif not args.chart:
        sys.stdout.write(_listing(readings, extras, since, now, history))
    return 0


def _unknown_account(history: History, account: str | None) -> str:
    """Why ``--account`` names nobody (neither configured nor in the history); "" when it is fine."""
    if account is None:
        return ""
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.schema import load_settings

    try:
        configured = [a.name for a in load_settings(settings_file()).accounts]
    except ConfigError:
        configured = []
    stored: set[str] = set()
    if history.exists():
        rows, extras = history.latest()
        stored = {r.account for r in rows} | {e.account for e in extras}
    if account in configured or account in stored:
        return ""
    known = ", ".join(dict.fromkeys([*configured, *sorted(stored)])) or "none"
    return f"no account named {account!r} (configured or in the history: {known})"


def _load(history: History, account: str | None, since: datetime) -> tuple[list[Reading], list[ExtraReading]]:
    if not history.exists():
        return [], []  # never create the database just to read it
    return history.readings(account=account, since=since), history.extras(account=account, since=since)


def _thresholds() -> Thresholds:
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.schema import load_settings

    try:
        return load_settings(settings_file()).thresholds
    except ConfigError as err:
        problem = _("settings: {problem}; drawing the default thresholds").format(problem=err.message)
        sys.stderr.write(f"claude-tray: {problem}\n")
        from claude_tray.model import Thresholds

        return Thresholds()


def _write_chart(history: History, out: str, account: str | None, now: datetime) -> bool:
    from pathlib import Path

    from claude_tray.render.chart import write_chart

    target = Path(out).expanduser()
    try:
        write_chart(history, target, now, _thresholds(), account)
    except OSError as err:
        failed = _("cannot write the chart to {path}: {reason}").format(
            path=target, reason=err.strerror or err
        )
        sys.stderr.write(f"claude-tray: {failed}\n")
        return False
    sys.stderr.write(_("chart written to {path}").format(path=target) + "\n")
    return True


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat() if when is not None else None


def _reading_json(r: Reading) -> dict[str, object]:
    return {
        "account": r.account,
        "window": r.window,
        "label": r.label,
        "utilization": r.utilization,
        "resets_at": _iso(r.resets_at),
        "fetched_at": _iso(r.fetched_at),
        "source": r.source,
    }


def _extra_json(e: ExtraReading) -> dict[str, object]:
    return {
        "account": e.account,
        "enabled": e.enabled,
        "used": e.used,
        "limit": e.limit,
        "currency": e.currency,
        "utilization": e.utilization,
        "fetched_at": _iso(e.fetched_at),
        "source": e.source,
    }


def _print_json(readings: Sequence[Reading], extras: Sequence[ExtraReading], since: datetime) -> None:
    import json

    document = {
        "version": 1,
        "since": _iso(since),
        "readings": [_reading_json(r) for r in readings],
        "extra_usage": [_extra_json(e) for e in extras],
    }
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _print_csv(readings: Sequence[Reading], extras: Sequence[ExtraReading]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow((*_CSV_COLUMNS, *_CSV_EXTRA_COLUMNS))
    rows = [(r.fetched_at, (*_csv_reading(r), "", "", "")) for r in readings]
    rows += [
        (e.fetched_at, (*_csv_reading(e.as_reading()), _blank(e.used), _blank(e.limit), e.currency))
        for e in extras
    ]
    rows.sort(key=lambda pair: pair[0])
    writer.writerows(row for _when, row in rows)


def _csv_reading(r: Reading) -> tuple[object, ...]:
    fields = _reading_json(r)
    return tuple(_blank(fields[column]) for column in _CSV_COLUMNS)


def _blank(value: object) -> object:
    return "" if value is None else value


def _listing(
    readings: Sequence[Reading],
    extras: Sequence[ExtraReading],
    since: datetime,
    now: datetime,
    history: History,
) -> str:
    if not readings and not extras:
        none = _("no history since {time}; the tray records it while it runs ({path})")
        return none.format(time=f"{since.astimezone():%Y-%m-%d %H:%M}", path=history.path) + "\n"
    accounts = sorted({r.account for r in readings} | {e.account for e in extras})
    return "\n".join(_account_listing(a, readings, extras, now) for a in accounts)


def _account_listing(
    account: str, readings: Sequence[Reading], extras: Sequence[ExtraReading], now: datetime
) -> str:
    from claude_tray.report.wording import format_percent
    from claude_tray.usage.forecast import describe, forecast_all

    rows = sorted(
        [r for r in readings if r.account == account]
        + [e.as_reading() for e in extras if e.account == account],
        key=lambda r: r.fetched_at,
    )
    width = max(len(r.label) for r in rows)
    lines = [
        f"{account}: " + ngettext("{count} reading", "{count} readings", len(rows)).format(count=len(rows))
    ]
    lines += [f"  {f.label:<{width}}  {describe(f, now)}" for f in forecast_all(rows, now)]
    lines.append("")
    for row in rows:
        reset = f"  resets {row.resets_at.astimezone():%a %d %b %H:%M}" if row.resets_at else ""
        lines.append(
            f"  {row.fetched_at.astimezone():%Y-%m-%d %H:%M}  {row.label:<{width}}  "
            f"{format_percent(row.utilization):>5}{reset}"
        )
    return "\n".join(lines) + "\n"
