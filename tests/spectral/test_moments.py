import numpy as np
import pytest
from sklearn.covariance import ledoit_wolf

from skclassgap._kernels.moments import _group_shift
from skclassgap.spectral import ClassMoments, class_spectra
from tests.naive import class_covariances_naive


def _data(n=600, d=6, k=4, seed=0, offset=50.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.arange(1, d + 1) + offset
    y = rng.integers(0, k, n)
    return X, y


@pytest.mark.kernel
def test_group_shift_matches_naive():
    """Check that the kernel groups rows stably by slot, shifts them and appends norms
    and ones."""
    X, y = _data(50, 3, 3)
    lookup = np.array([2, 0, 1])
    slots = lookup[y[10:40]]
    counts = np.bincount(slots, minlength=3)
    shifts = np.arange(9.0).reshape(3, 3)
    out = np.empty((30, 5))
    bounds = _group_shift(X, y, 0, lookup, 10, 40, counts, shifts, out)
    order = np.argsort(slots, kind="stable")
    expected = X[10:40][order] - shifts[slots[order]]
    np.testing.assert_array_equal(bounds, np.r_[0, np.cumsum(counts)])
    np.testing.assert_allclose(out[:, :3], expected)
    np.testing.assert_allclose(out[:, 3], (expected**2).sum(axis=1))
    np.testing.assert_array_equal(out[:, 4], 1.0)


@pytest.mark.parametrize("chunk_size", [None, 1, 7, 1000])
def test_class_moments_covariances_match_numpy(chunk_size):
    """Check that one chunked pass gives numpy's per-class means and covariances."""
    X, y = _data()
    moments = ClassMoments(chunk_size=chunk_size).partial_fit(X, y)
    classes, covs = class_covariances_naive(X, y)
    np.testing.assert_array_equal(moments.classes_, classes)
    np.testing.assert_array_equal(moments.counts_, np.bincount(y))
    np.testing.assert_allclose(
        moments.means(), [X[y == c].mean(0) for c in classes], rtol=1e-12
    )
    np.testing.assert_allclose(moments.covariances()[0], covs, rtol=1e-10, atol=1e-10)


def test_class_moments_merge_equals_one_pass():
    """Check that merging chunk moments (classes missing in some chunks) equals one
    pass."""
    X, y = _data()
    y = np.where(
        np.arange(len(y)) < 100, y % 2, y
    )  # classes 2, 3 absent from the first part
    whole = ClassMoments().partial_fit(X, y)
    parts = [
        ClassMoments().partial_fit(X[a:b], y[a:b])
        for a, b in [(0, 100), (100, 333), (333, 600)]
    ]
    merged = ClassMoments()
    for part in parts[::-1]:
        merged.merge(part)
    np.testing.assert_array_equal(merged.counts_, whole.counts_)
    for shrinkage in [None, "ledoit_wolf"]:
        np.testing.assert_allclose(
            merged.covariances(shrinkage)[0],
            whole.covariances(shrinkage)[0],
            rtol=1e-9,
            atol=1e-10,
        )
    np.testing.assert_allclose(merged.means(), whole.means(), rtol=1e-12)


def test_class_moments_partial_fit_equals_one_pass():
    """Check that successive partial_fit calls (new classes later, string labels) equal
    one pass."""
    X, y = _data()
    labels = np.array(["a", "b", "c", "d"])[y]
    labels[:200] = np.where(labels[:200] == "d", "a", labels[:200])
    moments = (
        ClassMoments()
        .partial_fit(X[:200], labels[:200])
        .partial_fit(X[200:], labels[200:])
    )
    whole = ClassMoments().partial_fit(X, labels)
    np.testing.assert_array_equal(moments.classes_, ["a", "b", "c", "d"])
    np.testing.assert_allclose(
        moments.covariances()[0], whole.covariances()[0], rtol=1e-9, atol=1e-10
    )


@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_class_moments_ledoit_wolf_matches_sklearn(offset):
    """Check that Ledoit-Wolf from moments equals sklearn's ledoit_wolf on each
    class."""
    X, y = _data(n=200, d=30, offset=offset)
    cov, coef = ClassMoments(chunk_size=33).partial_fit(X, y).covariances("ledoit_wolf")
    for c in range(4):
        expected, alpha = ledoit_wolf(X[y == c])
        assert coef[c] == pytest.approx(alpha, rel=1e-6)
        np.testing.assert_allclose(
            cov[c], expected, rtol=1e-7, atol=1e-7 * np.abs(expected).max()
        )


def test_class_moments_float32_close_to_float64():
    """Check that float32 input (float32 chunk products) stays close to the float64
    result."""
    X, y = _data(n=5000, d=20, offset=100.0)
    c64 = ClassMoments().partial_fit(X, y).covariances()[0]
    m32 = ClassMoments(chunk_size=512).partial_fit(X.astype(np.float32), y)
    assert m32.dtype_ == np.float32
    np.testing.assert_allclose(
        m32.covariances()[0], c64, rtol=2e-4, atol=2e-4 * np.abs(c64).max()
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: ClassMoments().partial_fit(
                np.array([[np.nan, 1.0], [1.0, 2.0]]), [0, 1]
            ),
            ValueError,
            "NaN or infinity",
        ),
        (
            lambda: ClassMoments().partial_fit(
                np.array([[np.inf, 1.0], [1.0, 2.0]]), [0, 0]
            ),
            ValueError,
            "NaN or infinity",
        ),
        (
            lambda: ClassMoments().partial_fit(
                np.array([[1e30], [-1e30]], dtype=np.float32), [0, 0]
            ),
            ValueError,
            "overflow float32",
        ),
        (
            lambda: ClassMoments().partial_fit(np.ones((3, 2)), [0, 1]),
            ValueError,
            "got 3 rows in X and 2 labels",
        ),
        (
            lambda: (
                ClassMoments()
                .partial_fit(np.ones((3, 2)), [0, 1, 0])
                .partial_fit(np.ones((3, 3)), [0, 1, 0])
            ),
            ValueError,
            "X has 3 features",
        ),
        (
            lambda: ClassMoments(chunk_size=0).partial_fit(np.ones((3, 2)), [0, 1, 0]),
            ValueError,
            "chunk_size must be a positive",
        ),
        (
            lambda: (
                ClassMoments().partial_fit(np.ones((3, 2)), [0, 1, 0]).covariances()
            ),
            ValueError,
            "class 1 has 1 sample",
        ),
        (
            lambda: (
                ClassMoments()
                .partial_fit(np.ones((4, 2)), [0, 1, 0, 1])
                .covariances(2.0)
            ),
            ValueError,
            "shrinkage must be None",
        ),
        (lambda: ClassMoments().covariances(), ValueError, "hold no data yet"),
        (lambda: ClassMoments().merge("a"), TypeError, "got str"),
        (
            lambda: (
                ClassMoments()
                .partial_fit(np.ones((2, 2)), [0, 0])
                .merge(ClassMoments().partial_fit(np.ones((2, 3)), [0, 0]))
            ),
            ValueError,
            "cannot merge moments on 3",
        ),
        (
            lambda: (
                ClassMoments()
                .partial_fit(np.ones((2, 2)), [0, 0])
                .partial_fit(np.ones((2, 2)), ["a", "a"])
            ),
            ValueError,
            "cannot be compared",
        ),
    ],
)
def test_class_moments_errors(call, error, match):
    """Check that bad input raises an error naming what was received."""
    with pytest.raises(error, match=match):
        call()


def test_class_moments_failed_partial_fit_leaves_state():
    """Check that a partial_fit rejected for NaN does not change the moments."""
    X, y = _data()
    moments = ClassMoments().partial_fit(X, y)
    before = moments.covariances()[0].copy()
    bad = X[:10].copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        moments.partial_fit(bad, np.full(10, 7))
    assert moments.classes_.tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(moments.covariances()[0], before)


def test_class_moments_merge_into_empty_and_empty_other():
    """Check that merging with an empty ClassMoments is the identity either way."""
    X, y = _data()
    full = ClassMoments().partial_fit(X, y)
    a = ClassMoments().merge(full)
    full.merge(ClassMoments())
    np.testing.assert_allclose(a.covariances()[0], full.covariances()[0])


@pytest.mark.parametrize("shrinkage", [None, 0.3, "ledoit_wolf"])
def test_class_spectra_eigenvalues_match_eigvalsh(shrinkage):
    """Check that eigenvalues equal numpy eigvalsh of each (shrunk) class covariance."""
    X, y = _data()
    spectra = class_spectra(X, y, shrinkage=shrinkage, return_eigenvectors=True)
    _, covs = class_covariances_naive(X, y)
    for c in range(4):
        cov = covs[c]
        if shrinkage is not None:
            a = spectra.shrinkage[c] if shrinkage == "ledoit_wolf" else shrinkage
            cov = (1 - a) * cov + a * np.trace(cov) / cov.shape[0] * np.eye(
                cov.shape[0]
            )
        np.testing.assert_allclose(
            spectra.eigenvalues[c], np.linalg.eigvalsh(cov)[::-1], rtol=1e-10
        )
        V, lam = spectra.eigenvectors[c], spectra.eigenvalues[c]
        np.testing.assert_allclose((V * lam) @ V.T, cov, atol=1e-9 * lam[0])
    np.testing.assert_allclose(
        spectra.pooled_covariance, spectra.covariances.mean(axis=0)
    )
    assert np.all(np.diff(spectra.eigenvalues, axis=1) <= 0)


def test_class_spectra_float32_kept():
    """Check that float32 input gives float32 arrays close to float64 ones."""
    X, y = _data()
    s32 = class_spectra(X.astype(np.float32), y)
    s64 = class_spectra(X, y)
    assert s32.eigenvalues.dtype == np.float32 and s32.means.dtype == np.float32
    np.testing.assert_allclose(s32.eigenvalues, s64.eigenvalues, rtol=1e-4)


def test_class_spectra_singular_class_has_zero_eigenvalues():
    """Check that a class with fewer rows than features gets zero trailing
    eigenvalues."""
    X, y = _data(n=40, d=30, k=2)
    spectra = class_spectra(X, y)
    n0 = int((y == 0).sum())
    assert np.all(
        np.abs(spectra.eigenvalues[0, n0 - 1 :]) < 1e-8 * spectra.eigenvalues[0, 0]
    )
    assert np.all(spectra.eigenvalues[0, : n0 - 1] > 1e-3)
