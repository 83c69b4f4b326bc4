"""The status-line records as a credential source, for ``doctor`` (zero requests, no token).

Reading the records for a fetch is :mod:`claude_tray.usage.freshest`'s job.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import ClassVar

from claude_tray.claude_code.statusline import RecordStore, default_root
from claude_tray.errors import NoCredentialError
from claude_tray.i18n import N_, _
from claude_tray.model import SourceKind
from claude_tray.sources.base import Credential, CredentialSource

__all__ = ["INSTALL_HINT", "StatuslineRecordSource"]

INSTALL_HINT = N_("run `claude-tray statusline install`, then use Claude Code once")  # shown as _(...)


class StatuslineRecordSource(CredentialSource):
    """What ``doctor`` checks for a ``source = "statusline"`` account: is there a record yet?

    The status line needs no secret, so the Credential it returns is empty; it only says that
    ``claude-tray statusline`` has recorded numbers for this config dir.
    """

    kind: ClassVar[SourceKind] = SourceKind.STATUSLINE

    def __init__(self, config_dir: Path, store: RecordStore | None = None) -> None:
        self._config_dir = config_dir
        self._store = store or RecordStore(default_root())

    def check(self) -> None:
        """Works on every OS: it is a file claude-tray itself writes."""

    def read(self) -> Credential:
        record = self._store.read(self._config_dir)
        if record is None:
            raise NoCredentialError(
                f"no status-line reading for {self._config_dir} yet", hint=_(INSTALL_HINT)
            )
        return Credential(SourceKind.STATUSLINE, secret="")

    def fingerprint(self) -> Hashable:
        return self._store.signature(self._config_dir)

    def describe(self) -> str:
        return f"status-line records for {self._config_dir} in {self._store.path_for(self._config_dir)}"
