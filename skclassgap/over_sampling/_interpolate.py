"""The interpolation of synthetic rows, below the samplers and their Dask driver."""

import numpy as np

# Synthetic rows interpolated per NumPy pass (bounds the temporaries).
_INTERPOLATE_CHUNK = 2**15


def interpolate(X, parents, neighbors, gaps, out):
    """``out[t] = X[p] + gap * (X[nb] - X[p])`` for every synthetic row, in place.

    Arithmetic in float64 (stored in ``out``'s dtype), in chunks of
    ``_INTERPOLATE_CHUNK`` rows so that temporaries stay small.
    """
    for t0 in range(0, len(parents), _INTERPOLATE_CHUNK):
        t1 = t0 + _INTERPOLATE_CHUNK
        a = X[parents[t0:t1]].astype(np.float64, copy=False)
        b = X[neighbors[t0:t1]].astype(np.float64, copy=False)
        out[t0:t1] = a + gaps[t0:t1, None] * (b - a)
