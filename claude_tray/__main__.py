"""``python -m claude_tray`` is the same as the ``claude-tray`` command."""

import sys

from claude_tray.cli import main

sys.exit(main())
