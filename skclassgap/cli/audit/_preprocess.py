"""The fold-level preprocessing of the audit: preparation, then encoding.

Two steps, so that a sampler can sit between them. Preparation keeps a table
(pandas, one column per numeric feature, categories as categories): numeric
columns median-imputed and standardised, datetime columns turned into
calendar features (imputed, standardised), categorical columns imputed with
their most frequent value. A sampler then measures distances on scaled
numbers and builds synthetic rows only from category values the columns
have. Encoding comes after, with the model: one-hot for categorical columns,
string-similarity components for high-cardinality ones; numbers pass through.

Both steps depend on the training rows' *values*, never on the class: the
audit fits them once per fold and shares them among the strategies. The
encoder depends only on which values each column holds (one-hot categories,
the distinct strings of :class:`DistinctStringEncoder`), not on how often, so
an oversampler's rows (which hold the same values) get the same encoder.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from skclassgap.cli.audit._clean import CATEGORICAL, DATETIME, HIGH_CARDINALITY, NUMERIC

# Components of the string-similarity encoding of a high-cardinality column.
STRING_COMPONENTS = 30


class ModeImputer(TransformerMixin, BaseEstimator):
    """Fill each column's missing values with its most frequent value.

    Unlike ``SimpleImputer(strategy="most_frequent")`` the output keeps the
    input's pandas dtypes (a categorical column stays categorical). A column
    missing entirely in the fitted rows takes its first category.
    """

    def fit(self, X, y=None):
        """Learn each column's most frequent value."""
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.fill_ = {}
        for column in X.columns:
            counts = X[column].value_counts(sort=True)
            if len(counts):
                self.fill_[column] = counts.index[0]
            else:
                self.fill_[column] = X[column].cat.categories[0]
        return self

    def transform(self, X):
        """The columns with their missing values filled."""
        check_is_fitted(self)
        return X.fillna(self.fill_)

    def get_feature_names_out(self, input_features=None):
        """The input column names."""
        check_is_fitted(self)
        return self.feature_names_in_.copy()


class DistinctStringEncoder(TransformerMixin, BaseEstimator):
    """String-similarity components of each distinct value, looked up per row.

    For each column, skrub's ``StringEncoder`` (TF-IDF of character n-grams,
    truncated SVD) is fitted on the distinct values the column holds in the
    fitted rows, each once and in sorted order; the components of those
    values are standardised (mean 0, variance 1 over the values) and stored
    in a table. A row takes the components of its value; a value unseen in
    fit is encoded by the fitted ``StringEncoder`` (the point of string
    similarity) and standardised alike.

    Encoding the distinct values, not the rows, costs time in the number of
    values instead of rows (4,037 plane registrations, not 300,000 flights),
    and makes the encoding of a value independent of how often it occurs:
    rows that hold the same set of values (an oversampler's output) give the
    same fitted encoder.

    Parameters
    ----------
    n_components : int, default=30
        Components per column (fewer when a column has too few values or
        n-grams for them).
    random_state : int, default=0
        Seed of the truncated SVD.

    Attributes
    ----------
    feature_names_in_ : ndarray of str
        The fitted columns.
    encoders_ : dict
        Column -> fitted ``StringEncoder``.
    values_ : dict
        Column -> ``pandas.Index`` of the distinct values (strings) fitted.
    tables_ : dict
        Column -> standardised components of ``values_``, one row each.
    scaling_ : dict
        Column -> (mean, standard deviation) of the components over the values.
    """

    def __init__(self, n_components=STRING_COMPONENTS, random_state=0):
        self.n_components = n_components
        self.random_state = random_state

    @staticmethod
    def _factorize(column):
        """Codes of the rows and their distinct values as strings (missing: "")."""
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        strings = pd.Index(np.asarray(uniques).astype(str), dtype=object)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(strings), codes)
            strings = strings.append(pd.Index([""], dtype=object))
        return codes, strings

    def fit(self, X, y=None):
        """Fit one ``StringEncoder`` per column on its distinct values."""
        from skrub import StringEncoder

        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.encoders_, self.values_, self.tables_ = {}, {}, {}
        self.scaling_ = {}
        for name, column in zip(self.feature_names_in_, X.columns, strict=True):
            _, strings = self._factorize(X[column])
            values = pd.Index(np.sort(np.asarray(strings, dtype=object)), dtype=object)
            encoder = StringEncoder(
                n_components=self.n_components, random_state=self.random_state
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # too few values for n_components
                table = np.asarray(
                    encoder.fit_transform(pd.Series(values, name=name)),
                    dtype=np.float64,
                )
            mean, scale = table.mean(axis=0), table.std(axis=0)
            scale[scale == 0] = 1.0
            self.encoders_[name], self.values_[name] = encoder, values
            self.scaling_[name] = mean, scale
            self.tables_[name] = (table - mean) / scale
        return self

    def _encode_column(self, name, column, out):
        """Write the components of ``column``'s rows into ``out``."""
        codes, strings = self._factorize(column)
        positions = self.values_[name].get_indexer(strings)
        table = self.tables_[name]
        lookup = np.empty((len(strings), table.shape[1]), dtype=np.float64)
        seen = positions >= 0
        lookup[seen] = table[positions[seen]]
        if not seen.all():
            mean, scale = self.scaling_[name]
            unseen = pd.Series(strings[~seen], name=name, dtype=object)
            encoded = np.asarray(
                self.encoders_[name].transform(unseen), dtype=np.float64
            )
            lookup[~seen] = (encoded - mean) / scale
        # mode="clip" (every code is valid) writes into a strided ``out`` directly;
        # the default mode would go through a temporary copy
        np.take(lookup, codes, axis=0, out=out, mode="clip")

    def transform(self, X):
        """The components of each row's values, columns side by side."""
        check_is_fitted(self)
        widths = [self.tables_[name].shape[1] for name in self.feature_names_in_]
        out = np.empty((len(X), sum(widths)), dtype=np.float64)
        edges = np.cumsum([0, *widths])
        for i, (name, column) in enumerate(
            zip(self.feature_names_in_, X.columns, strict=True)
        ):
            self._encode_column(name, X[column], out[:, edges[i] : edges[i + 1]])
        return out

    def get_feature_names_out(self, input_features=None):
        """``<column>_<component>`` for every output column."""
        check_is_fitted(self)
        return np.asarray(
            [
                f"{name}_{i}"
                for name in self.feature_names_in_
                for i in range(self.tables_[name].shape[1])
            ],
            dtype=object,
        )


def _columns(kinds, *wanted):
    return [c for c, kind in kinds.items() if kind in wanted]


def make_preparation(kinds):
    """A ColumnTransformer with pandas output: the table a sampler may see."""
    from skrub import ApplyToCols, DatetimeEncoder

    def numbers():
        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler())

    branches = [
        ("numeric", numbers(), _columns(kinds, NUMERIC)),
        (
            "datetime",
            make_pipeline(ApplyToCols(DatetimeEncoder(add_weekday=True)), numbers()),
            _columns(kinds, DATETIME),
        ),
        ("categorical", ModeImputer(), _columns(kinds, CATEGORICAL, HIGH_CARDINALITY)),
    ]
    return ColumnTransformer(
        [branch for branch in branches if branch[2]],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")


def make_encoder(kinds):
    """A ColumnTransformer from the prepared table to model features."""
    branches = [
        (
            "one_hot",
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            _columns(kinds, CATEGORICAL),
        ),
        (
            "string_similarity",
            DistinctStringEncoder(n_components=STRING_COMPONENTS, random_state=0),
            _columns(kinds, HIGH_CARDINALITY),
        ),
    ]
    return ColumnTransformer(
        [branch for branch in branches if branch[2]],
        remainder="passthrough",
        sparse_threshold=0.0,
    )


STEPS_TEXT = {
    NUMERIC: "median imputation -> standard scaling",
    DATETIME: "calendar features -> median imputation -> standard scaling",
    CATEGORICAL: "most-frequent imputation -> one-hot (unknown categories ignored)",
    HIGH_CARDINALITY: "most-frequent imputation -> "
    f"{STRING_COMPONENTS} string-similarity components of each distinct value "
    "(TF-IDF of character n-grams, truncated SVD, standardised over the values)",
}


def fit_features(preparation, encoder, X):
    """Fit both steps on the whole table; the features as float64 and the
    prepared table (for the report)."""
    prepared = preparation.fit_transform(X)
    features = encoder.fit_transform(prepared)
    return np.asarray(features, dtype=np.float64), prepared


def datetime_features(preparation):
    """Datetime column -> the calendar features it became (fitted preparation)."""
    if "datetime" not in preparation.named_transformers_:
        return {}
    encoder = preparation.named_transformers_["datetime"][0]
    return {str(c): list(out) for c, out in encoder.input_to_outputs_.items()}
