"""``claude-tray autostart on|off|status``: start the tray at login, or stop doing so.

``status`` reads the entry itself every time (a file, a LaunchAgent plist or a registry value),
so it reports what the person's desktop will really do, including an entry they removed by hand.
Exit status of ``status``: 0 when on, 1 when off (for scripts).
"""

from __future__ import annotations

import argparse
import sys

from claude_tray.i18n import _

__all__ = ["HELP", "add_arguments", "run"]

HELP = "start claude-tray at login: on | off | status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=("on", "off", "status"), help="create, remove or show the login entry"
    )


def run(args: argparse.Namespace) -> int:
    from claude_tray.autostart import get_autostart, launch_command
    from claude_tray.errors import AutostartError

    autostart = get_autostart()
    try:
        if args.action == "on":
            argv = launch_command()
            autostart.enable(argv)
            sys.stdout.write(
                _("autostart on: {where} runs {command}").format(
                    where=autostart.location, command=" ".join(argv)
                )
                + "\n"
            )
        elif args.action == "off":
            was_on = autostart.is_enabled()
            autostart.disable()  # also clears an entry a desktop switched off (nothing to say about it)
            done = (
                _("autostart off: {where} removed")
                if was_on
                else _("autostart off: {where} was already off; nothing to remove")
            )
            sys.stdout.write(done.format(where=autostart.location) + "\n")
    except AutostartError as err:
        hint = f" ({err.hint})" if err.hint else ""
        sys.stderr.write(f"{err.message}{hint}\n")
        return 1
    enabled = autostart.is_enabled()
    if args.action == "status":
        state = _("autostart on: {where}") if enabled else _("autostart off: {where}")
        sys.stdout.write(state.format(where=autostart.location) + "\n")
        return 0 if enabled else 1
    return 0
