"""Power-of-two scaling of the rows into the range the exact kernels require.

Multiplying every value by the same power of two multiplies every squared
distance by its square, so it changes no neighbour order. Data whose largest
magnitude already lies within ``[2**-100, 2**100]`` (almost all data) are
used as they are; others are scaled into ``[0.5, 1)`` (a float64 copy).
Scaling up is exact; scaling down can round values that become subnormal,
and the search then widens its distance intervals by what that rounding
can change (``lossy``) and compares close candidates on the original values
with Python's exact rationals.
"""

from typing import NamedTuple

import numpy as np
from scipy import sparse

_LOG2_RANGE = 100
# Largest change of a coordinate difference by a lossy scaling: each value
# moves by at most half the smallest subnormal.
LOSSY_STEP = 2.0**-1074


class Scaled(NamedTuple):
    """Scaled query and reference rows, and the ``lossy`` allowance (or 0.0)."""

    query: object
    reference: object
    lossy: float


def _max_abs(X):
    values = X.data if sparse.issparse(X) else X
    if values.size == 0:
        return 0.0
    return float(max(values.max(), -values.min()))


def _times_power_of_two(X, shift):
    """``X * 2**shift`` in float64, and whether a non-zero value lost bits."""
    values = X.data if sparse.issparse(X) else X
    scaled = np.ldexp(values.astype(np.float64), shift)
    lossy = shift < 0 and bool(
        np.any((np.abs(scaled) < np.finfo(np.float64).tiny) & (values != 0))
    )
    if sparse.issparse(X):
        X = X.copy()
        X.data = scaled
        return X, lossy
    return scaled, lossy


def scale_rows(query, reference):
    """Scale both sets of rows by one power of two (see module).

    ``query`` may be ``reference`` itself; it stays the same object.
    """
    same = query is reference
    top = _max_abs(reference) if same else max(_max_abs(query), _max_abs(reference))
    if top == 0.0 or 2.0**-_LOG2_RANGE <= top <= 2.0**_LOG2_RANGE:
        return Scaled(query, reference, 0.0)
    shift = -int(np.frexp(top)[1])
    reference, lossy = _times_power_of_two(reference, shift)
    if same:
        query = reference
    else:
        query, lossy_q = _times_power_of_two(query, shift)
        lossy = lossy or lossy_q
    return Scaled(query, reference, LOSSY_STEP if lossy else 0.0)
