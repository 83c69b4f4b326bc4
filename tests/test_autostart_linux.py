"""Linux autostart: a real XDG .desktop file under a tmp HOME, checked by desktop-file-validate
and launched through GLib's own Exec parser so the quoting is proven, not assumed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_tray.autostart import get_autostart, launch_command
from claude_tray.autostart.base import UnsupportedAutostart
from claude_tray.autostart.linux import STARTUP_DELAY, LinuxAutostart, exec_value
from claude_tray.errors import AutostartError

REPO = Path(__file__).resolve().parent.parent


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate missing (apt install desktop-file-utils; tests/run does)")
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)


def test_selection_by_platform() -> None:
    assert isinstance(get_autostart("linux"), LinuxAutostart)
    assert type(get_autostart("darwin")).__name__ == "MacAutostart"
    assert type(get_autostart("win32")).__name__ == "WindowsAutostart"
    odd = get_autostart("plan9")
    assert isinstance(odd, UnsupportedAutostart) and not odd.SUPPORTED and not odd.is_enabled()
    with pytest.raises(AutostartError):
        odd.enable(["claude-tray"])


def test_the_file_lands_in_xdg_config_home_and_validates(isolated_home: Path) -> None:
    autostart = LinuxAutostart()
    path = isolated_home / ".config" / "autostart" / "claude-tray.desktop"
    assert autostart.location == str(path)
    assert not autostart.is_enabled()
    autostart.enable(["/opt/claude tray/bin/claude-tray"])
    assert autostart.is_enabled()
    result = _validate(path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    text = path.read_text()
    for line in (
        "Type=Application",
        f"X-GNOME-Autostart-Delay={STARTUP_DELAY}",
        'Exec="/opt/claude tray/bin/claude-tray"',
    ):
        assert line in text.splitlines()
    assert any(line.startswith("Icon=") for line in text.splitlines())


def test_relative_xdg_config_home_is_ignored_as_the_spec_says(isolated_home: Path) -> None:
    autostart = LinuxAutostart(env={"XDG_CONFIG_HOME": "relative/dir"})
    assert autostart.path == isolated_home / ".config" / "autostart" / "claude-tray.desktop"


def test_state_is_read_from_the_file_every_time(isolated_home: Path) -> None:
    autostart = LinuxAutostart()
    autostart.enable(["/usr/bin/claude-tray"])
    autostart.path.unlink()  # the person deleted it by hand
    assert not autostart.is_enabled()
    assert not autostart.path.exists()  # and asking did not bring it back
    autostart.enable(["/usr/bin/claude-tray"])
    # GNOME Tweaks / KDE switch an entry off in place rather than deleting it
    text = autostart.path.read_text()
    autostart.path.write_text(
        text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false")
    )
    assert not autostart.is_enabled()
    autostart.path.write_text(text + "Hidden=true\n")
    assert not autostart.is_enabled()
    autostart.path.write_text("not a desktop file at all")
    assert not autostart.is_enabled()
    autostart.disable()
    autostart.disable()  # absent: no error
    assert not autostart.path.exists()


def test_exec_quoting_survives_glibs_parser(tmp_path: Path) -> None:
    """Launch the written entry with Gio.DesktopAppInfo (what GNOME does at login) and read back argv."""
    out = tmp_path / "argv.json"
    recorder = tmp_path / "dir with space" / "record"
    recorder.parent.mkdir()
    recorder.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    recorder.chmod(0o755)
    args = ["--x=$HOME", "50%", "back\\slash", 'q"uote', "it's", "a`b", ""]
    autostart = LinuxAutostart(config_home=tmp_path / "cfg")
    autostart.enable([str(recorder), *args])
    launcher = (
        "import sys\n"
        "try:\n    from gi.repository import Gio\nexcept ImportError:\n    sys.exit(77)\n"
        "sys.exit(0 if Gio.DesktopAppInfo.new_from_filename(sys.argv[1]).launch([], None) else 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", launcher, autostart.location], check=False)
    if done.returncode == 77:
        pytest.skip("PyGObject (python3-gi) not available")
    assert done.returncode == 0
    deadline = time.monotonic() + 10
    # the launched recorder creates the file, then writes it: wait for the whole document
    while not (out.exists() and out.read_text().endswith("]")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert json.loads(out.read_text()) == args
    assert exec_value(["a b"]) == '"a b"'


def test_launch_command_prefers_the_installed_command(tmp_path: Path) -> None:
    installed = tmp_path / "bin" / "claude-tray"
    assert launch_command(which=lambda _n: str(installed), frozen=False) == [str(installed)]
    venv_python = tmp_path / "venv" / "bin" / "python"
    fallback = launch_command(which=lambda _n: None, argv0="-c", executable=str(venv_python), frozen=False)
    assert fallback == [str(venv_python), "-m", "claude_tray"]  # symlinked venv python kept as is
    assert launch_command(
        executable="/Applications/Claude Tray.app/Contents/MacOS/claude-tray", frozen=True
    ) == ["/Applications/Claude Tray.app/Contents/MacOS/claude-tray"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )


def test_autostart_command_round_trip(isolated_home: Path) -> None:
    path = isolated_home / ".config" / "autostart" / "claude-tray.desktop"
    assert _cli("autostart", "status").returncode == 1
    on = _cli("autostart", "on")
    assert on.returncode == 0, on.stderr
    assert str(path) in on.stdout
    assert _validate(path).returncode == 0
    exec_line = next(line for line in path.read_text().splitlines() if line.startswith("Exec="))
    first = exec_line.removeprefix("Exec=").split(" ")[0].strip('"')
    assert Path(first).is_absolute() and Path(first).exists()
    status = _cli("autostart", "status")
    assert (status.returncode, status.stdout) == (0, f"autostart on: {path}\n")
    path.unlink()
    assert _cli("autostart", "status").stdout == f"autostart off: {path}\n"
    assert not path.exists()
    already = _cli("autostart", "off")
    assert (already.returncode, already.stdout) == (
        0,
        f"autostart off: {path} was already off; nothing to remove\n",
    )
    assert _cli("autostart", "on").returncode == 0
    assert _cli("autostart", "off").stdout == f"autostart off: {path} removed\n"
    assert not path.exists()
