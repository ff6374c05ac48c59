"""ResampledClassifier on Dask input, on a real LocalCluster: block-by-block
partial_fit against an in-memory reference, fit on Dask collections, lazy
responses, bad input."""

import re

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skclassgap.compose import ResampledClassifier
from skclassgap.over_sampling import SMOTE
from skclassgap.utils._dask import is_dask_collection

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]

N = 600
# Row blocks of N rows: uneven with an empty block, and even.
CHUNKS = [(97, 0, 203, 150, 150), (200, 200, 200)]
COLUMNS = [f"f{j}" for j in range(5)]


def _data(n_classes=2, labels=None):
    X, y = make_classification(
        n_samples=N,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        weights=[0.8, 0.15][: n_classes - 1],
        random_state=0,
    )
    if labels is not None:
        y = np.asarray(labels)[y]
    return X, y


def _dask_input(X, y, kind, chunks=CHUNKS[0]):
    if kind == "array":
        return (
            da.from_array(X, chunks=(chunks, (X.shape[1],))),
            da.from_array(y, chunks=(chunks,)),
        )
    frame = pd.DataFrame(X, columns=COLUMNS).assign(label=y)
    ddf = dd.from_pandas(frame, npartitions=3)
    return ddf[COLUMNS], ddf["label"]


def _block_lengths(X_res):
    if isinstance(X_res, da.Array):
        return list(X_res.chunks[0])
    return list(X_res.map_partitions(len).compute())


class _DaskRecorder(ClassifierMixin, BaseEstimator):
    """Classifier that records the types ``fit`` received and fits a logistic
    regression on their computed values."""

    def fit(self, X, y):
        self.received_ = (is_dask_collection(X), is_dask_collection(y))
        self.X_, self.y_ = dask.compute(X, y)
        self.model_ = LogisticRegression().fit(self.X_, self.y_)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def _reference_blocks(X_mem, y_mem, lengths, shuffle, random_state):
    """The blocks partial_fit should see, built in memory from the documented
    rule: the resampled blocks in the order permutation(n_blocks), or each row
    of block s sent to the block default_rng(seeds[s]).integers(n_blocks) and
    every new block t put in the order default_rng(seeds[n_blocks + t])."""
    bounds = np.cumsum([0, *lengths])
    n_blocks = len(lengths)
    blocks = [slice(bounds[i], bounds[i + 1]) for i in range(n_blocks)]
    if shuffle == "blocks":
        order = np.random.RandomState(random_state).permutation(n_blocks)
        assert not np.array_equal(order, np.sort(order))  # the order is shuffled
        return [(X_mem[blocks[i]], y_mem[blocks[i]]) for i in order]
    entropy = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max)
    seeds = np.random.SeedSequence(entropy).generate_state(2 * n_blocks)
    targets = [
        np.random.default_rng(seeds[s]).integers(n_blocks, size=bounds[s + 1] - b)
        for s, b in enumerate(bounds[:-1])
    ]
    out = []
    for t in range(n_blocks):
        rows = np.concatenate(
            [np.flatnonzero(targets[s] == t) + bounds[s] for s in range(n_blocks)]
        )
        rows = rows[np.random.default_rng(seeds[n_blocks + t]).permutation(len(rows))]
        out.append((X_mem[rows], y_mem[rows]))
    return out


class _BlockRecorder(SGDClassifier):
    """SGDClassifier that records the labels of every partial_fit call."""

    def partial_fit(self, X, y, classes=None):
        self.blocks_ = [*getattr(self, "blocks_", []), np.asarray(y)]
        return super().partial_fit(X, y, classes=classes)


@pytest.mark.parametrize("shuffle", ["rows", "blocks"])
@pytest.mark.parametrize(
    "kind, chunks",
    [("array", CHUNKS[0]), ("array", CHUNKS[1]), ("frame", None)],
    ids=["array-uneven-empty", "array-even", "frame"],
)
@pytest.mark.parametrize("labels", [None, ["no", "yes"]], ids=["int", "str"])
def test_resampled_dask_partial_fit_equals_blocks_in_memory(
    kind, chunks, labels, shuffle
):
    """Check that dask_fit="partial_fit" gives the coefficients of an
    SGDClassifier fed, in memory, the in-memory SMOTE output cut at the blocks
    of the Dask output and shuffled by the documented rule of dask_shuffle,
    with classes=the sorted labels; and that classes_, the priors and the
    feature attributes are those of the in-memory fit."""
    X, y = _data(labels=labels)
    X_dask, y_dask = _dask_input(X, y, kind, chunks)
    clf = ResampledClassifier(
        SGDClassifier(random_state=0),
        sampler=SMOTE(random_state=0),
        dask_shuffle=shuffle,
        random_state=3,
    ).fit(X_dask, y_dask)

    X_mem, y_mem = SMOTE(random_state=0).fit_resample(X, y)
    if kind == "frame":
        X_mem = pd.DataFrame(X_mem, columns=COLUMNS)
    X_res, _ = SMOTE(random_state=0).fit_resample(X_dask, y_dask)
    reference = SGDClassifier(random_state=0)
    blocks = _reference_blocks(
        X_mem.to_numpy() if kind == "frame" else X_mem,
        y_mem,
        _block_lengths(X_res),
        shuffle,
        3,
    )
    for X_block, y_block in blocks:
        if len(y_block):
            if kind == "frame":
                X_block = pd.DataFrame(X_block, columns=COLUMNS)
            reference.partial_fit(X_block, y_block, classes=np.unique(y))
    np.testing.assert_array_equal(clf.estimator_.coef_, reference.coef_)
    np.testing.assert_array_equal(clf.estimator_.intercept_, reference.intercept_)
    memory = ResampledClassifier(
        SGDClassifier(random_state=0), sampler=SMOTE(random_state=0)
    ).fit(pd.DataFrame(X, columns=COLUMNS) if kind == "frame" else X, y)
    np.testing.assert_array_equal(clf.classes_, memory.classes_)
    np.testing.assert_array_equal(clf.original_prior_, memory.original_prior_)
    np.testing.assert_array_equal(clf.train_prior_, memory.train_prior_)
    assert clf.n_features_in_ == 5
    if kind == "frame":
        np.testing.assert_array_equal(clf.feature_names_in_, COLUMNS)
    else:
        assert not hasattr(clf, "feature_names_in_")


def test_resampled_dask_rows_shuffle_mixes_every_block():
    """Check that with dask_shuffle="rows" partial_fit sees every resampled
    row once and no block of one class (the sampler's synthetic blocks are),
    while with "blocks" some blocks hold one class only."""
    X, y = _data()
    X_dask, y_dask = _dask_input(X, y, "array", CHUNKS[1])
    _, y_res = SMOTE(random_state=0).fit_resample(X_dask, y_dask)
    for shuffle, mixed in [("rows", True), ("blocks", False)]:
        clf = ResampledClassifier(
            _BlockRecorder(random_state=0),
            sampler=SMOTE(random_state=0),
            dask_shuffle=shuffle,
            random_state=0,
        ).fit(X_dask, y_dask)
        seen = clf.estimator_.blocks_
        np.testing.assert_array_equal(
            np.sort(np.concatenate(seen)), np.sort(y_res.compute())
        )
        assert all(len(np.unique(b)) == 2 for b in seen) == mixed


@pytest.mark.parametrize("kind", ["array", "frame"])
def test_resampled_dask_fit_passes_resampled_collections(kind):
    """Check that dask_fit="fit" calls estimator.fit once with Dask
    collections holding the resampled rows (the in-memory SMOTE output), and
    takes classes_ from the fitted estimator."""
    X, y = _data()
    clf = ResampledClassifier(
        _DaskRecorder(), sampler=SMOTE(random_state=0), dask_fit="fit"
    ).fit(*_dask_input(X, y, kind))
    assert clf.estimator_.received_ == (True, True)
    X_mem, y_mem = SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(np.asarray(clf.estimator_.X_), X_mem)
    np.testing.assert_array_equal(np.asarray(clf.estimator_.y_), y_mem)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    np.testing.assert_array_equal(clf.train_prior_, [0.5, 0.5])


def test_resampled_dask_fit_without_partial_fit_says_what_to_do():
    """Check that an estimator without partial_fit under
    dask_fit="partial_fit" is refused before anything is resampled, with the
    three ways out."""
    X, y = _data()
    clf = ResampledClassifier(LogisticRegression(), sampler=SMOTE(random_state=0))
    message = (
        "ResampledClassifier(dask_fit='partial_fit') fits the estimator block by "
        "block on Dask input, but LogisticRegression has no partial_fit; use an "
        "estimator with partial_fit (e.g. SGDClassifier), dask_fit='fit' for one "
        "that takes Dask collections (e.g. dask-ml's), or .compute() X and y if "
        "they fit in memory."
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        clf.fit(*_dask_input(X, y, "array"))
    assert not hasattr(clf, "sampler_")


def test_resampled_dask_refuses_weights_metadata_and_in_memory_samplers():
    """Check that sample_weight, routed metadata and a sampler that returns
    in-memory data for Dask input are refused with what to do."""
    X, y = _data()
    X_dask, y_dask = _dask_input(X, y, "array")
    clf = ResampledClassifier(SGDClassifier(), sampler=SMOTE(random_state=0))
    with pytest.raises(ValueError, match="does not take sample_weight with Dask"):
        clf.fit(X_dask, y_dask, sample_weight=np.ones(N))
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(
            ValueError, match=re.escape("metadata with Dask input; got ['groups']")
        ):
            clf.fit(X_dask, y_dask, groups=np.arange(N))
    clf.set_params(sampler=RandomOverSampler(random_state=0))
    with pytest.raises(
        TypeError,
        match=re.escape(
            "RandomOverSampler.fit_resample returned ndarray and ndarray for Dask "
            "input; ResampledClassifier needs a sampler that takes Dask"
        ),
    ):
        clf.fit(X_dask, y_dask)


@pytest.mark.parametrize("kind", ["array", "frame"])
@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
@pytest.mark.parametrize(
    "priors",
    [("fit", "fit"), ("original", "original")],
    ids=["fit-prior", "original-prior"],
)
@pytest.mark.parametrize("n_classes", [2, 3])
# SGDClassifier's own predict_log_proba takes the log of probabilities of 0
# (scikit-learn's warning, on both paths alike).
@pytest.mark.filterwarnings("ignore:divide by zero encountered in log:RuntimeWarning")
def test_resampled_dask_responses_are_lazy_and_equal_in_memory(
    kind, method, priors, n_classes
):
    """Check that the responses of Dask X are lazy Dask arrays with one block
    per input block whose values are those of the same fitted classifier on
    the computed X (proba_prior and predict_prior applied alike)."""
    X, y = _data(n_classes=n_classes)
    proba_prior, predict_prior = priors
    clf = ResampledClassifier(
        SGDClassifier(loss="log_loss", random_state=0),
        sampler=SMOTE(random_state=0),
        proba_prior=proba_prior,
        predict_prior=predict_prior,
        random_state=0,
    )
    X_dask, y_dask = _dask_input(X, y, kind)
    clf.fit(X_dask, y_dask)
    got = getattr(clf, method)(X_dask)
    assert isinstance(got, da.Array)
    X_frame = pd.DataFrame(X, columns=COLUMNS) if kind == "frame" else X
    expected = getattr(clf, method)(X_frame)
    n_blocks = X_dask.npartitions if kind == "frame" else X_dask.numblocks[0]
    assert got.numblocks[0] == n_blocks
    assert got.ndim == expected.ndim
    computed = got.compute()
    assert computed.dtype == expected.dtype
    if method == "predict":
        np.testing.assert_array_equal(computed, expected)
    else:
        np.testing.assert_allclose(computed, expected, rtol=1e-12, atol=1e-12)


def test_resampled_dask_responses_check_features_and_values():
    """Check that Dask X with other feature names or counts is refused before
    anything is computed, and a block holding NaN when its block is computed."""
    X, y = _data()
    X_frame, y_series = _dask_input(X, y, "frame")
    clf = ResampledClassifier(
        SGDClassifier(random_state=0), sampler=SMOTE(random_state=0)
    ).fit(X_frame, y_series)
    with pytest.raises(ValueError, match="The feature names should match"):
        clf.predict(X_frame.rename(columns={"f0": "g0"}))
    clf.fit(*_dask_input(X, y, "array"))
    with pytest.raises(ValueError, match="X has 4 features, but"):
        clf.predict(da.from_array(X[:, :4], chunks=(200, 4)))
    X_nan = X.copy()
    X_nan[450, 2] = np.nan
    lazy = clf.predict(da.from_array(X_nan, chunks=(200, 5)))
    lazy.blocks[0].compute()  # the block without NaN is fine
    with pytest.raises(ValueError, match="Input X contains NaN"):
        lazy.compute()
