"""The app's features, one module per part; the registry lists them in order."""
