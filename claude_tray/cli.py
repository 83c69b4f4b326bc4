"""The ``claude-tray`` command line.

Each subcommand lives in its own module under :mod:`claude_tray.commands` and exposes
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported
only when their command runs (and for ``--help``), so starting the tray pays for nothing else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from claude_tray import __version__

__all__ = ["COMMANDS", "build_parser", "main"]

# command name -> module under claude_tray.commands; order is the order shown in --help
COMMANDS: tuple[tuple[str, str], ...] = (
    ("run", "run"),
    ("status", "status"),
    ("login-web", "login_web"),
    ("icon", "icon"),
    ("history", "history"),
    ("config", "config"),
    ("autostart", "autostart"),
    ("watch", "watch"),
    ("statusline", "statusline"),
    ("accounts", "accounts"),
    ("update-check", "update_check"),
    ("doctor", "doctor"),
)


def _load(module: str) -> ModuleType:
    return importlib.import_module(f"claude_tray.commands.{module}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with ``only``, other subcommands are listed but their modules not imported."""
    parser = argparse.ArgumentParser(
        prog="claude-tray",
        description="Claude plan usage in the system tray. With no command, starts the tray.",
    )
    parser.add_argument("--version", action="version", version=f"claude-tray {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS:
        if only is not None and name != only:
            sub.add_parser(name)
            continue
        module = _load(module_name)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "run")  # `claude-tray --demo` == `claude-tray run --demo`
    known = {name for name, _ in COMMANDS}
    parser = build_parser(only=args_list[0] if args_list[0] in known else None)
    args = parser.parse_args(args_list)
    module: ModuleType = args._module
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
