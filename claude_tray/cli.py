"""The ``claude-tray`` command line.

Each subcommand lives in its own module under :mod:`claude_tray.commands` and exposes
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported
only when their command runs (``--help`` lists them from :data:`COMMANDS`), so starting the
tray pays for nothing else.

Two invocations skip argparse altogether, because they are run often and waited for:
``claude-tray statusline`` (Claude Code runs it on every turn; see
:mod:`claude_tray.claude_code.statusline_feed`) and ``--version``. Anything unusual in their arguments falls
through to the parser, which prints the same errors and help as before.
"""

from __future__ import annotations

import sys

from claude_tray import __version__

TYPE_CHECKING = False  # typing costs start-up time that `statusline` cannot spare
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType

__all__ = ["COMMANDS", "build_parser", "main"]

# (command, module under claude_tray.commands, its one-line help); order is the order shown in
# --help. The help is here so that `claude-tray --help` imports no command module; each module's
# HELP says the same (tests/test_lean_imports.py keeps them equal).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("run", "run", "show usage in the system tray (the default when no command is given)"),
    ("status", "status", "read usage once for each account and print it (--json for scripts)"),
    (
        "login-web",
        "login_web",
        "store a claude.ai session key in the OS keyring (checked against claude.ai first)",
    ),
    ("icon", "icon", "write one tray icon as a PNG (for docs, bug reports and tests)"),
    ("history", "history", "export the local usage history (--csv, --json) or draw it (--chart out.png)"),
    ("config", "config", "show, check or edit the settings file (path | show | check | edit)"),
    ("autostart", "autostart", "start claude-tray at login: on | off | status"),
    (
        "watch",
        "watch",
        "keep polling and print one line per change (JSON lines, or JSON for a waybar module)",
    ),
    (
        "statusline",
        "statusline",
        "Claude Code status-line bridge (reads its JSON on stdin); install|uninstall edit its settings.json",
    ),
    (
        "accounts",
        "accounts",
        "list, add or remove accounts (e.g. a second Claude Code login in its own config dir)",
    ),
    (
        "update-check",
        "update_check",
        "ask the package index whether a newer release exists and say how to upgrade (installs nothing)",
    ),
    (
        "doctor",
        "doctor",
        "check the tray backend, tray host, keyring, settings, autostart and each account's login",
    ),
)


def _load(module: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"claude_tray.commands.{module}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with ``only``, just that subcommand (the command line names it).

    ``only=""`` lists every subcommand with its help but imports no command module (top-level
    ``--help`` and unknown commands).
    """
    import argparse

    class Formatter(argparse.HelpFormatter):
        def __init__(self, prog: str) -> None:
            super().__init__(prog, width=help_width() - 2)  # -2: what HelpFormatter does itself

    parser = argparse.ArgumentParser(
        prog="claude-tray",
        description="Claude plan usage in the system tray. With no command, starts the tray.",
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=f"claude-tray {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in COMMANDS:
        if only == "":  # listed only, never parsed with: no -h of its own to set up
            sub.add_parser(name, help=help_text, description=help_text, add_help=False)
            continue
        if only is not None and name != only:
            continue  # never reached by this command line: no parser object to build (~0.5 ms each)
        module = _load(module_name)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP, formatter_class=Formatter)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def help_width() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil (and bz2, lzma, ...)."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    stdout = sys.__stdout__
    if columns <= 0 and stdout is not None:
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _fast_path(args: list[str]) -> int | None:
    """Run the plain ``statusline`` feed or ``--version`` without argparse; None for the parser."""
    if args == ["--version"]:
        sys.stdout.write(f"claude-tray {__version__}\n")
        return 0
    if not args or args[0] != "statusline":
        return None
    rest = args[1:]
    if len(rest) == 2 and rest[0] == "--config-dir" and not rest[1].startswith("-"):
        config_dir: str | None = rest[1]
    elif len(rest) == 1 and rest[0].startswith("--config-dir="):
        config_dir = rest[0].partition("=")[2]
    elif not rest:
        config_dir = None
    else:
        return None  # install/uninstall, -h, typos: argparse says what it always said
    from claude_tray.claude_code.statusline_feed import main as feed

    return feed(config_dir)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        fast = _fast_path(args_list)
    except KeyboardInterrupt:
        return 130
    if fast is not None:
        return fast
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "run")  # `claude-tray --demo` == `claude-tray run --demo`
    known = {name for name, _, _ in COMMANDS}
    parser = build_parser(only=args_list[0] if args_list[0] in known else "")
    args = parser.parse_args(args_list)
    module: ModuleType = args._module
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
