"""Over-sampling then cleaning: equal to the two steps, provenance kept."""

import re

import imblearn.under_sampling as imb
import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE as ImbSMOTE
from sklearn.datasets import make_classification

from skclassgap.combine import SMOTEENN, CleanedOverSampler, SMOTETomek
from skclassgap.over_sampling import SMOTE, GaussianOverSampler
from skclassgap.under_sampling import (
    ClusterCentroids,
    EditedNearestNeighbours,
    RandomUnderSampler,
    TomekLinks,
)


def _data(n_classes=2):
    weights = [0.85] if n_classes == 2 else [0.6, 0.3]
    return make_classification(
        n_samples=400,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=weights,
        flip_y=0.05,
        random_state=0,
    )


def _check_provenance(sampler, X, X_res):
    """Every output row is its input row or its recorded interpolation."""
    idx = sampler.sample_indices_
    synthetic = idx == -1
    np.testing.assert_array_equal(X_res[~synthetic], X[idx[~synthetic]])
    assert len(sampler.parents_) == synthetic.sum()
    p, nb, g = sampler.parents_, sampler.neighbors_, sampler.gaps_
    np.testing.assert_allclose(X_res[synthetic], X[p] + g[:, None] * (X[nb] - X[p]))


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "combo, cleaner",
    [(SMOTEENN, imb.EditedNearestNeighbours), (SMOTETomek, imb.TomekLinks)],
)
def test_smote_combinations_equal_the_two_steps(combo, cleaner, n_classes):
    """Check that SMOTEENN / SMOTETomek return our SMOTE's output cleaned as
    imbalanced-learn's cleaner (sampling_strategy="all") cleans it, and that
    every kept row is its input row or its recorded interpolation."""
    X, y = _data(n_classes)
    sampler = combo(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    X_over, y_over = SMOTE(random_state=0).fit_resample(X, y)
    X_peer, y_peer = cleaner(sampling_strategy="all").fit_resample(X_over, y_over)
    np.testing.assert_array_equal(X_res, X_peer)
    np.testing.assert_array_equal(y_res, y_peer)
    _check_provenance(sampler, X, X_res)
    assert sampler.sampling_strategy_ == sampler.smote_.sampling_strategy_


@pytest.mark.parametrize(
    "over, cleaner",
    [
        (GaussianOverSampler(random_state=0), RandomUnderSampler(random_state=0)),
        (SMOTE(random_state=0), EditedNearestNeighbours(kind_sel="mode")),
        (RandomUnderSampler(random_state=0), TomekLinks()),
    ],
    ids=["gaussian-rus", "smote-enn-mode", "rus-tomek"],
)
def test_cleaned_over_sampler_composes_any_two_steps(over, cleaner):
    """Check the general combination: sample_indices_ maps through both steps,
    and kept synthetic rows carry the first step's parents (-1 for Gaussian
    draws, which have none)."""
    X, y = _data()
    sampler = CleanedOverSampler(over, cleaner)
    X_res, y_res = sampler.fit_resample(X, y)
    first = sampler.over_sampler_
    kept = sampler.cleaner_.sample_indices_
    np.testing.assert_array_equal(sampler.sample_indices_, first.sample_indices_[kept])
    synthetic = sampler.sample_indices_ == -1
    np.testing.assert_array_equal(
        X_res[~synthetic], X[sampler.sample_indices_[~synthetic]]
    )
    if isinstance(over, GaussianOverSampler):
        assert synthetic.any() and np.all(sampler.parents_ == -1)
    elif isinstance(over, SMOTE):
        _check_provenance(sampler, X, X_res)
    else:
        assert not synthetic.any() and len(sampler.parents_) == 0


@pytest.mark.parametrize(
    "over, cleaner, message",
    [
        (
            ImbSMOTE(random_state=0),
            TomekLinks(),
            "the first step, imblearn.over_sampling._smote.base.SMOTE, does not",
        ),
        (
            SMOTE(random_state=0),
            ClusterCentroids(voting="soft"),
            "ClusterCentroids returned rows that are none of its input rows",
        ),
    ],
)
def test_cleaned_over_sampler_refuses_steps_without_provenance(over, cleaner, message):
    """Check that a first step that records no sample_indices_ and a second step
    that makes rows of its own are refused, naming the step."""
    X, y = _data()
    with pytest.raises(ValueError, match=re.escape(message)):
        CleanedOverSampler(over, cleaner).fit_resample(X, y)


def test_smoteenn_dataframe_fresh_index_and_dtypes():
    """Check that a DataFrame comes back with its columns and dtypes, a fresh
    RangeIndex, and y aligned on it."""
    X, y = _data()
    frame = pd.DataFrame(X, columns=list("abcde"), index=np.arange(len(y)) + 50)
    frame["a"] = frame["a"].astype(np.float32)
    X_res, y_res = SMOTEENN(random_state=0).fit_resample(frame, pd.Series(y, name="t"))
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    assert isinstance(X_res.index, pd.RangeIndex)
    pd.testing.assert_index_equal(y_res.index, X_res.index)
    assert y_res.name == "t"


def test_cleaned_over_sampler_refuses_extra_arguments():
    """Check that keyword arguments are refused rather than swallowed."""
    X, y = _data()
    with pytest.raises(TypeError, match=r"takes no other argument.*\['groups'\]"):
        SMOTEENN().fit_resample(X, y, groups=np.arange(len(y)))


def test_smoteenn_passes_n_jobs_and_given_steps():
    """Check that n_jobs reaches the default cleaner and that given steps are
    cloned, not fitted in place."""
    X, y = _data()
    enn = EditedNearestNeighbours(sampling_strategy="all")
    sampler = SMOTEENN(enn=enn, random_state=0, n_jobs=2).fit(X, y)
    assert sampler.enn_ is not enn and not hasattr(enn, "sample_indices_")
    assert SMOTETomek(n_jobs=3).fit(X, y).tomek_.n_jobs == 3
