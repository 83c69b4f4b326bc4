"""``claude-tray icon``: a real ``python -m claude_tray`` process writes a PNG we read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from claude_tray.cli import main
from claude_tray.commands.icon import icon_spec
from claude_tray.model import Health, IconSpec, Severity, Thresholds
from claude_tray.render import theme
from claude_tray.render.ring import render_icon
from tests.support.pixels import OUTER, at_clock, near


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative -o paths land in tmp_path, for the in-process runs too."""
    monkeypatch.chdir(tmp_path)


def run_icon(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "icon", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


def test_writes_the_worst_window_colour(tmp_path: Path) -> None:
    done = run_icon("--five-hour", "42", "--seven-day", "85", "-o", "x.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "x.png"
    with Image.open(tmp_path / "x.png") as png:
        assert png.format == "PNG"
        assert (png.size, png.mode) == ((64, 64), "RGBA")
        # 42 % alone is calm; the weekly 85 % makes the whole icon "warn" (cc-cockpit's miss)
        assert near(at_clock(png, 30, OUTER), theme.SEVERITY_COLOURS[Severity.WARN])
        assert near(at_clock(png, 200, OUTER), theme.TRACK)


def test_same_pixels_as_the_renderer_in_process(tmp_path: Path) -> None:
    done = run_icon(
        "--five-hour", "97", "--health", "stale", "--size", "22", "--percent", "-o", "s.png", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    expected = render_icon(IconSpec(97.0, None, Severity.CRITICAL, Health.STALE, "97"), 22)
    with Image.open(tmp_path / "s.png") as png:
        assert png.tobytes() == expected.tobytes()


def test_every_health_is_accepted_and_looks_different(tmp_path: Path) -> None:
    pixels = set()
    for health in Health:
        code = main(
            [
                "icon",
                "--five-hour",
                "42",
                "--health",
                health.value,
                "--size",
                "22",
                "-o",
                f"{health.value}.png",
            ]
        )
        assert code == 0
        with Image.open(f"{health.value}.png") as png:
            pixels.add(png.tobytes())
    assert len(pixels) == len(Health)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--warn", "95", "-o", "x.png"], "--warn (95) must be below --critical (90)"),
        (["--size", "4", "-o", "x.png"], "--size must be 8..1024"),
        (["-o", "missing-dir/x.png"], "cannot write missing-dir/x.png"),
        (["-o", "x.jpg"], "writes PNG only; name the output .png, not x.jpg"),
    ],
)
def test_bad_input_gets_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["icon", *args]) != 0
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not Path("x.png").exists() and not Path("x.jpg").exists()


@pytest.mark.parametrize("value", ["abc", "-3", "nan"])
def test_bad_percentage_is_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["icon", "--five-hour", value, "-o", "x.png"])
    assert exit_info.value.code == 2
    assert "--five-hour" in capsys.readouterr().err


def test_spec_from_windows() -> None:
    t = Thresholds()
    assert icon_spec(42.0, 85.0, Health.FRESH, t, percent=True) == IconSpec(
        42.0, 85.0, Severity.WARN, Health.FRESH, "42"
    )
    assert icon_spec(42.0, None, Health.FRESH, Thresholds(warn=30, critical=40), percent=False).severity is (
        Severity.CRITICAL
    )
    assert icon_spec(100.0, 10.0, Health.FRESH, t, percent=False).severity is Severity.FULL
    # no number is never a "0": no severity, no centre text
    unknown = icon_spec(None, None, Health.OFFLINE, t, percent=True)
    assert (unknown.severity, unknown.text) == (None, None)
