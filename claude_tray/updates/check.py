"""Opt-in update check: is there a newer release, and how would *this* install upgrade?

Nothing here downloads or installs anything. :func:`check_for_update` asks the package index's
JSON API (``https://pypi.org/pypi/claude-tray/json``; the base is overridable by
``CLAUDE_TRAY_INDEX_URL`` for mirrors and tests) through an injected JSON getter (in the app,
:meth:`claude_tray.api.client.UsageClient.get_json`, so the same honest User-Agent and error
mapping apply), and answers with the exact command for how claude-tray was installed: pipx,
a venv, ``pip --user``, a system pip, a source checkout, the macOS app or the Windows exe.

Version comparison and install detection are pure functions of their inputs.

>>> Version.parse("0.10.0") > Version.parse("0.9.1")
True
>>> Version.parse("1.0.0rc1") < Version.parse("1.0.0")
True
"""

from __future__ import annotations

import enum
import os
import re
import site
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Protocol

from claude_tray import __version__
from claude_tray.errors import ClaudeTrayError, ResponseFormatError

__all__ = [
    "DEFAULT_INDEX",
    "INDEX_ENV",
    "PROJECT",
    "RELEASES_URL",
    "Install",
    "InstallKind",
    "JsonGetter",
    "UpdateCheck",
    "Version",
    "check_for_update",
    "detect_install",
    "failure_reason",
    "index_url",
    "latest_release",
    "upgrade_command",
]

PROJECT = "claude-tray"
DEFAULT_INDEX = "https://pypi.org/pypi"
INDEX_ENV = "CLAUDE_TRAY_INDEX_URL"
RELEASES_URL = "https://github.com/claude-tray/claude-tray/releases/latest"

_VERSION = re.compile(
    r"^v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|rc|alpha|beta|c)[-_.]?(?P<pre_n>\d*))?"
    r"(?:[-_.]?post[-_.]?(?P<post>\d*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>\d*))?$",
    re.IGNORECASE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2}


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A PEP 440 release version (no epochs or local labels: this project publishes neither)."""

    release: tuple[int, ...]
    # (rank, n): a < b < rc < final; dev releases sort before everything of their release
    pre: tuple[int, int]
    post: int
    dev: tuple[int, int]
    text: str = field(default="", compare=False)  # as published; 1.0 == 1.0.0

    @property
    def is_prerelease(self) -> bool:
        return self.pre[0] < 3 or self.dev[0] == 0

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.match(text.strip())
        if match is None:
            raise ValueError(f"not a release version: {text!r}")
        release = tuple(int(part) for part in match["release"].split("."))
        while len(release) > 1 and release[-1] == 0:
            release = release[:-1]  # 1.0 == 1.0.0
        pre = (_PRE_RANK[match["pre"].lower()], int(match["pre_n"] or 0)) if match["pre"] else (3, 0)
        post = int(match["post"] or 0) + 1 if match["post"] is not None else 0
        dev = (0, int(match["dev"] or 0)) if match["dev"] is not None else (1, 0)
        if dev[0] == 0 and not match["pre"] and not post:
            pre = (-1, 0)  # 1.0.dev1 comes before 1.0a1
        return cls(release, pre, post, dev, text.strip())

    def __str__(self) -> str:
        return self.text


class JsonGetter(Protocol):
    """What the check needs from the HTTP client (``UsageClient.get_json``)."""

    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> object: ...


def index_url(env: Mapping[str, str] | None = None) -> str:
    """``{base}/claude-tray/json``; the base is ``$CLAUDE_TRAY_INDEX_URL`` or PyPI's."""
    base = (os.environ if env is None else env).get(INDEX_ENV) or DEFAULT_INDEX
    return f"{base.rstrip('/')}/{PROJECT}/json"


def latest_release(document: object, *, include_prereleases: bool = False) -> Version:
    """The newest release in a package index JSON document that still has a file not yanked.

    Raises ResponseFormatError when the document has no usable version at all.
    """
    if not isinstance(document, dict):
        raise ResponseFormatError("the package index did not answer with a JSON object")
    candidates = [
        v for v in _releases(document.get("releases")) if include_prereleases or not v.is_prerelease
    ]
    if candidates:
        return max(candidates)
    info = document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    try:
        return Version.parse(version) if isinstance(version, str) else _no_version()
    except ValueError as err:
        raise ResponseFormatError(f"the package index names no usable version ({version!r})") from err


def _releases(raw: object) -> list[Version]:
    if not isinstance(raw, dict):
        return []
    versions = []
    for text, files in raw.items():
        live = isinstance(files, list) and any(isinstance(f, dict) and not f.get("yanked") for f in files)
        try:
            version = Version.parse(str(text))
        except ValueError:
            continue  # a legacy or local version string this project never published
        if live:
            versions.append(version)
    return versions


def _no_version() -> Version:
    raise ResponseFormatError("the package index lists no release of claude-tray")


class InstallKind(enum.Enum):
    PIPX = "pipx"
    VENV = "venv"
    PIP_USER = "pip --user"
    PIP = "pip"
    SOURCE = "source checkout"
    MACOS_APP = "macOS app"
    WINDOWS_EXE = "Windows exe"
    FROZEN = "frozen build"


@dataclass(frozen=True, slots=True)
class Install:
    """How this copy of claude-tray was installed, and where (for the upgrade command)."""

    kind: InstallKind
    python: str  # the interpreter a pip command must use
    location: str  # the venv, checkout, app bundle or exe


def detect_install(
    *,
    prefix: str = sys.prefix,
    base_prefix: str = sys.base_prefix,
    executable: str = sys.executable,
    frozen: bool = bool(getattr(sys, "frozen", False)),
    platform: str = sys.platform,
    package_dir: str = str(Path(__file__).resolve().parent),
    user_site: str | None = None,
) -> Install:
    """Decide from interpreter facts alone (no subprocess, no network)."""
    if frozen:
        return _frozen_install(executable, platform)
    if not _in_site_packages(package_dir):
        return Install(InstallKind.SOURCE, executable, str(PurePath(package_dir).parent))
    if _is_pipx_venv(prefix):
        return Install(InstallKind.PIPX, executable, prefix)
    if prefix != base_prefix:
        return Install(InstallKind.VENV, executable, prefix)
    user = site.getusersitepackages() if user_site is None else user_site
    if user and _is_within(package_dir, user):
        return Install(InstallKind.PIP_USER, executable, user)
    return Install(InstallKind.PIP, executable, prefix)


def _frozen_install(executable: str, platform: str) -> Install:
    path = PurePath(executable)
    if platform == "darwin":
        bundle = next((p for p in path.parents if p.name.endswith(".app")), None)
        if bundle is not None:
            return Install(InstallKind.MACOS_APP, executable, str(bundle))
    if platform == "win32":
        return Install(InstallKind.WINDOWS_EXE, executable, executable)
    return Install(InstallKind.FROZEN, executable, executable)


def _in_site_packages(package_dir: str) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in PurePath(package_dir).parts)


def _is_pipx_venv(prefix: str) -> bool:
    """pipx venvs live in ``<pipx home>/venvs/<app>`` and carry ``pipx_metadata.json``."""
    path = PurePath(prefix)
    if Path(prefix, "pipx_metadata.json").is_file():
        return True
    return path.parent.name == "venvs" and any("pipx" in part.lower() for part in path.parent.parent.parts)


def _is_within(child: str, parent: str) -> bool:
    try:
        PurePath(child).relative_to(parent)
    except ValueError:
        return False
    return True


_UPGRADE = {
    InstallKind.PIPX: "pipx upgrade {project}",
    InstallKind.VENV: "{python} -m pip install --upgrade {project}",
    InstallKind.PIP: "{python} -m pip install --upgrade {project}",
    InstallKind.PIP_USER: "{python} -m pip install --user --upgrade {project}",
    InstallKind.SOURCE: "git -C {location} pull",
    InstallKind.MACOS_APP: "download Claude Tray.app from {releases} and replace {location}",
    InstallKind.WINDOWS_EXE: "download claude-tray.exe from {releases} and replace {location}",
    InstallKind.FROZEN: "download the new build from {releases}",
}


def upgrade_command(install: Install) -> str:
    """What to run (or do) to upgrade this install; claude-tray never runs it itself."""
    return _UPGRADE[install.kind].format(
        project=PROJECT,
        python=_quote(install.python),
        location=_quote(install.location),
        releases=RELEASES_URL,
    )


def _quote(text: str) -> str:
    return f'"{text}"' if any(c.isspace() for c in text) else text


@dataclass(frozen=True, slots=True)
class UpdateCheck:
    installed: Version
    latest: Version
    install: Install
    command: str

    @property
    def update_available(self) -> bool:
        return self.latest > self.installed

    def summary(self) -> str:
        if not self.update_available:
            return f"claude-tray {self.installed} is the latest release"
        return f"claude-tray {self.latest} is available (installed: {self.installed}); to upgrade: {self.command}"


NOT_PUBLISHED = (
    "claude-tray is not published on the package index (yet): install from a clone or a built wheel"
)


def failure_reason(err: ClaudeTrayError) -> str:
    """Why the check failed, in words: a 404 from the index means the package is not there."""
    if isinstance(err, ResponseFormatError) and err.status == 404:
        return NOT_PUBLISHED
    return err.message


def check_for_update(
    client: JsonGetter,
    *,
    installed: str = __version__,
    install: Install | None = None,
    url: str | None = None,
) -> UpdateCheck:
    """One GET of the index JSON. Raises the client's ApiError subclasses or ResponseFormatError."""
    current = Version.parse(installed)
    document = client.get_json(url or index_url())
    latest = latest_release(document, include_prereleases=current.is_prerelease)
    chosen = install or detect_install()
    return UpdateCheck(current, latest, chosen, upgrade_command(chosen))
