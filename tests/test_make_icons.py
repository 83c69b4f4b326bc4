"""packaging/make_icons.py renders what it promises, and the committed icons are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def test_make_icons_writes_gallery_and_app_icons(tmp_path: Path, repo_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(repo_root / "packaging" / "make_icons.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with Image.open(tmp_path / "states.png") as gallery:
        assert gallery.width > 1000
        assert gallery.height > 600
    for size in SIZES:
        fresh = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "claude-tray.png"
        committed = repo_root / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "claude-tray.png"
        with Image.open(fresh) as new, Image.open(committed) as old:
            assert new.size == old.size == (size, size)
            assert new.mode == "RGBA"
            # Pixels, not bytes: PNG encoders differ between Pillow builds. A renderer change
            # without re-running the script shows up here.
            diff = ImageChops.difference(new, old).getextrema()
            assert max(high for _, high in diff) <= 2, (
                f"icons/ is stale at {size} px: run packaging/make_icons.py"
            )
    with Image.open(tmp_path / "claude-tray.png") as app:
        assert app.size == (256, 256)
