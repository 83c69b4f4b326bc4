"""The wheel as a person gets it: built with ``python -m build``, installed into a fresh venv, run
from a directory without ``claude_tray/`` in it (a flat layout can pass its tests from the source
tree while the wheel misses files; this catches that).

The build and the install need the package index or pip's cache (setuptools for the isolated
build, the runtime dependencies for the venv). pip's cache is the real one (HOME is isolated in
tests), so after ``tests/run`` has installed the project once this takes a few seconds. The test
skips only when there is neither a network nor a cache: then nothing could be installed at all.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image

from claude_tray import __version__
from claude_tray.i18n import LANGUAGES

REPO = Path(__file__).resolve().parent.parent
# read now, before the isolated-HOME fixture moves ~ into tmp_path
PIP_CACHE = Path(os.environ.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
SOURCES = ("claude_tray", "pyproject.toml", "setup.py", "README.md", "LICENSE")
PACKAGE_DATA = (
    "claude_tray/py.typed",
    "claude_tray/data/claude-tray.png",
    *(f"claude_tray/i18n/locale/{lang}/LC_MESSAGES/claude-tray.mo" for lang in LANGUAGES),
)

pytestmark = pytest.mark.wheel


def index_reachable(url: str = INDEX, timeout: float = 3.0) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return True
    try:
        with socket.create_connection((parsed.hostname or "", parsed.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def cache_has_wheels() -> bool:
    return (
        (PIP_CACHE / "http-v2").is_dir() or (PIP_CACHE / "http").is_dir() or (PIP_CACHE / "wheels").is_dir()
    )


def run(
    *argv: str | Path, cwd: Path, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the built wheel, the fresh venv's bin dir), built and installed once for this module."""
    if not index_reachable() and not cache_has_wheels():
        pytest.skip(f"no package index reachable ({INDEX}) and no pip cache at {PIP_CACHE}: cannot install")
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env |= {"PIP_CACHE_DIR": str(PIP_CACHE), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    source = root / "src"  # a copy: building writes build/ and *.egg-info next to pyproject.toml
    for name in SOURCES:
        if (REPO / name).is_dir():
            # no compiled catalogs: the build must make them
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "build", "--wheel", "--outdir", root / "dist", source, cwd=root, env=env)
    (wheel,) = (root / "dist").glob("claude_tray-*.whl")
    venv = root / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root, env=env)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # the outer pip installs into the new venv: no ensurepip, and the real cache is reused
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel, cwd=root, env=env)
    return wheel, python.parent


def test_wheel_carries_package_data_and_nothing_else(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    for data in PACKAGE_DATA:
        assert data in names, f"{data} missing from the wheel"
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"claude_tray", f"claude_tray-{__version__}.dist-info"}, (
        "tests/, icons/, packaging/ stay out"
    )
    with zipfile.ZipFile(wheel) as archive, archive.open("claude_tray/data/claude-tray.png") as png:
        assert Image.open(png).size == (256, 256)


def test_installed_command_runs_outside_the_source_tree(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_dir = installed
    assert not (tmp_path / "claude_tray").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    version = run(bin_dir / "claude-tray", "--version", cwd=tmp_path, env=env)
    assert version.stdout.strip() == f"claude-tray {__version__}"
    icon = run(
        bin_dir / "claude-tray",
        "icon",
        "--five-hour",
        "42",
        "--seven-day",
        "85",
        "-o",
        "x.png",
        cwd=tmp_path,
        env=env,
    )
    assert icon.stdout.strip() == "x.png"
    with Image.open(tmp_path / "x.png") as png:
        assert (png.format, png.size, png.mode) == ("PNG", (64, 64), "RGBA")


def test_installed_package_finds_its_own_icon(installed: tuple[Path, Path], tmp_path: Path) -> None:
    """The autostart entry and notifications point at the PNG inside the install, not the clone."""
    _, bin_dir = installed
    code = "from claude_tray.autostart.base import icon_reference; print(icon_reference())"
    done = run(bin_dir / "python", "-c", code, cwd=tmp_path, env=dict(os.environ))
    icon = Path(done.stdout.strip())
    assert icon.is_file()
    assert icon.is_relative_to(bin_dir.parent), f"{icon} is not inside the fresh venv"


def test_installed_package_speaks_the_users_language(installed: tuple[Path, Path], tmp_path: Path) -> None:
    """The compiled catalogs are found inside the install; English stays the fallback."""
    _, bin_dir = installed
    code = "from claude_tray.i18n import _, percent; print(_('Quit'), percent(41.5))"
    for lang, expected in (("de_DE.UTF-8", "Beenden 42\xa0%"), ("ja", "終了 42%"), ("en", "Quit 42%")):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env |= {"LANGUAGE": lang, "PYTHONIOENCODING": "utf-8"}
        done = run(bin_dir / "python", "-c", code, cwd=tmp_path, env=env)
        assert done.stdout.strip("\n") == expected, lang
