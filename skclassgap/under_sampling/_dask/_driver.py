"""The driver: refusals, the census, the sampler's selection, the output.

It receives the sampler and reads only what the sampler declares (see
:class:`~skclassgap.under_sampling._base._RowSampler`): how its rows are
selected on Dask input (``_dask_selection``: :data:`DRAW` or
:data:`WHOLE_SET`; None refuses Dask input with the declared
``_dask_refusal``), and the hooks of that selection (for :data:`WHOLE_SET`,
whether the rule is per row, ``_row_rule``).
"""

from skclassgap.over_sampling._dask._driver import check_dask_support
from skclassgap.under_sampling._dask._census import count_blocks
from skclassgap.under_sampling._dask._cleaning import whole_set_selection
from skclassgap.under_sampling._dask._output import output
from skclassgap.under_sampling._dask._per_row import per_row_selection
from skclassgap.under_sampling._dask._random import draw_selection
from skclassgap.utils._dask import import_dask

# Per-class draws of kept positions, reproduced block by block
# (RandomUnderSampler's ``_class_draws``).
DRAW = "draw"
# Rows removed by a rule on whole-set neighbour lists (the hooks of the
# cleaners in ``skclassgap.under_sampling._base._WholeSetCleaner``).
WHOLE_SET = "whole_set"


def _whole_set(sampler, census, X):
    """A rule that reads each row's own list runs block by block on the
    workers (nothing gathered); another reads lists of gathered rows."""
    if sampler._row_rule(census.labels) is not None:
        return per_row_selection(sampler, census, X)
    return whole_set_selection(sampler, census, X)


_SELECTIONS = {DRAW: draw_selection, WHOLE_SET: _whole_set}
# Whether the selection reads X as numbers (an object array comes back float64).
_NUMERIC = {DRAW: False, WHOLE_SET: True}

RUNS_ON_DASK = "RandomUnderSampler, TomekLinks and EditedNearestNeighbours"


def refuse_dask(sampler):
    """Raise the ``TypeError`` of a sampler that declares no Dask selection."""
    if sampler._dask_selection is None:
        raise TypeError(
            f"{type(sampler).__name__} does not run on Dask collections: "
            f"{sampler._dask_refusal}. Compute the data into memory first (or a "
            "sample of it: X.compute(), y.compute()) and pass NumPy arrays or "
            f"pandas objects; on Dask input use {RUNS_ON_DASK}."
        )


def dask_fit(sampler, X, y):
    """``sampler.fit(X, y)`` of Dask input: ``sampling_strategy_`` from the
    per-block label counts, without reading ``X``.

    Parameters are validated by the caller. Returns ``sampler``.
    """
    import_dask("X or y")
    refuse_dask(sampler)
    count_blocks(sampler, X, y)
    return sampler


def dask_fit_resample(sampler, X, y):
    """``sampler.fit_resample(X, y)`` of Dask input (see the package docstring).

    Parameters are validated by the caller. Sets ``sample_indices_`` (a lazy
    Dask array) and returns the resampled ``X`` and ``y`` as lazy Dask
    collections of the input's kinds.
    """
    import_dask("X or y")
    refuse_dask(sampler)
    check_dask_support(sampler)
    census = count_blocks(sampler, X, y)
    selection = _SELECTIONS[sampler._dask_selection](sampler, census, X)
    X_res, y_res, sampler.sample_indices_ = output(
        X, y, census, selection, numeric=_NUMERIC[sampler._dask_selection]
    )
    return X_res, y_res
