"""Input checks shared by metrics and estimators, in scikit-learn's voice."""

import numbers

import numpy as np


def check_sample_weight(
    sample_weight, n_samples, *, name="sample_weight", allow_all_zero=False
):
    """Return ``sample_weight`` as a contiguous float64 array, or None.

    Rejects wrong length, wrong dimension, non-numeric values, NaN/inf and
    negative weights with a message naming the argument and what was received;
    also all-zero weights unless ``allow_all_zero`` (one block of many may
    weigh nothing; the caller then checks the total).
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        return np.full(n_samples, float(sample_weight))
    sw = np.asarray(sample_weight)
    if sw.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric; got an array of dtype {sw.dtype}.")
    if sw.ndim != 1:
        raise ValueError(
            f"{name} must be 1-dimensional; got an array of shape {sw.shape}."
        )
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {sw.shape[0]} values but there are {n_samples} samples; "
            "pass one weight per sample."
        )
    sw = np.ascontiguousarray(sw, dtype=np.float64)
    if not np.isfinite(sw).all():
        raise ValueError(f"{name} contains NaN or infinity; weights must be finite.")
    if (sw < 0).any():
        raise ValueError(
            f"{name} contains negative values (min {sw.min().item()!r}); weights "
            "must be >= 0."
        )
    if n_samples and not allow_all_zero and not sw.any():
        raise_all_zero(name)
    return sw


def raise_all_zero(name="sample_weight"):
    """The error of weights that are zero everywhere."""
    raise ValueError(
        f"{name} is zero everywhere; at least one weight must be positive."
    )
