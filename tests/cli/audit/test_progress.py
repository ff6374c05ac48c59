"""Tests of the audit's progress bar (``skclassgap.cli.audit._progress``)."""

import io
import re

import pytest

from skclassgap.cli.audit._progress import BAR, LINES, OFF, Progress, progress_mode


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


@pytest.mark.parametrize(
    "stream, quiet, mode",
    [(_TTY(), False, BAR), (io.StringIO(), False, LINES), (_TTY(), True, OFF)],
)
def test_progress_mode_follows_the_stream(stream, quiet, mode):
    """Check the mode: a bar on a terminal, lines elsewhere, nothing when quiet."""
    assert progress_mode(stream, quiet) == mode


def test_progress_lines_name_each_fold_and_the_elapsed_time():
    """Check that LINES mode writes one plain line per note and per finished
    fold (fit seconds, slowest strategy, failures, elapsed seconds), and that
    the bar's calls write nothing."""
    stream = io.StringIO()
    with Progress(total=4, stream=stream, mode=LINES) as progress:
        progress.update("baseline fold 1/2")
        progress.advance()
        progress.note("100 rows read")
        results = {"baseline": ([0], 1.25, None), "smote": (None, 0.0, "ValueError")}
        progress.fold_done(0, 2, results, 0.5)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in stream.getvalue()
    assert re.fullmatch(r"audit: 100 rows read \[\d+ s\]", lines[0])
    assert re.fullmatch(
        r"audit: fold 1/2 fitted: 2 strategies, 1.2 s of fits \(slowest baseline "
        r"1.2 s\), shared preprocessing 0.5 s, 1 failed \[\d+ s\]",
        lines[1],
    )
