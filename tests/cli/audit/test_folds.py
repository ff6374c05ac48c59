"""Tests of the fold fits (``skclassgap.cli.audit._folds``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skclassgap.cli.audit._folds import fit_fold
from skclassgap.cli.audit._strategies import Built


class _ThreadProbe(LogisticRegression):
    """Records the OpenMP/BLAS thread counts seen during fit."""

    def fit(self, X, y):
        from threadpoolctl import threadpool_info

        type(self).seen = {(p["user_api"], p["num_threads"]) for p in threadpool_info()}
        return super().fit(X, y)


@pytest.mark.parametrize("threads", [1, 2])
def test_fit_fold_limits_threads(threads):
    """Check that every BLAS/OpenMP pool runs with the requested threads in a fit."""
    X = pd.DataFrame({"a": np.arange(20.0)})
    y = np.arange(20) % 2
    idx = np.arange(20)
    pred, seconds, error = fit_fold(Built(_ThreadProbe()), X, y, idx, idx, threads)
    assert error is None and pred.shape == (20,) and seconds >= 0
    assert {n for _, n in _ThreadProbe.seen} <= {threads}


def test_fit_fold_reports_a_refusal_of_the_data():
    """Check that a ValueError while fitting is returned as a message, not raised."""
    X = pd.DataFrame({"a": [np.inf] * 4})
    idx = np.arange(4)
    pred, seconds, error = fit_fold(
        Built(LogisticRegression()), X, np.arange(4) % 2, idx, idx, 1
    )
    assert pred is None and error.startswith("ValueError: Input X contains infinity")
