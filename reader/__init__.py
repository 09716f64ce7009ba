"""Reader: a desktop app to read, highlight, annotate, tag and search saved articles."""

__version__ = "0.1.0"
