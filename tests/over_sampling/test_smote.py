"""SMOTE (and what all samplers share): counts, geometry, provenance, errors."""

import functools
import re

import numpy as np
import pandas as pd
import pytest
from imblearn import over_sampling as imb
from scipy import sparse
from sklearn.datasets import make_classification

from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, GaussianOverSampler
from tests.naive import kneighbors_naive, smote_row_naive


def _data(n_classes=2, weights=(0.8,), n=300, seed=0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )


STRATEGIES = [
    ("binary auto", 2, (0.8,), "auto"),
    ("binary float", 2, (0.8,), 0.5),
    ("binary dict", 2, (0.8,), {1: 150}),
    ("multiclass auto", 3, (0.6, 0.3), "auto"),
    ("multiclass all", 3, (0.6, 0.3), "all"),
    ("multiclass minority", 3, (0.6, 0.3), "minority"),
    ("multiclass dict", 3, (0.6, 0.3), {1: 120, 2: 100}),
    ("multiclass callable", 3, (0.6, 0.3), lambda y: {2: int((y == 2).sum()) * 2}),
]
PAIRS = [
    (SMOTE, imb.SMOTE, {}),
    (BorderlineSMOTE, imb.BorderlineSMOTE, {}),
    (BorderlineSMOTE, imb.BorderlineSMOTE, {"kind": "borderline-2"}),
    (ADASYN, imb.ADASYN, {}),
    (GaussianOverSampler, imb.RandomOverSampler, {}),
]


@pytest.mark.parametrize("case", STRATEGIES, ids=[s[0] for s in STRATEGIES])
@pytest.mark.parametrize(
    "ours, peer, params", PAIRS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_samplers_counts_equal_imblearn(case, ours, peer, params):
    """Check that class counts equal imbalanced-learn's for every sampling_strategy."""
    _, n_classes, weights, strategy = case
    X, y = _data(n_classes, weights)
    _, y_ours = ours(sampling_strategy=strategy, random_state=0, **params).fit_resample(
        X, y
    )
    _, y_peer = peer(sampling_strategy=strategy, random_state=0, **params).fit_resample(
        X, y
    )
    np.testing.assert_array_equal(np.bincount(y_ours), np.bincount(y_peer))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_smote_rows_on_segments_to_nearest_neighbours(k):
    """Check that every synthetic row is parent + gap * (neighbour - parent), with
    the neighbour among the parent's k nearest same-class rows (naive search)."""
    X, y = _data(3, (0.6, 0.3))
    sampler = SMOTE(k_neighbors=k, random_state=1)
    X_res, y_res = sampler.fit_resample(X, y)
    n = len(X)
    np.testing.assert_array_equal(X_res[:n], X)
    np.testing.assert_array_equal(sampler.sample_indices_[:n], np.arange(n))
    assert (sampler.sample_indices_[n:] == -1).all()
    assert ((sampler.gaps_ >= 0) & (sampler.gaps_ < 1)).all()
    for label in (1, 2):
        rows = np.flatnonzero(y == label)
        nn = rows[kneighbors_naive(X[rows], X[rows], k, np.arange(len(rows)))]
        allowed = {r: set(nb) for r, nb in zip(rows, nn, strict=True)}
        syn = np.flatnonzero(y_res[n:] == label)
        for t in syn:
            p, q, g = sampler.parents_[t], sampler.neighbors_[t], sampler.gaps_[t]
            assert y[p] == label and q in allowed[p]
            np.testing.assert_allclose(
                X_res[n + t], smote_row_naive(X[p], X[q], g), rtol=1e-12
            )


def test_smote_seed_repeats_and_float32_kept():
    """Check that a seed repeats the output and float32 input stays float32."""
    X, y = _data()
    a, _ = SMOTE(random_state=3).fit_resample(X, y)
    b, _ = SMOTE(random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)
    X32, _ = SMOTE(random_state=3).fit_resample(X.astype(np.float32), y)
    assert X32.dtype == np.float32
    np.testing.assert_allclose(X32, a, rtol=1e-5, atol=1e-5)


SPARSE_SAMPLERS = [
    (SMOTE, {}),
    (BorderlineSMOTE, {}),
    (BorderlineSMOTE, {"kind": "borderline-2"}),
    (ADASYN, {}),
]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize(
    "cls, params", SPARSE_SAMPLERS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_samplers_sparse_equal_dense(cls, params, fmt):
    """Check that sparse input gives CSR output with the dense run's provenance
    (same parents, neighbours and gaps: the same neighbour sets) and values."""
    X, y = _data(3, (0.6, 0.3))
    X[np.abs(X) < 0.5] = 0.0
    dense = cls(random_state=0, **params)
    X_dense, y_dense = dense.fit_resample(X, y)
    sampler = cls(random_state=0, **params)
    X_out, y_out = sampler.fit_resample(sparse.csr_matrix(X).asformat(fmt), y)
    assert sparse.issparse(X_out) and X_out.format == "csr"
    np.testing.assert_array_equal(y_out, y_dense)
    for name in ("parents_", "neighbors_", "gaps_"):
        np.testing.assert_array_equal(getattr(sampler, name), getattr(dense, name))
    np.testing.assert_allclose(X_out.toarray(), X_dense, rtol=1e-12, atol=1e-12)


def test_gaussian_refuses_sparse_with_typeerror():
    """Check that the dense-only sampler refuses scipy sparse input clearly."""
    X, y = _data()
    with pytest.raises(
        TypeError,
        match="GaussianOverSampler does not accept sparse X; got a csr_matrix",
    ):
        GaussianOverSampler().fit_resample(sparse.csr_matrix(X), y)


def test_smote_pandas_in_pandas_out():
    """Check that a DataFrame and Series come back as such, with the same columns."""
    X, y = _data()
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    X_res, y_res = SMOTE(random_state=0).fit_resample(X_df, pd.Series(y, name="t"))
    assert list(X_res.columns) == list(X_df.columns) and y_res.name == "t"


def _too_small():
    X, y = _data()
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]])
    return X[keep], y[keep]


ERRORS = [
    (
        SMOTE(),
        _too_small,
        ValueError,
        "k_neighbors=5 needs at least 6 samples in class 1, which has 4. "
        "Lower k_neighbors",
    ),
    (
        BorderlineSMOTE(),
        _too_small,
        ValueError,
        "k_neighbors=5 needs at least 6 samples in class 1, which has 4",
    ),
    (
        ADASYN(),
        _too_small,
        ValueError,
        "n_neighbors=5 needs at least 6 samples in class 1, which has 4",
    ),
    (
        GaussianOverSampler(),
        lambda: (np.arange(12.0).reshape(6, 2), np.array([0] * 5 + [1])),
        ValueError,
        "covariance='class' needs at least 2 samples in class 1, which has 1",
    ),
    (
        SMOTE(),
        lambda: (np.where(np.eye(20, 3) > 0, np.nan, 1.0), np.r_[[0] * 12, [1] * 8]),
        ValueError,
        "Input X contains NaN",
    ),
    (
        SMOTE(),
        lambda: (np.where(np.eye(20, 3) > 0, np.inf, 1.0), np.r_[[0] * 12, [1] * 8]),
        ValueError,
        "Input X contains infinity",
    ),
    (
        SMOTE(),
        lambda: (np.ones((10, 2)), np.zeros(10)),
        ValueError,
        "needs to have more than 1 class",
    ),
    (SMOTE(), lambda: (np.ones((0, 2)), np.zeros(0)), ValueError, "0 sample"),
    (
        SMOTE(),
        lambda: (np.ones((10, 2)), np.zeros(9)),
        ValueError,
        "inconsistent numbers of samples",
    ),
    (
        SMOTE(k_neighbors=0),
        _data,
        ValueError,
        "The 'k_neighbors' parameter of SMOTE must be",
    ),
    (BorderlineSMOTE(kind="borderline-3"), _data, ValueError, "The 'kind' parameter"),
]


@pytest.mark.parametrize("sampler, data, error, message", ERRORS)
def test_samplers_bad_input_errors(sampler, data, error, message):
    """Check that bad input gets a clear error (no numba traceback)."""
    X, y = data()
    with pytest.raises(error, match=re.escape(message)):
        sampler.fit_resample(X, y)


def test_smote_neighbours_estimator_and_bad_n_neighbors():
    """Check that a neighbours estimator gives the same rows as the int, and that
    an estimator with n_neighbors < 2 is refused."""
    from sklearn.neighbors import NearestNeighbors

    X, y = _data()
    a, _ = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    b, _ = SMOTE(
        k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0
    ).fit_resample(X, y)
    np.testing.assert_allclose(a, b)
    with pytest.raises(ValueError, match="integer n_neighbors >= 2.*got n_neighbors=1"):
        SMOTE(k_neighbors=NearestNeighbors(n_neighbors=1)).fit_resample(X, y)


def _hostile(name):
    """Data on which a float32 screen (or norms) cannot separate neighbours."""
    X, y = make_classification(
        n_samples=300,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.85],
        class_sep=0.5,
        random_state=0,
    )
    rng = np.random.default_rng(0)
    if name == "identifier column":  # 1e9 to 1e10, shared by ~30 rows each
        return np.c_[rng.integers(1, 11, len(X)) * 1e9, X], y
    X[7] = 1e9  # one far row
    return X, y


@functools.cache
def _hostile_references(name):
    """Hostile data, its minority rows, their exact 5 nearest minority rows, and
    the other-class counts among their exact 10 and 5 nearest rows (rational
    distances: seconds per data set), computed once for both paths."""
    from tests.naive import count_other_naive, kneighbors_exact_naive

    X, y = _hostile(name)
    rows = np.flatnonzero(y == 1)
    within = rows[kneighbors_exact_naive(X[rows], X[rows], 5, np.arange(len(rows)))]
    other_10 = count_other_naive(kneighbors_exact_naive(X[rows], X, 10, rows), y, 1)
    other_5 = count_other_naive(kneighbors_exact_naive(X[rows], X, 5, rows), y, 1)
    return X, y, rows, within, other_10, other_5


@pytest.mark.parametrize("path", ["numpy", "kernels"])
@pytest.mark.parametrize("name", ["identifier column", "one row at 1e9"])
def test_samplers_exact_neighbours_on_hostile_data(monkeypatch, name, path):
    """Check, on an identifier-like column next to unit features and on one
    far row (a float32 screen cannot separate these rows' neighbours, and
    distances through norms cancel), that SMOTE interpolates toward one of
    the parent's exact k nearest rows, that BorderlineSMOTE's danger sets and
    ADASYN's density ratios follow the exact neighbours, and that the class
    counts equal imbalanced-learn's."""
    import skclassgap.over_sampling._neighbors._search as search_mod

    monkeypatch.setattr(search_mod, "_SMALL_WORK", 10**15 if path == "numpy" else 0)
    X, y, rows, within, other_10, other_5 = _hostile_references(name)
    allowed = dict(zip(rows, map(set, within), strict=True))
    smote = SMOTE(random_state=0)
    smote.fit_resample(X, y)
    assert all(
        q in allowed[p] for p, q in zip(smote.parents_, smote.neighbors_, strict=True)
    )
    border = BorderlineSMOTE(random_state=0)
    _, y_border = border.fit_resample(X, y)
    danger = rows[(2 * other_10 >= 10) & (other_10 < 10)]
    np.testing.assert_array_equal(border.danger_indices_[1], danger)
    other = other_5
    adasyn = ADASYN(random_state=0)
    _, y_adasyn = adasyn.fit_resample(X, y)
    np.testing.assert_allclose(adasyn.density_ratios_[1], other / other.sum())
    for ours_y, peer in ((y_border, imb.BorderlineSMOTE), (y_adasyn, imb.ADASYN)):
        _, peer_y = peer(random_state=0).fit_resample(X, y)
        np.testing.assert_array_equal(np.bincount(ours_y), np.bincount(peer_y))
