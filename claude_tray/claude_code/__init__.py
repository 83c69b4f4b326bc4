"""Claude Code's own files, read-only: status-line records, transcripts and sessions, logins, the usage cache."""
