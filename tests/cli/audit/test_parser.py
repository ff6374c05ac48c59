"""Tests of the audit's options (``skclassgap.cli.audit._parser``)."""

import pytest

from skclassgap.cli import main
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
