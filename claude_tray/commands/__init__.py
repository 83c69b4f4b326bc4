"""One module per ``claude-tray`` subcommand (see :mod:`claude_tray.cli`)."""
