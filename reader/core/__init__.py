"""The headless engine of Reader. Nothing under reader.core may import Qt."""
