"""Tests of the audit's options (``skclassgap.cli.audit._parser``)."""

import os

import pytest

from skclassgap.cli import main
from skclassgap.cli.audit import _defaults
from skclassgap.cli.audit._defaults import THREADS_ROWS, auto_repeats, resolve_threads
from skclassgap.cli.audit._examples import EXAMPLES
from skclassgap.datasets._audit_default import AUDIT_DATASETS


def test_examples_are_the_embedded_data_sets():
    """Check that --example offers exactly the loader's data sets, default first."""
    assert list(EXAMPLES) == list(AUDIT_DATASETS)


def test_help_lists_the_examples(capsys):
    """Check that audit --help names every example with its summary."""
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = capsys.readouterr().out
    for name, summary in EXAMPLES.items():
        assert f"  {name:<22}{summary}" in out


@pytest.mark.parametrize(
    "n_rows, repeats",
    [(150, 5), (4174, 5), (10_000, 5), (10_001, 4), (20_000, 2), (327_346, 1)],
)
def test_auto_repeats_keeps_rows_times_repeats_bounded(n_rows, repeats):
    """Check the default repetitions: 5, fewer past 10,000 rows so that rows x
    repetitions stays within 50,000, never fewer than 1."""
    assert auto_repeats(n_rows) == repeats


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--repeats", "0", "argument --repeats: expected a positive integer"),
        ("--confidence", "95", "argument --confidence: expected a confidence level"),
        ("--confidence", "1", "argument --confidence: expected a confidence level"),
    ],
)
def test_repeats_and_confidence_refuse_bad_values(capsys, option, value, message):
    """Check that --repeats 0 and a confidence outside (0, 1) are one-line usage
    errors."""
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", option, value])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "threads, n_rows, n_jobs, expected",
    [
        ("auto", 4174, 1, (1, 1)),
        ("auto", THREADS_ROWS - 1, 1, (1, 1)),
        ("auto", THREADS_ROWS, 1, (4, 1)),
        ("auto", 300_000, 1, (4, 1)),
        ("auto", 300_000, 2, (2, 1)),
        ("auto", 300_000, 8, (1, 1)),
        (3, 4174, 1, (3, 3)),
        (1, 300_000, 1, (1, 1)),
    ],
)
def test_resolve_threads_auto_and_explicit(threads, n_rows, n_jobs, expected):
    """Check --threads: auto is one thread below THREADS_ROWS rows and, from
    there on, the cores shared among the workers (at least 1) with one BLAS
    thread; an integer is kept for both pools."""
    assert resolve_threads(threads, n_rows, n_jobs, cores=4) == expected


def test_resolve_threads_auto_counts_the_available_cores(monkeypatch):
    """Check that auto on a large table asks for the cores this process may use."""
    monkeypatch.setattr(_defaults, "available_cores", lambda: 6)
    assert resolve_threads("auto", 300_000) == (6, 1)
    monkeypatch.undo()
    assert 1 <= _defaults.available_cores() <= len(os.sched_getaffinity(0))


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_threads_refuses_bad_values(capsys, value):
    """Check that --threads takes 'auto' or a positive integer, and says so with
    the value received."""
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "--threads", value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert (
        f"argument --threads: expected 'auto' or a positive integer, got {value!r}"
        in err
    )


@pytest.mark.parametrize("value, expected", [("auto", "auto"), ("AUTO", "auto")])
def test_threads_option_parses_auto(value, expected):
    """Check that --threads accepts auto in any case."""
    from skclassgap.cli.audit._parser import threads_option

    assert threads_option(value) == expected
    assert threads_option("2") == 2


def test_help_describes_threads_auto(capsys):
    """Check that --help gives --threads' default, auto, and its rows threshold."""
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--threads N|auto" in out
    assert "(default: auto: 1 below 50,000 rows" in out
    assert "every available core" in out and "BLAS staying at 1" in out
