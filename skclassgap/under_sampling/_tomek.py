"""Tomek links: remove rows whose nearest neighbour is a row of another class
that has them as its own nearest neighbour."""

import numbers

import numpy as np
from imblearn.under_sampling.base import BaseCleaningSampler

from skclassgap.under_sampling._base import _WholeSetCleaner
from skclassgap.under_sampling._lists import targeted_mask


def tomek_links(nearest, y_codes, targeted):
    """Rows that are in a Tomek link and belong to a targeted class.

    Parameters
    ----------
    nearest : int64 ndarray of shape (n_samples,)
        The nearest other row of every row.
    y_codes : int64 ndarray of shape (n_samples,)
        Class code of every row.
    targeted : bool ndarray of shape (n_classes,)
        Classes whose linked rows are removed.

    Returns
    -------
    links : bool ndarray of shape (n_samples,)
        True for a row ``i`` of a targeted class whose nearest row ``j`` is
        of another class and has ``i`` as its own nearest row.
    """
    rows = np.arange(len(nearest))
    return (
        (nearest[nearest] == rows) & (y_codes[nearest] != y_codes) & targeted[y_codes]
    )


class TomekLinks(_WholeSetCleaner, BaseCleaningSampler):
    """Under-sample by removing the rows of Tomek links.

    Two rows of different classes form a Tomek link when each is the other's
    nearest neighbour (Tomek, 1976): one of them is noise, or both lie on the
    class border. The rows of the classes named by ``sampling_strategy`` that
    are in a link are removed; the other rows are kept, in input order.

    The nearest neighbour of every row is found by the exact engine of
    :mod:`skclassgap.over_sampling` (Euclidean distances in exact
    arithmetic, equal distances to the lower row index, any finite input),
    the row itself excluded by its index. ``sample_indices_`` equals
    imbalanced-learn's :class:`~imblearn.under_sampling.TomekLinks` wherever
    the nearest neighbours are unambiguous. Where a row has an exact
    duplicate, imbalanced-learn drops the first column of scikit-learn's
    neighbour list, which may be the duplicate rather than the row itself (the
    order of equal distances is scikit-learn's internal one); duplicates of
    the same class give the same result either way, duplicates with different
    labels are ranked here by row index.

    A Dask array or DataFrame is accepted: the rows of every class but the
    largest are gathered into this process (within the Dask setting
    ``"skclassgap.gather-budget"``, 2 GiB by default; a ``MemoryError`` past
    it), their nearest rows are found block by block with the same exact
    search, and at most one partner row per gathered row comes along; the
    largest class is never gathered. The output and ``sample_indices_`` are
    lazy and equal the in-memory ones.

    Parameters
    ----------
    sampling_strategy : str, list or callable, default="auto"
        Classes whose linked rows are removed, with imbalanced-learn's
        cleaning semantics: ``"majority"``, ``"not minority"``, ``"not
        majority"``, ``"all"``, ``"auto"`` (= ``"not minority"``) or a list
        of classes.
    n_jobs : int, default=None
        Threads of the neighbour search. Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned (as keys).
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Rows of ``X`` kept, ascending.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : Remove rows whose neighbours disagree with them.
    skclassgap.combine.SMOTETomek : SMOTE, then Tomek links.

    References
    ----------
    .. [1] I. Tomek, "Two modifications of CNN", IEEE Transactions on Systems,
       Man, and Cybernetics 6(11), 769-772, 1976.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skclassgap.under_sampling import TomekLinks
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05,
    ...                            random_state=0)
    >>> np.bincount(y)
    array([877, 123])
    >>> X_res, y_res = TomekLinks().fit_resample(X, y)
    >>> np.bincount(y_res)
    array([864, 123])
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_jobs = n_jobs

    @staticmethod
    def is_tomek(y, nn_index, class_type):
        """Mark the rows of Tomek links, as imbalanced-learn's method does.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Class labels.
        nn_index : ndarray of shape (n_samples,)
            The nearest other row of every row.
        class_type : container
            The classes whose linked rows are marked.

        Returns
        -------
        is_tomek : ndarray of shape (n_samples,)
            True for the rows of those classes that are in a Tomek link.
        """
        labels, codes = np.unique(y, return_inverse=True)
        targeted = np.array([label in class_type for label in labels.tolist()])
        nearest = np.asarray(nn_index, dtype=np.int64)
        return tomek_links(nearest, codes.astype(np.int64).ravel(), targeted)

    def _neighbor_search(self):
        return 1, None

    def _queried_classes(self, labels, counts):
        # Every link holds a row of two classes, so at least one row outside
        # the largest class: the lists of the other classes find every link.
        queried = np.ones(len(labels), dtype=bool)
        queried[np.argmax(counts)] = False
        return queried

    def _follow_up(self, lists):
        # The nearest rows of another class whose own nearest row is not
        # known yet: the partners of possible links.
        differ = lists.nbr_codes[:, 0] != lists.codes
        partners = np.unique(lists.nbrs[differ, 0])
        return partners[lists.position(partners) < 0]

    def _removed(self, labels, lists):
        nearest = lists.nbrs[:, 0]
        at = lists.position(nearest)
        mutual = (at >= 0) & (lists.nbrs[np.maximum(at, 0), 0] == lists.rows)
        cleaned = targeted_mask(labels, self.sampling_strategy_)[lists.codes]
        links = mutual & (lists.nbr_codes[:, 0] != lists.codes) & cleaned
        return lists.rows[links]
