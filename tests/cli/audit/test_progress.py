"""Tests of the audit's progress bar (``skclassgap.cli.audit._progress``)."""

import io

from skclassgap.cli.audit._progress import Progress


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_counts_only_when_enabled():
    """Check that the bar shows done/total on a terminal and nothing otherwise."""
    stream = _TTY()
    with Progress(total=4, stream=stream, enabled=True) as progress:
        progress.update("baseline fold 1/2")
        progress.advance(3)
    text = stream.getvalue()
    assert "0/4" in text and "3/4" in text and "baseline fold 1/2" in text
    assert text.endswith("\r")
    quiet = io.StringIO()
    with Progress(total=4, stream=quiet, enabled=False) as progress:
        progress.advance()
    assert quiet.getvalue() == ""
