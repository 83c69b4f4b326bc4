"""Update check: version order, the index JSON, install detection, and the command end to end.

The index is a real HTTP server on 127.0.0.1 (``CLAUDE_TRAY_INDEX_URL``); the check goes
through the real UsageClient, so the honest User-Agent and the error mapping are exercised.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tray import __version__
from claude_tray.api.client import UsageClient
from claude_tray.errors import ResponseFormatError, TransientApiError
from claude_tray.updates.check import (
    RELEASES_URL,
    Install,
    InstallKind,
    Version,
    check_for_update,
    detect_install,
    index_url,
    latest_release,
    upgrade_command,
)
from tests.support.http import LoopbackServer, Reply

JSON_PATH = "/pypi/claude-tray/json"


def index_document(*versions: str, yanked: tuple[str, ...] = (), info: str | None = None) -> bytes:
    """The parts of PyPI's JSON API the check reads (each release lists its files)."""
    releases = {
        v: [
            {"filename": f"claude_tray-{v}-py3-none-any.whl", "url": f"/files/{v}.whl", "yanked": v in yanked}
        ]
        for v in versions
    }
    return json.dumps(
        {"info": {"name": "claude-tray", "version": info or versions[-1]}, "releases": releases}
    ).encode()


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("0.9.1", "0.10.0"),  # numeric, not lexical
        ("1.0.0rc1", "1.0.0"),
        ("1.0.0a2", "1.0.0b1"),
        ("1.0.0.dev3", "1.0.0a1"),
        ("1.0.0", "1.0.0.post1"),
        ("1.0.0.post1.dev1", "1.0.0.post1"),
        ("1.0", "1.0.1"),
        ("v2.0", "2.0.1"),
    ],
)
def test_versions_order_as_pep_440_says(older: str, newer: str) -> None:
    assert Version.parse(older) < Version.parse(newer)
    assert not Version.parse(newer) < Version.parse(older)


def test_trailing_zeros_are_the_same_version_and_keep_their_spelling() -> None:
    assert Version.parse("1.0") == Version.parse("1.0.0")
    assert str(Version.parse("1.0")) == "1.0"
    assert Version.parse("1.0rc1").is_prerelease
    assert not Version.parse("1.0.post2").is_prerelease


@pytest.mark.parametrize("text", ["", "latest", "1.0-local+abc", "1..0"])
def test_unparseable_versions_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a release version"):
        Version.parse(text)


def test_latest_release_skips_yanked_prereleases_and_junk() -> None:
    document = json.loads(
        index_document("0.1.0", "0.2.0", "0.3.0rc1", "0.2.1", "not-a-version", yanked=("0.2.1",))
    )
    assert str(latest_release(document)) == "0.2.0"
    assert str(latest_release(document, include_prereleases=True)) == "0.3.0rc1"


def test_latest_release_falls_back_to_info_version() -> None:
    assert str(latest_release({"info": {"version": "0.4.0"}})) == "0.4.0"


@pytest.mark.parametrize("document", [[], {"info": {}}, {"info": {"version": "soon"}}, {"releases": {}}])
def test_a_document_without_a_version_is_a_format_error(document: object) -> None:
    with pytest.raises(ResponseFormatError):
        latest_release(document)


def test_detects_pipx_by_its_venv_layout_and_metadata(tmp_path: Path) -> None:
    site = tmp_path / "pipx/venvs/claude-tray/lib/python3.11/site-packages/claude_tray"
    by_layout = detect_install(
        prefix=str(tmp_path / "pipx/venvs/claude-tray"),
        base_prefix="/usr",
        executable=str(tmp_path / "pipx/venvs/claude-tray/bin/python"),
        frozen=False,
        platform="linux",
        package_dir=str(site),
        user_site="/nonexistent",
    )
    assert by_layout.kind is InstallKind.PIPX
    custom = tmp_path / "apps/claude-tray"  # PIPX_HOME somewhere unusual: the metadata file decides
    custom.mkdir(parents=True)
    (custom / "pipx_metadata.json").write_text("{}")
    by_metadata = detect_install(
        prefix=str(custom),
        base_prefix="/usr",
        executable=str(custom / "bin/python"),
        frozen=False,
        platform="linux",
        package_dir=str(custom / "lib/python3.11/site-packages/claude_tray"),
        user_site="/nonexistent",
    )
    assert by_metadata.kind is InstallKind.PIPX
    assert upgrade_command(by_metadata) == "pipx upgrade claude-tray"


@pytest.mark.parametrize(
    ("prefix", "base", "package_dir", "user_site", "kind", "command"),
    [
        (
            "/home/a/venv",
            "/usr",
            "/home/a/venv/lib/python3.11/site-packages/claude_tray",
            "/home/a/.local/lib/python3.11/site-packages",
            InstallKind.VENV,
            "/home/a/venv/bin/python -m pip install --upgrade claude-tray",
        ),
        (
            "/usr",
            "/usr",
            "/home/a/.local/lib/python3.11/site-packages/claude_tray",
            "/home/a/.local/lib/python3.11/site-packages",
            InstallKind.PIP_USER,
            "/usr/bin/python3 -m pip install --user --upgrade claude-tray",
        ),
        (
            "/usr",
            "/usr",
            "/usr/lib/python3/dist-packages/claude_tray",
            "/home/a/.local/lib/python3.11/site-packages",
            InstallKind.PIP,
            "/usr/bin/python3 -m pip install --upgrade claude-tray",
        ),
        (
            "/home/a/venv",
            "/usr",
            "/home/a/src/claude-tray/claude_tray",  # pip install -e: the code is in the clone
            "/home/a/.local/lib/python3.11/site-packages",
            InstallKind.SOURCE,
            "git -C /home/a/src/claude-tray pull",
        ),
    ],
)
def test_pip_installs_get_the_matching_pip_command(
    prefix: str, base: str, package_dir: str, user_site: str, kind: InstallKind, command: str
) -> None:
    executable = f"{prefix}/bin/python" if prefix != base else "/usr/bin/python3"
    install = detect_install(
        prefix=prefix,
        base_prefix=base,
        executable=executable,
        frozen=False,
        platform="linux",
        package_dir=package_dir,
        user_site=user_site,
    )
    assert install.kind is kind
    assert upgrade_command(install) == command


def test_frozen_builds_point_at_the_release_download() -> None:
    app = detect_install(
        executable="/Applications/Claude Tray.app/Contents/MacOS/claude-tray", frozen=True, platform="darwin"
    )
    assert app == Install(
        InstallKind.MACOS_APP,
        "/Applications/Claude Tray.app/Contents/MacOS/claude-tray",
        "/Applications/Claude Tray.app",
    )
    assert (
        upgrade_command(app)
        == f'download Claude Tray.app from {RELEASES_URL} and replace "/Applications/Claude Tray.app"'
    )
    exe = detect_install(executable="C:/Tools/claude-tray.exe", frozen=True, platform="win32")
    assert exe.kind is InstallKind.WINDOWS_EXE
    assert RELEASES_URL in upgrade_command(exe)


def test_index_url_is_pypi_unless_overridden() -> None:
    assert index_url({}) == "https://pypi.org/pypi/claude-tray/json"
    assert (
        index_url({"CLAUDE_TRAY_INDEX_URL": "http://127.0.0.1:9/pypi/"})
        == "http://127.0.0.1:9/pypi/claude-tray/json"
    )


def client_for(timeout: float = 5.0) -> UsageClient:
    return UsageClient("http://127.0.0.1:9", "http://127.0.0.1:9", "", timeout)


def test_check_asks_once_with_the_honest_user_agent_and_downloads_nothing(server: LoopbackServer) -> None:
    server.script(JSON_PATH, Reply(200, body=index_document("0.0.1", "99.0.0")))
    install = Install(InstallKind.PIPX, "/x/bin/python", "/x")
    client = client_for()
    try:
        result = check_for_update(client, installed="0.1.0", install=install, url=f"{server.url}{JSON_PATH}")
    finally:
        client.close()
    assert result.update_available
    assert result.summary() == (
        "claude-tray 99.0.0 is available (installed: 0.1.0); to upgrade: pipx upgrade claude-tray"
    )
    assert [r.path for r in server.seen] == [JSON_PATH]  # never the /files/... the document names
    assert server.seen[0].headers["User-Agent"].startswith(f"claude-tray/{__version__}")


def test_up_to_date_when_the_index_has_nothing_newer(server: LoopbackServer) -> None:
    server.script(JSON_PATH, Reply(200, body=index_document("0.1.0")))
    client = client_for()
    try:
        result = check_for_update(client, installed="0.1.0", url=f"{server.url}{JSON_PATH}")
    finally:
        client.close()
    assert not result.update_available
    assert result.summary() == "claude-tray 0.1.0 is the latest release"


def test_index_errors_surface_as_the_clients_typed_errors(server: LoopbackServer) -> None:
    server.script(JSON_PATH, Reply(503, body=b"busy"))
    client = client_for()
    try:
        with pytest.raises(TransientApiError):
            check_for_update(client, url=f"{server.url}{JSON_PATH}")
    finally:
        client.close()


def run_command(*args: str, index: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAUDE_TRAY_INDEX_URL": index}
    return subprocess.run(
        [sys.executable, "-m", "claude_tray", "update-check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
        check=False,
    )


def test_command_reports_the_newer_release_as_json(server: LoopbackServer, tmp_path: Path) -> None:
    server.script(JSON_PATH, Reply(200, body=index_document(__version__, "99.1.0")))
    done = run_command("--json", index=f"{server.url}/pypi", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["installed"] == __version__
    assert document["latest"] == "99.1.0"
    assert document["update_available"] is True
    assert document["install"] == detect_install().kind.value
    assert document["upgrade"] == upgrade_command(detect_install())
    assert server.count() == 1


def test_command_says_one_line_when_the_index_cannot_be_reached(tmp_path: Path) -> None:
    with LoopbackServer() as dead:
        url = f"{dead.url}/pypi"
    done = run_command(index=url, cwd=tmp_path)  # the port is closed now: connection refused
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("claude-tray: cannot check http://127.0.0.1:")
    assert "cannot connect to 127.0.0.1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_404_from_the_index_says_not_published_and_json_still_prints(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.script(JSON_PATH, Reply(404, body=b'{"message": "Not Found"}'))
    done = run_command(index=f"{server.url}/pypi", cwd=tmp_path)
    assert done.returncode == 1
    assert "not published on the package index" in done.stderr and "HTTP 404" not in done.stderr
    as_json = run_command("--json", index=f"{server.url}/pypi", cwd=tmp_path)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["installed"] == __version__
    assert (document["latest"], document["update_available"]) == (None, None)
    assert "not published on the package index" in document["error"]


def test_json_failure_when_the_index_cannot_be_reached(tmp_path: Path) -> None:
    with LoopbackServer() as dead:
        url = f"{dead.url}/pypi"
    done = run_command("--json", index=url, cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot connect to 127.0.0.1" in json.loads(done.stdout)["error"]
