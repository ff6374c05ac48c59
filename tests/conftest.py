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
