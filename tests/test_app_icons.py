"""The committed app icons (.ico, .icns, package PNG) are the renderer's current output at every size."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import IcnsImagePlugin, IcoImagePlugin, Image, ImageChops

from claude_tray.autostart.base import icon_reference
from claude_tray.render.ring import render_icon


@pytest.fixture(scope="module")
def make_icons() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "packaging" / "make_icons.py"
    spec = importlib.util.spec_from_file_location("make_icons", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def max_difference(a: Image.Image, b: Image.Image) -> int:
    assert a.size == b.size
    return max(high for _, high in ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).getextrema())


def test_ico_has_every_windows_size_drawn_by_the_renderer(make_icons: ModuleType, repo_root: Path) -> None:
    committed = repo_root / "icons" / "claude-tray.ico"
    with IcoImagePlugin.IcoImageFile(committed) as ico:
        assert sorted(ico.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]
        for size in make_icons.ICO_SIZES:
            frame = ico.ico.getimage((size, size))
            # each frame is the renderer's own drawing at that size, not a downscale of 256 px
            assert max_difference(frame, render_icon(make_icons.APP_ICON, size)) <= 2, (
                f"icons/claude-tray.ico is stale at {size} px: run packaging/make_icons.py"
            )


def test_icns_carries_retina_sizes_up_to_1024(make_icons: ModuleType, repo_root: Path) -> None:
    with Image.open(repo_root / "icons" / "claude-tray.icns") as icns:
        assert isinstance(icns, IcnsImagePlugin.IcnsImageFile)
        assert (512, 512, 2) in icns.info["sizes"]
        assert (16, 16, 2) in icns.info["sizes"]
        icns.size = (128, 128)  # selects the 1x entry of that size
        icns.load(scale=1)
        assert max_difference(icns.copy(), render_icon(make_icons.APP_ICON, 128)) <= 2


def test_package_icon_is_current_and_used_by_autostart(make_icons: ModuleType, repo_root: Path) -> None:
    packaged = repo_root / "claude_tray" / "data" / "claude-tray.png"
    with Image.open(packaged) as png:
        assert png.size == (256, 256)
        assert max_difference(png, render_icon(make_icons.APP_ICON, 256)) <= 2
    # the autostart entry (and the notification sender) point at this file, not a theme name
    assert Path(icon_reference()) == packaged


def test_script_writes_ico_icns_and_data_into_the_folders_it_is_given(
    make_icons: ModuleType, tmp_path: Path
) -> None:
    ico = make_icons.make_ico(tmp_path)
    icns = make_icons.make_icns(tmp_path)
    data = make_icons.make_package_icon(tmp_path / "data")
    assert ico.read_bytes()[:4] == b"\0\0\1\0"
    assert icns.read_bytes()[:4] == b"icns"
    with Image.open(data) as png:
        assert png.mode == "RGBA"
        assert png.getchannel("A").getpixel((0, 0)) == 0  # corners stay transparent for panels and docks
