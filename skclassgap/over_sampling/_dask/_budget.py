"""Stage 2, budget: the classes to gather must fit the client's memory budget.

Before any row of ``X`` is read, the census counts of the classes to
oversample give the rows to gather and an estimate of their bytes; past the
budget (a Dask setting), a ``MemoryError`` names the largest class.
"""

import numbers

import numpy as np

from skclassgap.utils._dask import import_dask

BUDGET_KEY = "skclassgap.gather-budget"
DEFAULT_BUDGET = "2GiB"


def gather_budget():
    """Bytes the gathered classes may take in the client process.

    Read from Dask's configuration key ``"skclassgap.gather-budget"`` (a
    number of bytes or a string such as ``"2GiB"``; default ``"2GiB"``), so
    it can be changed for a block of code with
    ``dask.config.set({"skclassgap.gather-budget": "8GiB"})`` or for a
    process with the environment variable
    ``DASK_SKCLASSGAP__GATHER_BUDGET=8GiB``.
    """
    dask, _, _ = import_dask("X or y")
    from dask.utils import parse_bytes

    value = dask.config.get(BUDGET_KEY, DEFAULT_BUDGET)
    try:
        budget = parse_bytes(value) if isinstance(value, str) else value
    except ValueError:
        budget = None
    if (
        not isinstance(budget, numbers.Real)
        or isinstance(budget, bool)
        or not budget >= 0
    ):
        raise ValueError(
            f"The Dask configuration {BUDGET_KEY!r} must be a number of bytes or a "
            f"size such as '2GiB'; got {value!r}. Set it with "
            f"dask.config.set({{{BUDGET_KEY!r}: '2GiB'}})."
        )
    return int(budget)


def _format_bytes(n):
    from dask.utils import format_bytes

    return format_bytes(int(n))


def row_bytes(X, categorical):
    """Estimated bytes of one gathered row (8 per value, 4 for float32 data)."""
    _, _, dd = import_dask("X or y")
    if isinstance(X, dd.DataFrame):
        dtypes = list(X.dtypes)
        continuous = [t for j, t in enumerate(dtypes) if j not in set(categorical)]
        size = 4 if continuous and all(t == np.float32 for t in continuous) else 8
        return size * len(continuous) + 8 * len(categorical)
    return X.shape[1] * (4 if X.dtype == np.float32 else 8)


def check_budget(strategy, census, n_bytes):
    """Raise a ``MemoryError`` when the classes to oversample (``strategy``
    asks rows of them) take more than the budget, at ``n_bytes`` a row."""
    labels, counts = census.labels, census.counts
    wanted = [
        (label, int(counts[np.searchsorted(labels, label)]))
        for label, n_new in strategy.items()
        if n_new > 0
    ]
    check_gather_budget(
        wanted,
        n_bytes,
        "Over-sampling Dask input gathers the rows of the classes to oversample",
        "oversample fewer classes via sampling_strategy",
    )


def check_gather_budget(wanted, n_bytes, what, fix):
    """Raise a ``MemoryError`` when the rows of the classes to gather take more
    than the budget.

    Parameters
    ----------
    wanted : list of (label, int)
        The classes to gather and their rows.
    n_bytes : int
        Estimated bytes of one gathered row.
    what : str
        What gathers them, for the message ("X on Dask input gathers the
        rows of ...").
    fix : str
        Another way out than raising the budget, for the message.
    """
    budget = gather_budget()
    total_rows = sum(n for _, n in wanted)
    total = total_rows * n_bytes
    if total <= budget:
        return
    label, n = max(wanted, key=lambda item: item[1])
    label = label.item() if isinstance(label, np.generic) else label
    raise MemoryError(
        f"{what} into this process: {total_rows} rows, about {_format_bytes(total)}, "
        f"over the budget of {_format_bytes(budget)} (the largest, class {label!r}, "
        f"has {n} rows, about {_format_bytes(n * n_bytes)}). Raise the budget with "
        f"dask.config.set({{{BUDGET_KEY!r}: '{_format_bytes(2 * total)}'}}) (or the "
        f"environment variable DASK_SKCLASSGAP__GATHER_BUDGET), or {fix}."
    )
