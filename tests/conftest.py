"""Shared fixtures, and one BLAS/OpenMP thread for the whole test session."""

import numpy as np
import pytest
import sklearn  # noqa: F401  (loads the BLAS and OpenMP libraries limited below)
from threadpoolctl import threadpool_limits

# The tests fit models on tens to thousands of rows, where extra BLAS and
# OpenMP threads only wait for each other: on a busy 2-core machine a
# LogisticRegression fit on 300 rows took 0.15 s of CPU with two OpenBLAS
# threads and 0.007 s with one, and scikit-learn's checks of one
# meta-estimator 29 s against 3.4 s. The limit holds for the whole process
# (doctests of the package included, as this file is loaded before
# collection); tests about thread counts set their own limits inside it.
threadpool_limits(limits=1)


@pytest.fixture
def rng():
    """A seeded NumPy generator, fresh for every test."""
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def dask_client():
    """A ``distributed.Client`` on a LocalCluster of 2 single-threaded worker
    processes, started once per session (skipped without the dask extra).

    While it is open it is Dask's default scheduler: every Dask computation of
    the tests runs in the worker processes.
    """
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit="1GiB",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _error_rate(y_true, y_pred, *, sample_weight=None):
    from skclassgap.metrics._classification import accuracy_from_labels

    return 1.0 - accuracy_from_labels(y_true, y_pred, sample_weight=sample_weight)


def _error_rate_from_counts(tp, support, predicted):
    tp = np.asarray(tp, dtype=np.float64)
    return 1.0 - tp.sum(axis=-1) / np.asarray(support).sum(axis=-1)


@pytest.fixture
def error_rate(monkeypatch):
    """A headline metric that skclassgap does not declare, ``error_rate`` (lower
    is better: scorer ``neg_error_rate``), added to the metric registry for the
    duration of a test: the one edit a new headline metric takes."""
    from skclassgap.metrics._registry import METRICS, MetricDeclaration

    metric = MetricDeclaration(
        "error_rate",
        "error rate",
        False,
        _error_rate,
        {},
        _error_rate_from_counts,
        short="error",
        headline=True,
        classes="union",
    )
    monkeypatch.setitem(METRICS, metric.scorer_name, metric)
    return metric
