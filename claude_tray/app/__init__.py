"""The tray app: the composition root, the part seam, launch, signals and the demo."""
