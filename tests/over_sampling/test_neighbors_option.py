"""The samplers' ``neighbors`` option: exact output kept, approximate recall.

The samplers ask the approximate module which search ``neighbors`` resolves
to and run their own exact path when it is exact; these tests pin that the
output is then the one before the option existed, and check the approximate
path through the samplers (recall on clusters, duplicates and ties,
``neighbor_recall_``, the missing extra, ``min_recall``). Tests that run the
approximate search need the ``ann`` extra (pynndescent) and are skipped
without it.
"""

import hashlib
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import make_blobs, make_classification
from sklearn.neighbors import NearestNeighbors

import skclassgap.over_sampling._neighbors._approximate as approx_mod
from skclassgap.over_sampling import ADASYN, SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE
from skclassgap.over_sampling._neighbors import kneighbors_within

NEIGHBOR_SAMPLERS = [SMOTE, BorderlineSMOTE, ADASYN, SMOTENC]


@pytest.fixture
def pynndescent():
    """pynndescent, or a skip naming the extra."""
    return pytest.importorskip(
        "pynndescent", reason="the approximate search needs the ann extra"
    )


@pytest.fixture
def no_pynndescent(monkeypatch):
    """Make ``import pynndescent`` fail, as without the extra."""
    monkeypatch.setitem(sys.modules, "pynndescent", None)


def _small():
    """Three classes on a 0.1 grid (tied distances), 20 duplicated rows."""
    X, y = make_classification(
        n_samples=400,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.25],
        class_sep=0.7,
        random_state=3,
    )
    X = np.round(X, 1)
    X[:20] = X[20:40]
    return X, y


def _mixed():
    X, y = _small()
    rng = np.random.default_rng(1)
    df = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    df["colour"] = pd.Categorical(rng.choice(["r", "g", "b"], len(df)))
    df["size"] = rng.choice(["s", "m", "l", "xl"], len(df)).astype(object)
    return df, y


def _large():
    X, y = make_classification(
        n_samples=6000,
        n_features=10,
        n_informative=6,
        weights=[0.55],
        random_state=5,
    )
    return np.round(X, 2), y


def _digest(sampler, y_res, X_res=None, n=0):
    h = hashlib.sha256()
    for a in (sampler.parents_, sampler.neighbors_, sampler.gaps_, np.asarray(y_res)):
        h.update(np.ascontiguousarray(a).tobytes())
    if isinstance(X_res, pd.DataFrame):
        h.update("|".join(X_res.iloc[n:].astype(str).to_numpy().ravel()).encode())
    return h.hexdigest()[:16]


# Digests of (parents_, neighbors_, gaps_, y_res and, for tables, the synthetic
# rows as text) computed with the main branch before the option existed
# (commit dfd3866), random_state=0; the large cases take the compiled exact
# engine and the combined class/whole-set search of ADASYN and Borderline.
REFERENCES = [
    ("SMOTE", SMOTE, {}, "small", "048dc7d3b671462e"),
    ("SMOTE-k3-float32", SMOTE, {"k_neighbors": 3}, "small32", "49c8f7f2d0d0bc90"),
    ("Borderline-1", BorderlineSMOTE, {}, "small", "80c562712ab041e8"),
    (
        "Borderline-2",
        BorderlineSMOTE,
        {"kind": "borderline-2"},
        "small",
        "ce3fd1995c34f1ee",
    ),
    ("ADASYN", ADASYN, {}, "small", "00e0d7b463e86aa9"),
    ("SMOTENC", SMOTENC, {}, "mixed", "6e62e0599bee043d"),
    ("SMOTEN", SMOTEN, {}, "categorical", "9d59889e8170bcf3"),
    ("SMOTE-large", SMOTE, {}, "large", "4c75ba904c4e5f33"),
    ("ADASYN-large", ADASYN, {}, "large", "e8720feba5cc679a"),
    ("Borderline-large", BorderlineSMOTE, {}, "large", "a64919b59ff46b74"),
]


def _reference_data(kind):
    if kind == "small":
        return _small()
    if kind == "small32":
        X, y = _small()
        return X.astype(np.float32), y
    if kind == "mixed":
        return _mixed()
    if kind == "categorical":
        X, y = _mixed()
        return X[["colour", "size"]], y
    return _large()


@pytest.mark.parametrize("neighbors", ["auto", "exact"])
@pytest.mark.parametrize(
    "name, sampler, params, data, digest",
    REFERENCES,
    ids=[r[0] for r in REFERENCES],
)
def test_sampler_neighbors_exact_and_auto_equal_previous_main(
    name, sampler, params, data, digest, neighbors
):
    """Check that neighbors='exact', and 'auto' below the switch, give the
    output of the main branch before the option existed, bit for bit."""
    X, y = _reference_data(data)
    s = sampler(random_state=0, neighbors=neighbors, **params)
    X_res, y_res = s.fit_resample(X, y)
    assert _digest(s, y_res, X_res, len(X)) == digest
    assert set(s.neighbor_recall_) == set(s.sampling_strategy_)
    assert all(r is None for r in s.neighbor_recall_.values())


@pytest.mark.parametrize("sampler", NEIGHBOR_SAMPLERS)
@pytest.mark.parametrize("kind", ["float32", "sparse", "frame"])
def test_sampler_neighbors_auto_equals_exact(sampler, kind):
    """Check that neighbors='auto' below the switch equals neighbors='exact'
    on float32, sparse and DataFrame input (values and provenance)."""
    X, y = _small()
    if kind == "float32":
        X = X.astype(np.float32)
    elif kind == "sparse":
        if sampler is SMOTENC:
            pytest.skip("SMOTENC takes no sparse input")
        X = sparse.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    else:
        X = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    auto = sampler(random_state=1, neighbors="auto")
    exact = sampler(random_state=1, neighbors="exact")
    X_auto, y_auto = auto.fit_resample(X, y)
    X_exact, y_exact = exact.fit_resample(X, y)
    if sparse.issparse(X_auto):
        X_auto, X_exact = X_auto.toarray(), X_exact.toarray()
    np.testing.assert_array_equal(np.asarray(X_auto), np.asarray(X_exact))
    np.testing.assert_array_equal(y_auto, y_exact)
    for name in ("parents_", "neighbors_", "gaps_"):
        np.testing.assert_array_equal(getattr(auto, name), getattr(exact, name))


def test_sampler_neighbors_auto_without_extra_is_exact(no_pynndescent):
    """Check that 'auto' runs without pynndescent and gives the exact output."""
    X, y = _small()
    got = SMOTE(random_state=0).fit_resample(X, y)[0]
    expected = SMOTE(random_state=0, neighbors="exact").fit_resample(X, y)[0]
    np.testing.assert_array_equal(got, expected)


# --- approximate search through the samplers ----------------------------------


def _clusters_duplicates_ties(n_class=2000, seed=0):
    """Minority of blobs, exact duplicates and integer-lattice ties; a
    majority of 1.5 times as many rows, half of them around the blobs."""
    rng = np.random.default_rng(seed)
    blobs, _ = make_blobs(
        n_samples=n_class // 2, n_features=8, centers=6, random_state=seed
    )
    lattice = rng.integers(0, 4, size=(n_class // 4, 8)).astype(np.float64)
    dup = blobs[rng.integers(0, len(blobs), size=n_class - len(blobs) - len(lattice))]
    minority = np.vstack([blobs, lattice, dup])
    # Spread rows, and rows around the blobs' (so that rows are in danger).
    majority = np.vstack(
        [rng.normal(size=(n_class, 8)) * 4, blobs + rng.normal(size=blobs.shape)]
    )
    X = np.vstack([majority, minority])
    y = np.r_[np.zeros(len(majority), int), np.ones(len(minority), int)]
    return X, y


def _pair_recall(X, y, sampler, k):
    """Share of synthetic rows whose neighbour is no farther from its parent
    than the parent's exact k-th nearest same-class row."""
    rows = np.flatnonzero(y == 1)
    exact = rows[kneighbors_within(X[rows], k)]
    pos = np.searchsorted(rows, sampler.parents_)
    kth = ((X[exact[pos, -1]] - X[sampler.parents_]) ** 2).sum(axis=1)
    got = ((X[sampler.neighbors_] - X[sampler.parents_]) ** 2).sum(axis=1)
    return np.mean(got <= kth * (1 + 1e-12))


@pytest.mark.parametrize(
    "sampler, params",
    [
        (SMOTE, {}),
        (BorderlineSMOTE, {}),
        (ADASYN, {}),
        (SMOTENC, {}),
    ],
    ids=["SMOTE", "Borderline", "ADASYN", "SMOTENC"],
)
def test_sampler_approximate_recall_on_clusters_duplicates_ties(
    pynndescent, sampler, params
):
    """Check that the approximate search through a sampler finds the exact
    neighbours on clusters, duplicates and lattice ties: the recall it
    estimates is high, and the pairs it draws agree with it."""
    X, y = _clusters_duplicates_ties()
    s = sampler(random_state=0, neighbors="approximate", **params)
    s.fit_resample(X, y)
    recall = s.neighbor_recall_[1]
    assert isinstance(recall, float)
    assert recall >= 0.98
    assert len(s.parents_)
    assert _pair_recall(X, y, s, 5) >= recall - 0.03


def test_sampler_approximate_repeats_for_same_random_state(pynndescent):
    """Check that the approximate search gives the same output for the same
    random_state (and number of threads)."""
    X, y = _clusters_duplicates_ties(seed=1)
    a = SMOTE(random_state=3, neighbors="approximate", n_jobs=1)
    b = SMOTE(random_state=3, neighbors="approximate", n_jobs=1)
    np.testing.assert_array_equal(a.fit_resample(X, y)[0], b.fit_resample(X, y)[0])
    assert a.neighbor_recall_ == b.neighbor_recall_


def test_smotenc_approximate_without_categorical_equals_smote(pynndescent):
    """Check that SMOTENC without categorical column equals SMOTE bit for bit
    under neighbors='approximate' too."""
    X, y = _clusters_duplicates_ties(seed=2)
    smote = SMOTE(random_state=0, neighbors="approximate")
    smotenc = SMOTENC(random_state=0, neighbors="approximate")
    np.testing.assert_array_equal(
        smote.fit_resample(X, y)[0], smotenc.fit_resample(X, y)[0]
    )
    assert smote.neighbor_recall_ == smotenc.neighbor_recall_


def test_smotenc_approximate_mixed_recall(pynndescent):
    """Check that SMOTENC's approximate search on mixed rows (continuous plus
    one-hot scaled so that a differing level adds m^2) has a high recall
    against the exact SMOTE-NC distance, and keeps levels of the class."""
    X, y = _clusters_duplicates_ties(seed=3)
    rng = np.random.default_rng(0)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    df["level"] = pd.Categorical(rng.choice(list("abc"), len(df)))
    s = SMOTENC(random_state=0, neighbors="approximate")
    X_res, _ = s.fit_resample(df, y)
    assert s.neighbor_recall_[1] >= 0.95
    assert set(X_res["level"].iloc[len(df) :]) <= set(df["level"][y == 1])


def test_sampler_neighbor_recall_per_class(pynndescent):
    """Check that neighbor_recall_ holds a recall for each oversampled class
    searched approximately, and None for classes searched exactly or with the
    user's estimator."""
    X, y = _clusters_duplicates_ties(seed=4)
    y = y.copy()
    y[:40] = 2  # a small third class
    s = SMOTE(random_state=0, neighbors="approximate", sampling_strategy="not majority")
    s.fit_resample(X, y)
    assert set(s.neighbor_recall_) == {1, 2}
    assert 0.98 <= s.neighbor_recall_[1] <= 1.0
    # 40 rows: fewer than twice the graph's width, so the approximate
    # search ran the exact one, and its estimated recall is 1.
    assert s.neighbor_recall_[2] == 1.0
    nn = SMOTE(random_state=0, k_neighbors=NearestNeighbors(n_neighbors=6))
    nn.fit_resample(X, y)
    assert nn.neighbor_recall_ == {1: None, 2: None}


# --- bad input ------------------------------------------------------------------


def test_sampler_approximate_without_extra_names_it(no_pynndescent):
    """Check that neighbors='approximate' without pynndescent raises one line
    naming the extra."""
    X, y = _clusters_duplicates_ties(n_class=200)
    with pytest.raises(ImportError, match=r"skclassgap\[ann\]") as info:
        SMOTE(neighbors="approximate").fit_resample(X, y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("sampler", NEIGHBOR_SAMPLERS)
def test_sampler_min_recall_raise(sampler, pynndescent, monkeypatch):
    """Check that an estimated recall below min_recall raises, naming both."""
    monkeypatch.setattr(approx_mod, "estimate_recall", lambda *a, **k: 0.5)
    X, y = _clusters_duplicates_ties(n_class=300)
    s = sampler(neighbors="approximate", min_recall=0.9, random_state=0)
    with pytest.raises(ValueError, match=r"0\.5000 .* below min_recall=0\.9"):
        s.fit_resample(X, y)


@pytest.mark.parametrize("sampler", NEIGHBOR_SAMPLERS)
def test_sampler_min_recall_exact_fallback(sampler, pynndescent, monkeypatch):
    """Check that on_low_recall='exact' warns and gives the exact output, with
    neighbor_recall_ None (the neighbours used are exact)."""
    monkeypatch.setattr(approx_mod, "estimate_recall", lambda *a, **k: 0.5)
    X, y = _clusters_duplicates_ties(n_class=300)
    s = sampler(
        neighbors="approximate",
        min_recall=0.9,
        on_low_recall="exact",
        random_state=0,
    )
    with pytest.warns(UserWarning, match="Ran the exact search instead"):
        X_res, _ = s.fit_resample(X, y)
    expected = sampler(neighbors="exact", random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(X_res, expected)
    assert s.neighbor_recall_ == {1: None}


@pytest.mark.parametrize(
    "sampler, params, message",
    [
        (
            SMOTE,
            {"k_neighbors": NearestNeighbors(n_neighbors=6)},
            r"neighbors='approximate' .* so k_neighbors must be an int; got "
            r"NearestNeighbors. Pass k_neighbors=5",
        ),
        (
            BorderlineSMOTE,
            {"k_neighbors": NearestNeighbors(n_neighbors=4)},
            "so k_neighbors must be an int",
        ),
        (
            ADASYN,
            {"n_neighbors": NearestNeighbors(n_neighbors=6)},
            "so n_neighbors must be an int",
        ),
        (
            SMOTENC,
            {"k_neighbors": NearestNeighbors(n_neighbors=6)},
            "so k_neighbors must be an int",
        ),
    ],
    ids=["SMOTE", "Borderline", "ADASYN", "SMOTENC"],
)
def test_sampler_approximate_with_estimator_raises(sampler, params, message):
    """Check that neighbors='approximate' refuses a user's neighbours
    estimator, saying what to pass."""
    X, y = _small()
    with pytest.raises(ValueError, match=message):
        sampler(neighbors="approximate", **params).fit_resample(X, y)


@pytest.mark.parametrize(
    "sampler, columns",
    [(SMOTEN, ["colour", "size"]), (SMOTENC, ["colour", "size"])],
    ids=["SMOTEN", "SMOTENC-categorical-only"],
)
def test_categorical_sampler_refuses_approximate(sampler, columns):
    """Check that the value-difference-metric samplers refuse
    neighbors='approximate' and say what to use."""
    X, y = _mixed()
    with pytest.raises(ValueError, match="value difference metric.*'exact' or 'auto'"):
        sampler(neighbors="approximate").fit_resample(X[columns], y)


@pytest.mark.parametrize("sampler", [*NEIGHBOR_SAMPLERS, SMOTEN])
def test_sampler_neighbors_option_checked(sampler):
    """Check that an unknown neighbors value is refused by the constraints."""
    X, y = _small()
    with pytest.raises(ValueError, match="'neighbors' parameter"):
        sampler(neighbors="fast").fit_resample(X, y)


# --- Dask ---------------------------------------------------------------------


@pytest.mark.dask
@pytest.mark.usefixtures("dask_client")
@pytest.mark.parametrize("chunks", [(97, 0, 603, 300), (1000,)], ids=["uneven", "one"])
@pytest.mark.parametrize(
    "sampler", [SMOTE, BorderlineSMOTE, ADASYN], ids=["SMOTE", "Borderline", "ADASYN"]
)
def test_sampler_approximate_dask_equals_in_memory(pynndescent, sampler, chunks):
    """Check that neighbors='approximate' on Dask input (the gathered class
    searched as in memory) gives the in-memory output and recall."""
    da = pytest.importorskip("dask.array")
    X, y = _clusters_duplicates_ties(n_class=400, seed=5)
    order = np.random.default_rng(0).permutation(len(y))[:1000]
    X, y = X[order], y[order]
    expected = sampler(random_state=0, neighbors="approximate", n_jobs=1)
    X_mem, _ = expected.fit_resample(X, y)
    got = sampler(random_state=0, neighbors="approximate", n_jobs=1)
    X_res, _ = got.fit_resample(
        da.from_array(X, chunks=(chunks, (X.shape[1],))), da.from_array(y, chunks)
    )
    np.testing.assert_array_equal(X_res.compute(), X_mem)
    assert got.neighbor_recall_ == expected.neighbor_recall_
    assert isinstance(got.neighbor_recall_[1], float)
