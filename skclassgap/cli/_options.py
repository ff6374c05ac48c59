"""Option types both commands' parsers share (they import nothing heavy)."""

import argparse


def level(text):
    """``float(text)`` when it lies strictly between 0 and 1, else an argparse
    error."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a confidence level between 0 and 1 such as 0.95, got {text!r}"
        )
    return value
