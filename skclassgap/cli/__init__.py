"""The ``skclassgap`` command line (``python -m skclassgap`` too)."""

from skclassgap.cli._main import main

__all__ = ["main"]
