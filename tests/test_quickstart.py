"""The README's Quick start line, run as written on a fresh account: a fresh ``HOME`` whose
``PATH`` does not have ``~/.local/bin`` (that is what a new user has, and what made the old line
end in "claude-tray: command not found").

The line's ``sudo apt install ...`` part is what ``tests/run`` installs (it needs root and the
distribution's archive); the rest runs unchanged in a copy of the source tree, with pipx building
the app's venv from the package index or pip's cache. Without a display the tray prints its own
one-line "no display" message and exits 2: proof the command was found and ran. Marked like the
wheel test (it installs from the package index).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_wheel import INDEX, PIP_CACHE, REPO, SOURCES, cache_has_wheels, index_reachable

pytestmark = pytest.mark.wheel

APT = re.compile(r"^sudo apt install (?P<packages>[^&]+?) && (?P<rest>.+)$")


def quick_start_line() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.+?)\n```", section, re.DOTALL)
    assert block is not None, "the Quick start has a bash block"
    return block.group(1).splitlines()[0]


def installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return "install ok installed" in done.stdout


def test_the_quick_start_line_works_in_a_fresh_home(tmp_path: Path) -> None:
    line = quick_start_line()
    match = APT.match(line)
    assert match, f"the Quick start starts with its apt packages: {line!r}"
    missing = [
        p for p in match.group("packages").split() if not (shutil.which("dpkg-query") and installed(p))
    ]
    if missing:
        pytest.skip(f"the line's apt packages are not installed here: {missing} (tests/run installs them)")
    if not index_reachable() and not cache_has_wheels():
        pytest.skip(f"no package index reachable ({INDEX}) and no pip cache at {PIP_CACHE}")
    clone, home = tmp_path / "clone", tmp_path / "fresh-home"
    home.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, clone / name)
    env = {
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",  # a fresh account: no ~/.local/bin yet
        "LANG": "C.UTF-8",
        "PIP_CACHE_DIR": str(PIP_CACHE),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **({"PIP_INDEX_URL": os.environ["PIP_INDEX_URL"]} if "PIP_INDEX_URL" in os.environ else {}),
    }  # and no DISPLAY: the tray says so instead of starting
    done = subprocess.run(
        ["bash", "-c", match.group("rest")],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = done.stdout + done.stderr
    assert "command not found" not in output and done.returncode != 127, output[-2000:]
    assert "claude-tray: no display" in done.stderr, output[-2000:]
    assert done.returncode == 2, output[-2000:]
    assert (home / ".local" / "bin" / "claude-tray").exists()


def test_the_readme_command_table_lists_every_command() -> None:
    from claude_tray.cli import COMMANDS
    from claude_tray.commands.accounts import ADD_SOURCES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Command line", 1)[1].split("\n#", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `claude-tray")]
    for name, _module, _help in COMMANDS:
        pattern = r"\| `claude-tray \[run\]" if name == "run" else rf"\| `claude-tray {re.escape(name)}[ `]"
        assert any(re.match(pattern, row) for row in rows), f"`claude-tray {name}` is missing from the table"
    add_rows = " ".join(row for row in rows if row.startswith("| `claude-tray accounts add"))
    assert all(source in add_rows for source in ADD_SOURCES), "every `accounts add --source` is listed"
