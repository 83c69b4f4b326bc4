"""packaging/make_screenshot.py still opens the real menu: the README's screenshot can be remade.

The script brings up its own private bus, Xvfb and trayer, runs claude-tray on the gtk backend
against its loopback API, right-clicks the icon and grabs the menu. Here it writes into tmp_path;
the checks are on the pixels it captured.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from claude_tray.model import Severity
from claude_tray.render.theme import SEVERITY_COLOURS

pytestmark = pytest.mark.desktop

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "make_screenshot.py"


def has_gtk() -> bool:
    probe = "import gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not has_gtk(), reason="no PyGObject/GTK 3 for the gtk backend")
def test_script_captures_the_icon_and_its_open_menu(tmp_path: Path) -> None:
    missing = [t for t in ("Xvfb", "trayer", "xdotool", "dbus-daemon") if not shutil.which(t)]
    if missing:
        pytest.skip(f"missing {', '.join(missing)}")
    out = tmp_path / "menu.png"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "-o", str(out)], capture_output=True, text=True, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(out) as shot:
        image = shot.convert("RGB")
    assert image.width > 300, "a menu with the readout lines is wide"
    assert image.height > 250, "the tray bar and a menu of a dozen rows"
    # the amber icon (weekly 76 %) sits in the tray bar, top right
    corner = image.crop((image.width - 60, 0, image.width, 32))
    amber = Image.new("RGB", corner.size, SEVERITY_COLOURS[Severity.WARN][:3])
    assert sum(ImageChops.difference(corner, amber).convert("L").histogram()[:24]) > 20
    # below it, the menu: a light GTK surface with dark text on it
    menu = image.crop((20, 60, image.width - 20, image.height - 20)).convert("L")
    histogram = menu.histogram()
    assert sum(histogram[200:]) > 0.6 * menu.width * menu.height, "mostly the menu's light background"
    assert sum(histogram[:100]) > 500, "and text on it"
