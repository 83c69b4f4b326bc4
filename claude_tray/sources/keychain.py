"""Claude Code's macOS Keychain item, read through ``/usr/bin/security`` (the only module that runs it).

Why the Apple tool and not a Keychain API: Claude Code resets the item's access list on every
token rotation, and apps reading it directly get a prompt each time; ``/usr/bin/security`` is in
the item's ``apple-tool:`` partition and reads it without one. It is called by absolute path,
never via ``$PATH``. The value is the same JSON as ``.credentials.json`` (sometimes printed as
hex). Exit status 44 means "no such item".

When a Claude config dir is set explicitly, Claude Code names the item
``Claude Code-credentials-<sha256(config dir)[:8]>``; that name is tried first, then the plain one.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from claude_tray.clock import Clock
from claude_tray.digest import sha256_hex
from claude_tray.errors import (
    CredentialAccessDenied,
    CredentialFormatError,
    NoCredentialError,
    SourceUnavailable,
)
from claude_tray.i18n import _
from claude_tray.model import SourceKind
from claude_tray.sources.base import Credential, CredentialSource, digest
from claude_tray.sources.cli_file import credential_from_json

__all__ = ["SECURITY", "SERVICE", "KeychainSource", "RunResult", "run_security", "service_names"]

SECURITY = Path("/usr/bin/security")
SERVICE = "Claude Code-credentials"
NOT_FOUND = 44  # errSecItemNotFound as an exit status
TIMEOUT = 10.0  # seconds; a Keychain stuck behind a dialog must not stall the poller for ever


@dataclass(frozen=True, slots=True)
class RunResult:
    returncode: int
    stdout: bytes
    stderr: bytes


Runner = Callable[[Sequence[str]], RunResult]


def run_security(argv: Sequence[str]) -> RunResult:
    """Run the tool with a fixed argv (no shell), bounded in time."""
    try:
        done = subprocess.run(list(argv), capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as err:
        raise CredentialAccessDenied(
            f"the Keychain did not answer within {TIMEOUT:g} s",
            hint=_("a Keychain dialog may be open; answer it and try again"),
        ) from err
    except OSError as err:
        raise SourceUnavailable(f"cannot run {argv[0]}: {err.strerror or type(err).__name__}") from err
    return RunResult(done.returncode, done.stdout, done.stderr)


def service_names(config_dir: str | None) -> tuple[str, ...]:
    """Hashed name first when a config dir is set explicitly, then the plain name."""
    if not config_dir:
        return (SERVICE,)
    hashed = sha256_hex(unicodedata.normalize("NFC", config_dir).encode())[:8]
    return (f"{SERVICE}-{hashed}", SERVICE)


class KeychainSource(CredentialSource):
    kind: ClassVar[SourceKind] = SourceKind.KEYCHAIN

    def __init__(
        self,
        clock: Clock,
        *,
        config_dir: str | None = None,
        user: str | None = None,
        security: Path = SECURITY,
        run: Runner = run_security,
        platform: str = sys.platform,
    ) -> None:
        self._clock = clock
        # os.path, not Path: Path() would drop a trailing "/" and so change the hashed service name
        expanded = os.path.expanduser(config_dir) if config_dir else None  # noqa: PTH111
        self._services = service_names(expanded)
        self._user = user or os.environ.get("USER") or getpass.getuser()
        self._security = security
        self._run = run
        self._platform = platform

    def check(self) -> None:
        if self._platform != "darwin":
            raise SourceUnavailable("the macOS Keychain exists only on macOS")
        if not os.access(self._security, os.X_OK):
            raise SourceUnavailable(f"{self._security} is missing or not executable")

    def describe(self) -> str:
        return f"macOS Keychain item {' or '.join(repr(s) for s in self._services)} (account {self._user})"

    def read(self) -> Credential:
        self.check()
        service, text = self._lookup()
        where = f"Keychain item {service!r}"
        return credential_from_json(_decode(text, where), SourceKind.KEYCHAIN, self._clock.now(), where)

    def fingerprint(self) -> Hashable:
        """A one-way digest of the item's value (reading via the Apple tool never prompts)."""
        try:
            self.check()
            service, text = self._lookup()
        except (SourceUnavailable, NoCredentialError, CredentialAccessDenied) as err:
            return ("unavailable", type(err).__name__)
        return (service, digest(text))

    def _lookup(self) -> tuple[str, str]:
        for service in self._services:
            argv = [str(self._security), "find-generic-password", "-s", service, "-a", self._user, "-w"]
            result = self._run(argv)
            if result.returncode == NOT_FOUND:
                continue
            if result.returncode != 0:
                raise CredentialAccessDenied(
                    f"{self._security} could not read {service!r} (exit status {result.returncode})",
                    hint=_("unlock the login Keychain, or allow access when macOS asks"),
                )
            return service, result.stdout.decode("utf-8", errors="replace").strip()
        raise NoCredentialError(
            f"no Claude Code login in the Keychain ({', '.join(self._services)})",
            hint=_("run `claude` and log in"),
        )


def _decode(text: str, where: str) -> str:
    """The item is JSON, or the same JSON hex-encoded (``security -w`` does that for some items)."""
    if text.startswith("{") or not text:
        return text
    try:
        return bytes.fromhex(text).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as err:
        raise CredentialFormatError(
            f"{where} is neither JSON nor hex-encoded JSON", hint=_("run `claude` and log in")
        ) from err
