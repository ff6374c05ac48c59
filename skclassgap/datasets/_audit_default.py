"""The embedded data sets of ``skclassgap audit``, by name.

``abalone19`` (the default: a real table with one very rare class) and
``digits`` (scikit-learn's digits with four classes made rare: multiclass,
64 pixel features, close to an embedding).
"""

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.utils import Bunch

from skclassgap._compat import StrOptions, validate_params
from skclassgap.datasets._abalone import load_abalone19

# class -> number of rows kept (the first rows of the class in scikit-learn's
# file order). Every other class keeps all of its ~180 rows.
RARE_CLASS_ROWS = {1: 18, 5: 18, 8: 36, 9: 36}

_DESCR = """\
digits (audit example): scikit-learn's handwritten digits, four classes made rare
=================================================================================

Source: scikit-learn's bundled ``load_digits`` (1,797 8x8 images, 64 pixel
features with values 0-16, 10 balanced classes; UCI ML hand-written digits).

Subsampling (fixed, no randomness): classes 1 and 5 keep their first 18 rows,
classes 8 and 9 their first 36 rows, in the file's order; classes 0, 2, 3, 4,
6 and 7 keep all rows. The result has 1,187 rows, imbalance ratio about 10,
and shows both sample imbalance (the rare classes) and gaps on balanced
classes (8 and 3 are confused more than 0 and 6 even at equal counts).
"""


def _load_rare_digits(as_frame):
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
        categorical_features=[],
        rare_classes=sorted(RARE_CLASS_ROWS),
        DESCR=_DESCR,
    )


# name -> loader(as_frame) -> Bunch; the first is the default.
AUDIT_DATASETS = {
    "abalone19": lambda as_frame: load_abalone19(as_frame=as_frame),
    "digits": _load_rare_digits,
}


@validate_params(
    {
        "name": [StrOptions(set(AUDIT_DATASETS))],
        "as_frame": ["boolean"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_audit_default(name="abalone19", *, as_frame=True, return_X_y=False):
    """Load an embedded data set of ``skclassgap audit`` by name.

    ``skclassgap audit`` without a file runs on ``"abalone19"``;
    ``skclassgap audit --example NAME`` picks another. No network is used.

    - ``"abalone19"`` (default): :func:`load_abalone19`, UCI's abalone with
      "19 rings" as the rare class: 4,174 rows, 7 numeric features and the
      categorical ``Sex``, 32 rows of the rare class (imbalance ratio 129).
      Data: UCI Machine Learning Repository, CC BY 4.0.
    - ``"digits"``: scikit-learn's digits (64 pixel features, 10 classes) with
      classes 1 and 5 cut to their first 18 rows and classes 8 and 9 to their
      first 36 rows (1,187 rows), so that rare classes and balanced-data gaps
      both show. Features ``pixel_0_0`` ... ``pixel_7_7``, target ``"digit"``.

    Parameters
    ----------
    name : {"abalone19", "digits"}, default="abalone19"
        Which data set.
    as_frame : bool, default=True
        Return the features as a pandas DataFrame and the target as a Series;
        else NumPy arrays (see :func:`load_abalone19` for its categorical
        column).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``frame`` (features and target together, or
        None), ``feature_names``, ``target_names``, ``categorical_features``,
        ``rare_classes`` and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    See Also
    --------
    load_abalone19 : The default data set.
    sklearn.datasets.load_digits : The full, balanced digits.

    Examples
    --------
    >>> from skclassgap.datasets import load_audit_default
    >>> data = load_audit_default()
    >>> data.data.shape, data.rare_classes
    ((4174, 8), ['19'])
    >>> X, y = load_audit_default("digits", return_X_y=True)
    >>> X.shape
    (1187, 64)
    >>> y.value_counts().sort_index().tolist()
    [178, 18, 177, 183, 181, 18, 181, 179, 36, 36]
    """
    data = AUDIT_DATASETS[name](as_frame)
    if return_X_y:
        return data.data, data.target
    return data
