"""The template of the samplers that take mixed tables (categorical columns)."""

import numpy as np
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.validation import validate_data

from skclassgap.over_sampling._base import _BaseSyntheticSampler
from skclassgap.over_sampling._interpolate import interpolate
from skclassgap.over_sampling._table import Table, assemble, check_table, encode


class _MixedSyntheticSampler(_BaseSyntheticSampler):
    """Template of the samplers that take mixed tables (categorical columns).

    ``_check_X_y`` validates the table without encoding it (``fit`` stops
    there) and ``_fit_resample`` encodes it, then runs the usual per-class loop
    with a :class:`~skclassgap.over_sampling._table.Table` as ``X``;
    ``_generate`` returns the synthetic rows' continuous provenance (or
    values) and their categorical ``codes``. A numeric array without
    categorical column takes the plain path of the other samplers (validated
    and returned as a float array).
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
            self.continuous_features_ = np.arange(X.shape[1], dtype=np.int64)
            return X, y, binarize_y
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        validate_data(self, X=table.source, y=y, reset=True, skip_check_array=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(table.source, y)
        self.categorical_features_ = table.categorical
        self.continuous_features_ = table.continuous
        return table, y, binarize_y

    def _fit_resample(self, X, y):
        if isinstance(X, Table):
            X = encode(X, type(self).__name__)
        return super()._fit_resample(X, y)

    def _assemble(self, X, parts):
        if not isinstance(X, Table):
            return super()._assemble(X, parts)
        n_new = sum(len(p.parents) for p in parts)
        new_values = np.empty((n_new, X.values.shape[1]), dtype=X.values.dtype)
        new_codes = np.empty((n_new, X.codes.shape[1]), dtype=np.int32)
        start = 0
        for part in parts:
            stop = start + len(part.parents)
            if part.values is not None:
                new_values[start:stop] = part.values
            elif X.values.shape[1]:
                interpolate(
                    X.values,
                    part.parents,
                    part.neighbors,
                    part.gaps,
                    new_values[start:stop],
                )
            if X.codes.shape[1]:
                new_codes[start:stop] = part.codes
            start = stop
        return assemble(X, new_values, new_codes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags
