"""The fold-level preprocessing of the audit: preparation, then encoding.

Two steps, so that a sampler can sit between them. Preparation keeps a table
(pandas, one column per numeric feature, categories as categories): numeric
columns median-imputed and standardised, datetime columns turned into
calendar features (imputed, standardised), categorical columns imputed with
their most frequent value. A sampler then measures distances on scaled
numbers and builds synthetic rows only from category values the columns
have. Encoding comes after, with the model: one-hot for categorical columns,
string-similarity components for high-cardinality ones; numbers pass through.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
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


def _to_string(frame):
    return frame.astype(str)


def make_encoder(kinds):
    """A ColumnTransformer from the prepared table to model features."""
    from skrub import ApplyToCols, StringEncoder

    branches = [
        (
            "one_hot",
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            _columns(kinds, CATEGORICAL),
        ),
        (
            "string_similarity",
            make_pipeline(
                FunctionTransformer(_to_string),
                ApplyToCols(
                    StringEncoder(n_components=STRING_COMPONENTS, random_state=0)
                ),
                StandardScaler(),
            ),
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
    f"{STRING_COMPONENTS} string-similarity components (TF-IDF of character "
    "n-grams, truncated SVD) -> standard scaling",
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
