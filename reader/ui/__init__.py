"""The window: PySide6 widgets over the core ``Library`` (nothing here is imported by core)."""
