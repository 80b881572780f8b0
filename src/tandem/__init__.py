"""Tandem: account management and project delivery in one place."""

__version__ = "0.1.0"
