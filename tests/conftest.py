"""Fixtures shared across test modules."""

from smtp_inbox import inbox

__all__ = ["inbox"]
