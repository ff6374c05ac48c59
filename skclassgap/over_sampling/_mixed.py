"""The template of the samplers that take mixed tables (categorical columns)."""

import numpy as np
from scipy import sparse

from skclassgap.over_sampling._base import _BaseSyntheticSampler
from skclassgap.over_sampling._table import Table, check_table, encode


class _MixedSyntheticSampler(_BaseSyntheticSampler):
    """Template of the samplers that take mixed tables (categorical columns).

    ``_check_X_y`` validates the table without encoding it (``fit`` stops
    there) and ``_fit_resample`` encodes it, then runs the usual per-class loop
    with a :class:`~skclassgap.over_sampling._table.Table` as ``X``;
    ``_generate`` returns the synthetic rows' continuous provenance (or
    values) and their categorical ``codes``. A numeric array without
    categorical column takes the plain path of the other samplers (a float
    array, or a table without categorical column for the other dtypes).
    """

    _parameter_constraints: dict = {
        **_BaseSyntheticSampler._parameter_constraints,
    }

    def _categorical_spec(self):
        """``categorical_features`` as :func:`~._table.resolve_categorical`
        takes it."""
        return self.categorical_features

    def _set_feature_kinds(self, categorical, continuous):
        self.categorical_features_ = categorical
        self.continuous_features_ = continuous

    def _check_X_y(self, X, y, accept_sparse=None):
        name = type(self).__name__
        if sparse.issparse(X):
            raise TypeError(
                f"{name} does not accept sparse X; got a {type(X).__name__}. "
                "Convert it with X.toarray()."
            )
        table = check_table(X, self._categorical_spec(), name)
        if table is None:
            X, y, binarize_y = super()._check_X_y(X, y)
            self.categorical_features_ = np.zeros(0, dtype=np.int64)
            self.continuous_features_ = np.arange(self.n_features_in_, dtype=np.int64)
            return X, y, binarize_y
        y, binarize_y = self._check_table_target(table, y)
        self.categorical_features_ = table.categorical
        self.continuous_features_ = table.continuous
        return table, y, binarize_y

    def _fit_resample(self, X, y):
        if isinstance(X, Table):
            X = encode(X, type(self).__name__)
        return super()._fit_resample(X, y)

    def _synthesis_input(self, X):
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags
