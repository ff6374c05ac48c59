"""The embedded default data set of ``skclassgap audit``: digits with rare classes."""

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

# class -> number of rows kept (the first rows of the class in scikit-learn's
# file order). Every other class keeps all of its ~180 rows.
RARE_CLASS_ROWS = {1: 18, 5: 18, 8: 36, 9: 36}

_DESCR = """\
Audit default: scikit-learn's handwritten digits with four classes made rare
=========================================================================

Source: scikit-learn's bundled ``load_digits`` (1,797 8x8 images, 64 pixel
features with values 0-16, 10 balanced classes; UCI ML hand-written digits).

Subsampling (fixed, no randomness): classes 1 and 5 keep their first 18 rows,
classes 8 and 9 their first 36 rows, in the file's order; classes 0, 2, 3, 4,
6 and 7 keep all rows. The result has 1,187 rows, imbalance ratio about 10,
and shows both sample imbalance (the rare classes) and gaps on balanced
classes (8 and 3 are confused more than 0 and 6 even at equal counts).
"""


@validate_params({"as_frame": ["boolean"]}, prefer_skip_nested_validation=True)
def load_audit_default(*, as_frame=True):
    """Load the embedded default data set of ``skclassgap audit``.

    scikit-learn's digits (64 pixel features, 10 classes) with classes 1 and 5
    cut to their first 18 rows and classes 8 and 9 to their first 36 rows, so
    that rare classes and balanced-data gaps both show. No network is used.

    Parameters
    ----------
    as_frame : bool, default=True
        Return the features as a pandas DataFrame (columns ``pixel_0_0`` …
        ``pixel_7_7``) and the target as a Series named ``"digit"``; else
        NumPy arrays.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (1187, 64), ``target`` (1187,), ``frame`` (features and
        target together, or None), ``feature_names``, ``target_names``,
        ``rare_classes`` and ``DESCR``.

    See Also
    --------
    sklearn.datasets.load_digits : The full, balanced data set.

    Examples
    --------
    >>> from skclassgap.datasets import load_audit_default
    >>> data = load_audit_default()
    >>> data.data.shape
    (1187, 64)
    >>> data.target.value_counts().sort_index().tolist()
    [178, 18, 177, 183, 181, 18, 181, 179, 36, 36]
    """
    digits = load_digits(as_frame=True)
    X, y = digits.data, digits.target.rename("digit")
    keep = np.ones(len(y), dtype=bool)
    for label, n_rows in RARE_CLASS_ROWS.items():
        rows = np.flatnonzero(y.to_numpy() == label)
        keep[rows[n_rows:]] = False
    X = X.loc[keep].reset_index(drop=True)
    y = y.loc[keep].reset_index(drop=True)
    frame = pd.concat([X, y], axis=1) if as_frame else None
    if not as_frame:
        X, y = X.to_numpy(), y.to_numpy()
    return Bunch(
        data=X,
        target=y,
        frame=frame,
        feature_names=list(digits.feature_names),
        target_names=np.arange(10),
        rare_classes=sorted(RARE_CLASS_ROWS),
        DESCR=_DESCR,
    )
