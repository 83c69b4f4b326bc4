"""The opt-in update check: which release is newest, how this copy was installed."""
