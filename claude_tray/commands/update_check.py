"""``claude-tray update-check [--json]``: is a newer release out, and how would this install upgrade?

One GET of the package index's JSON API (``$CLAUDE_TRAY_INDEX_URL`` overrides PyPI, for mirrors
and tests). Nothing is downloaded or installed. Exit status 0 when the check ran (whether or not
an update exists; ``--json`` says which), 1 when it could not ask the index.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_tray.settings.model import NetworkSettings
    from claude_tray.updates.check import UpdateCheck

__all__ = ["HELP", "add_arguments", "run"]

HELP = "ask the package index whether a newer release exists and say how to upgrade (installs nothing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from claude_tray.api.client import UsageClient
    from claude_tray.errors import ClaudeTrayError
    from claude_tray.log import redact, setup_logging
    from claude_tray.updates.check import check_for_update, failure_reason, index_url

    setup_logging()
    network = _network()
    client = UsageClient(network.api_base, network.web_base, network.user_agent, network.timeout)
    try:
        result = check_for_update(client)
    except ClaudeTrayError as err:
        reason = failure_reason(err)
        hint = f" ({err.hint})" if err.hint else ""
        sys.stderr.write(f"claude-tray: cannot check {index_url()}: {redact(reason)}{hint}\n")
        if args.json:  # a script reads stdout: it gets a document either way
            sys.stdout.write(json.dumps(failure_document(reason), indent=2) + "\n")
        return 1
    finally:
        client.close()
    if args.json:
        sys.stdout.write(json.dumps(document(result), indent=2) + "\n")
    else:
        sys.stdout.write(result.summary() + "\n")
    return 0


def document(result: UpdateCheck) -> dict[str, object]:
    """The ``--json`` shape (keys may be added, never renamed)."""
    return {
        "version": 1,
        "installed": str(result.installed),
        "latest": str(result.latest),
        "update_available": result.update_available,
        "install": result.install.kind.value,
        "upgrade": result.command,
    }


def failure_document(reason: str) -> dict[str, object]:
    """``--json`` when the index could not be asked: the same keys, unknowns null, plus ``error``."""
    from claude_tray import __version__

    return {
        "version": 1,
        "installed": __version__,
        "latest": None,
        "update_available": None,
        "install": None,
        "upgrade": None,
        "error": reason,
    }


def _network() -> NetworkSettings:
    """The [network] settings (User-Agent, timeout, proxies); defaults if the file is unusable."""
    from claude_tray.errors import ConfigError
    from claude_tray.paths import settings_file
    from claude_tray.settings.model import Settings
    from claude_tray.settings.schema import load_settings

    try:
        return load_settings(settings_file()).network
    except ConfigError:
        return (
            Settings().network
        )  # `claude-tray config check` reports the file; asking the index needs none of it
