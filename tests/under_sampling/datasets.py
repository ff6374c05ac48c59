"""Data sets of the under-sampling tests: generated (two and three classes,
label noise, duplicated rows), scikit-learn's bundled sets, hostile spreads."""

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)


def generated(n_classes, duplicated=False, seed=1):
    """600 rows, 6 features, 10 % label noise; ``duplicated`` appends copies of
    the first 80 rows (same labels)."""
    weights = [0.8] if n_classes == 2 else [0.2, 0.3]
    X, y = make_classification(
        n_samples=600,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        flip_y=0.1,
        random_state=seed,
    )
    if duplicated:
        X, y = np.vstack([X, X[:80]]), np.r_[y, y[:80]]
    return X, y


REAL = {
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "digits": load_digits,
    "iris": load_iris,
}


def dataset(name):
    """``(X, y)`` of a named set: gen2, gen3, dup2, dup3 or a real set."""
    if name in REAL:
        return REAL[name](return_X_y=True)
    return generated(int(name[-1]), duplicated=name.startswith("dup"))


GENERATED = ["gen2", "gen3", "dup2", "dup3"]
ALL = GENERATED + list(REAL)


def hostile(name, n=160):
    """Data on which a float32 screen (or distances through norms) cannot
    separate neighbours: an identifier-like column (1e9 to 1e10, shared by
    many rows) next to unit features, one far row, rows at +-1e300 (squared
    distances overflow float64), and duplicated rows with conflicting
    labels."""
    X, y = make_classification(
        n_samples=n,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.75],
        class_sep=0.5,
        random_state=0,
    )
    rng = np.random.default_rng(0)
    if name == "identifier column":
        return np.c_[rng.integers(1, 11, len(X)) * 1e9, X], y
    if name == "one row at 1e9":
        X[7] = 1e9
        return X, y
    if name == "huge spread":  # squared distances overflow float64
        X[7], X[11] = 1e300, -1e300
        return X, y
    # Duplicates with the other label: ties at distance zero across classes.
    X = np.vstack([X, X[:20]])
    return X, np.r_[y, 1 - y[:20]]


HOSTILE = [
    "identifier column",
    "one row at 1e9",
    "huge spread",
    "conflicting duplicates",
]
