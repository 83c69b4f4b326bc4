"""``claude-tray icon``: write one tray icon as a PNG, for docs, bug reports and tests.

    claude-tray icon --five-hour 42 --seven-day 85 --health stale --size 64 --percent -o out.png

The icon is coloured by the worse of the two windows (as in the tray); a window left out is
unknown and drawn as a dashed ring, never as 0 %.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from claude_tray.model import Health, IconSpec, Thresholds, severity, worst_severity

HELP = "write one tray icon as a PNG (for docs, bug reports and tests)"

__all__ = ["HELP", "add_arguments", "icon_spec", "run"]


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a percentage is 0 or more (may exceed 100), not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Thresholds()
    parser.add_argument("--five-hour", type=_percent, metavar="PCT", help="outer ring (omit = unknown)")
    parser.add_argument("--seven-day", type=_percent, metavar="PCT", help="inner ring (omit = unknown)")
    parser.add_argument(
        "--health", choices=[h.value for h in Health], default=Health.FRESH.value, help="default: fresh"
    )
    parser.add_argument("--size", type=int, default=64, help="pixels, 8-1024 (default: 64)")
    parser.add_argument("--percent", action="store_true", help="draw the 5-hour percentage in the centre")
    parser.add_argument("--warn", type=_percent, default=defaults.warn, metavar="PCT")
    parser.add_argument("--critical", type=_percent, default=defaults.critical, metavar="PCT")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="PNG")


def icon_spec(
    five_hour: float | None,
    seven_day: float | None,
    health: Health,
    thresholds: Thresholds,
    *,
    percent: bool,
) -> IconSpec:
    """The spec the tray would show for these two windows (colour = the worse window)."""
    level = worst_severity([severity(five_hour, thresholds), severity(seven_day, thresholds)])
    text = f"{round(five_hour)}" if percent and five_hour is not None else None
    return IconSpec(outer=five_hour, inner=seven_day, severity=level, health=health, text=text)


def run(args: argparse.Namespace) -> int:
    from claude_tray.render.ring import MAX_SIZE, MIN_SIZE, write_png

    if not MIN_SIZE <= args.size <= MAX_SIZE:
        sys.stderr.write(f"claude-tray icon: --size must be {MIN_SIZE}..{MAX_SIZE}, not {args.size}\n")
        return 2
    if args.warn >= args.critical:
        sys.stderr.write(
            f"claude-tray icon: --warn ({args.warn:g}) must be below --critical ({args.critical:g})\n"
        )
        return 2
    suffix = args.output.suffix.lower()
    if suffix and suffix != ".png":  # the bytes are PNG (a transparent ring): never under another name
        sys.stderr.write(f"claude-tray icon: writes PNG only; name the output .png, not {args.output.name}\n")
        return 2
    thresholds = Thresholds(warn=args.warn, critical=args.critical)
    spec = icon_spec(args.five_hour, args.seven_day, Health(args.health), thresholds, percent=args.percent)
    try:
        path = write_png(spec, args.size, args.output)
    except OSError as exc:
        sys.stderr.write(f"claude-tray icon: cannot write {args.output}: {exc.strerror or exc}\n")
        return 1
    sys.stdout.write(f"{path}\n")
    return 0
