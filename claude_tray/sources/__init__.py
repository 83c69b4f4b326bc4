"""Pluggable, read-only credential sources (see :mod:`claude_tray.sources.base`)."""
