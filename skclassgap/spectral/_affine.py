"""The affine map of :class:`~skclassgap.spectral.SpectralBalancer`, on one block.

Below both the balancer, which applies it to in-memory data, and
:mod:`skclassgap.spectral._dask`, which applies it block by block.
"""

import numpy as np
from sklearn.utils import check_array


def affine_map(X, W, before=None, after=None):
    """``(X - before) @ W + after`` in ``X``'s floating dtype (None: no shift)."""
    X = check_array(
        X, dtype=[np.float64, np.float32], ensure_min_samples=0, input_name="X"
    )
    if before is not None:
        X = X - before.astype(X.dtype)
    out = X @ W.astype(X.dtype)
    if after is not None:
        out += after.astype(X.dtype)
    return out
