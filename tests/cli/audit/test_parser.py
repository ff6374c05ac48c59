"""Tests of the audit's options (``skclassgap.cli.audit._parser``)."""

import pytest

from skclassgap.cli import main
from skclassgap.cli.audit._defaults import auto_repeats
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
