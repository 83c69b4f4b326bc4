#!/usr/bin/env python3
"""Render the icon gallery and the app icons from the real renderer; commit the outputs.

    .venv/bin/python packaging/make_icons.py            # writes into icons/

Outputs:

* ``icons/states.png``: every health state x a few utilization pairs, at 22 px and 64 px, on a
  light and a dark panel strip (shown in the README);
* ``icons/hicolor/<n>x<n>/apps/claude-tray.png`` for the freedesktop icon theme sizes, and
  ``icons/claude-tray.png`` (256 px) for the README, installers and packaging specs;
* ``icons/claude-tray.ico`` (16-256 px, for the Windows .exe) and ``icons/claude-tray.icns``
  (32-1024 px, for the macOS .app), every size rendered by the renderer rather than scaled;
* ``claude_tray/data/claude-tray.png`` (256 px): package data the wheel and the frozen apps carry,
  used as the icon of the autostart entry and of notifications.

Each output has its own small function.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from claude_tray.commands.icon import icon_spec
from claude_tray.model import Health, IconSpec, Severity, Thresholds
from claude_tray.render.ring import render_icon, write_png
from claude_tray.render.text import draw_label
from claude_tray.render.theme import Rgba

ROOT = Path(__file__).resolve().parent.parent
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
# what the Windows shell asks for (small icons, taskbar, Explorer views); ICO stops at 256
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# what Pillow's ICNS writer stores (ic11..ic10: 16@2x up to 512@2x)
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)
APP_ICON = IconSpec(outer=62.0, inner=38.0, severity=Severity.CALM, health=Health.FRESH)


@dataclass(frozen=True, slots=True)
class Column:
    """One utilization pair of the gallery (5-hour outer ring, weekly inner ring)."""

    title: str
    five_hour: float | None
    seven_day: float | None
    percent: bool = False
    elapsed: tuple[float, float] | None = None  # where the pace ticks go (share of each window gone)


COLUMNS = (
    Column("12% / 35%", 12.0, 35.0, elapsed=(0.5, 0.625)),  # behind pace: arcs short of their ticks
    Column("42% / 85% +text", 42.0, 85.0, percent=True, elapsed=(0.25, 0.625)),  # ahead of pace
    Column("93% / 60%", 93.0, 60.0, elapsed=(0.75, 0.375)),
    Column("100% / 100%", 100.0, 100.0, elapsed=(0.875, 0.9375)),
    Column("unknown", None, None, elapsed=(0.5, 0.5)),  # no number, so no tick
)

LIGHT_PANEL: Rgba = (236, 236, 238, 255)
DARK_PANEL: Rgba = (36, 36, 40, 255)
INK: Rgba = (30, 30, 34, 255)
PAPER: Rgba = (255, 255, 255, 255)
SMALL, LARGE = 22, 64  # the tray size most panels use, and a HiDPI/large-panel size
CELL_W, ROW_H, LABEL_W, HEADER_H, PAD = 112, 76, 128, 46, 6


def gallery_spec(column: Column, health: Health) -> IconSpec:
    spec = icon_spec(column.five_hour, column.seven_day, health, Thresholds(), percent=column.percent)
    if column.elapsed is None:
        return spec
    return replace(spec, outer_pace=column.elapsed[0], inner_pace=column.elapsed[1])


def draw_cell(sheet: Image.Image, spec: IconSpec, x: int, y: int) -> None:
    """The 22 px and 64 px icons of one spec side by side, vertically centred in the row."""
    sheet.alpha_composite(render_icon(spec, SMALL), (x + PAD, y + (ROW_H - SMALL) // 2))
    sheet.alpha_composite(render_icon(spec, LARGE), (x + 2 * PAD + SMALL + 8, y + (ROW_H - LARGE) // 2))


def draw_strip(sheet: Image.Image, x0: int, background: Rgba, title: str) -> None:
    """One panel colour: a header with the column titles, then one row per health state."""
    width = CELL_W * len(COLUMNS)
    sheet.paste(background, (x0, 0, x0 + width, sheet.height))
    caption = PAPER if background == DARK_PANEL else INK
    draw_label(sheet, (x0 + PAD, 4), title, caption, 13)
    for index, column in enumerate(COLUMNS):
        draw_label(sheet, (x0 + index * CELL_W + PAD, 26), column.title, caption, 11)
    for row, health in enumerate(Health):
        for index, column in enumerate(COLUMNS):
            draw_cell(sheet, gallery_spec(column, health), x0 + index * CELL_W, HEADER_H + row * ROW_H)


def draw_row_labels(sheet: Image.Image) -> None:
    draw_label(sheet, (PAD, 4), "health", INK, 13)
    draw_label(sheet, (PAD, 26), "5-hour / weekly:", INK, 11)
    for row, health in enumerate(Health):
        draw_label(sheet, (PAD, HEADER_H + row * ROW_H + ROW_H // 2 - 8), health.value, INK, 13)


def make_gallery(path: Path) -> Path:
    strip = CELL_W * len(COLUMNS)
    sheet = Image.new("RGBA", (LABEL_W + 2 * strip, HEADER_H + ROW_H * len(Health)), PAPER)
    draw_row_labels(sheet)
    draw_strip(sheet, LABEL_W, LIGHT_PANEL, "on a light panel")
    draw_strip(sheet, LABEL_W + strip, DARK_PANEL, "on a dark panel")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.convert("RGB").save(path, format="PNG", optimize=True)  # opaque: no alpha channel to store
    return path


def make_hicolor(icons: Path) -> list[Path]:
    written = []
    for size in HICOLOR_SIZES:
        target = icons / "hicolor" / f"{size}x{size}" / "apps" / "claude-tray.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_png(APP_ICON, size, target))
    return written


def make_app_icon(icons: Path) -> Path:
    icons.mkdir(parents=True, exist_ok=True)
    return write_png(APP_ICON, 256, icons / "claude-tray.png")


def make_ico(icons: Path) -> Path:
    """Windows icon: one frame per size, each drawn at that size (crisp rings at 16 px)."""
    frames = [render_icon(APP_ICON, size) for size in ICO_SIZES]
    target = icons / "claude-tray.ico"
    # the writer skips sizes above the first image's, so the largest frame goes first
    frames[-1].save(target, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=frames[:-1])
    return target


def make_icns(icons: Path) -> Path:
    """macOS icon: Pillow writes the PNG-based ICNS entries from the frames given per width."""
    frames = [render_icon(APP_ICON, size) for size in ICNS_SIZES]
    target = icons / "claude-tray.icns"
    frames[-1].save(target, format="ICNS", append_images=frames[:-1])
    return target


def make_package_icon(data: Path) -> Path:
    """``claude_tray/data/claude-tray.png``: shipped inside the wheel and the frozen apps."""
    data.mkdir(parents=True, exist_ok=True)
    return write_png(APP_ICON, 256, data / "claude-tray.png")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "icons", help="output folder (default: icons/)")
    parser.add_argument(
        "--data", type=Path, help="package data folder (default: claude_tray/data, or OUT/data with --out)"
    )
    args = parser.parse_args(argv)
    default_data = ROOT / "claude_tray" / "data" if args.out == ROOT / "icons" else args.out / "data"
    written = [make_gallery(args.out / "states.png"), *make_hicolor(args.out), make_app_icon(args.out)]
    written += [make_ico(args.out), make_icns(args.out), make_package_icon(args.data or default_data)]
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
