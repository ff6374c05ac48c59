"""The driver: the five stages in order, around the sampler's own per-class loop.

It receives the sampler and reads only what the sampler declares (see
:class:`~skclassgap.over_sampling._base._BaseSyntheticSampler`): its
whole-set neighbour width and parameters, its per-class row attributes, its
transient state, its categorical columns, its Dask refusals.
"""

import numbers

import numpy as np

from skclassgap.over_sampling._dask._budget import check_budget, row_bytes
from skclassgap.over_sampling._dask._census import fit_census
from skclassgap.over_sampling._dask._gather import gather
from skclassgap.over_sampling._dask._output import global_provenance, output
from skclassgap.over_sampling._dask._whole_set import with_whole_set_neighbors
from skclassgap.over_sampling._table import Table
from skclassgap.utils._dask import import_dask


def check_dask_support(sampler):
    """Refuse the settings the sampler cannot run on Dask input: neighbour
    estimators for the whole-set search (it runs block by block with the
    built-in exact engine), and what the sampler's own hook refuses."""
    name = type(sampler).__name__
    for param, value in sampler._whole_set_params().items():
        if not isinstance(value, numbers.Integral):
            raise ValueError(
                f"{name} on Dask input searches the whole data set block by block "
                f"with its exact built-in search, so {param} must be an int; got "
                f"{type(value).__name__}. Pass "
                f"{param}={getattr(value, 'n_neighbors', 6) - 1} (an estimator's "
                "n_neighbors counts the row itself)."
            )
    sampler._check_dask_support()


def _record_feature_kinds(sampler, work):
    """Tell the sampler which gathered columns are categorical."""
    if isinstance(work, Table):
        sampler._set_feature_kinds(work.categorical, work.continuous)
    else:
        n_features = work.shape[1]
        sampler._set_feature_kinds(
            np.zeros(0, dtype=np.int64), np.arange(n_features, dtype=np.int64)
        )


def _synthesize(sampler, gathered, fitted):
    """Run the sampler's per-class loop on the gathered rows (joined, when it
    needs them, by their whole-set neighbours); return the rows it ran on and
    its ``(label, Synthetic)`` pairs."""
    labels, n_samples = fitted.census.labels, fitted.n_samples
    try:
        sampler._prepare(gathered.work, gathered.y_codes)
        width = sampler._whole_set_width()
        whole = None
        if width and len(gathered.rows):
            sampler._check_whole_set(n_samples)
            gathered, whole = with_whole_set_neighbors(
                gathered, fitted, width, sampler.n_jobs
            )
        done = sampler._synthesize(
            gathered.work, gathered.y_codes, labels, n_samples, whole_nbrs=whole
        )
    finally:
        sampler._drop_transient_state()
    return gathered, done


def _to_global(sampler, rows):
    """The declared per-class row attributes, in global row indices."""
    for name in sampler._class_rows_attributes:
        mapped = {label: rows[v] for label, v in getattr(sampler, name).items()}
        setattr(sampler, name, mapped)


def dask_fit(sampler, X, y):
    """``sampler.fit(X, y)`` of Dask input: ``sampling_strategy_`` from the
    per-block label counts, without gathering any row of ``X``.

    Parameters are validated by the caller. Returns ``sampler``.
    """
    import_dask("X or y")
    fit_census(sampler, X, y)
    return sampler


def dask_fit_resample(sampler, X, y):
    """``sampler.fit_resample(X, y)`` of Dask input (see the package docstring).

    Parameters are validated by the caller. Returns the resampled ``X`` and
    ``y`` as Dask collections of the input's kinds.
    """
    import_dask("X or y")
    check_dask_support(sampler)
    fitted = fit_census(sampler, X, y)
    check_budget(
        sampler.sampling_strategy_, fitted.census, row_bytes(X, fitted.categorical)
    )
    gathered = gather(sampler, fitted)
    _record_feature_kinds(sampler, gathered.work)
    gathered, done = _synthesize(sampler, gathered, fitted)
    _to_global(sampler, gathered.rows)
    sampler._set_provenance(fitted.n_samples, global_provenance(done, gathered.rows))
    return output(X, y, gathered.work, done, fitted.lengths)
