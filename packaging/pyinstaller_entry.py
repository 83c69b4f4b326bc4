"""Entry point frozen by the PyInstaller specs (macOS .app, Windows .exe)."""

import sys

from claude_tray.cli import main

if __name__ == "__main__":
    sys.exit(main())
