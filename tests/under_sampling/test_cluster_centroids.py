"""ClusterCentroids: soft and hard voting, provenance, DataFrames."""

import imblearn.under_sampling as imb
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.linear_model import LogisticRegression

from skclassgap.compose import ResampledClassifier
from skclassgap.under_sampling import ClusterCentroids
from tests.naive import kneighbors_exact_naive
from tests.under_sampling.datasets import dataset


def _kmeans():
    return KMeans(n_init=1, random_state=0)


@pytest.mark.parametrize("data", ["gen2", "gen3"])
def test_cluster_centroids_soft_equals_imblearn(data):
    """Check that soft voting returns imbalanced-learn's rows (the same k-means
    centroids, grouped by class) and marks each centroid with -1."""
    X, y = dataset(data)
    ours = ClusterCentroids(estimator=_kmeans(), random_state=0)
    X_res, y_res = ours.fit_resample(X, y)
    X_peer, y_peer = imb.ClusterCentroids(
        estimator=_kmeans(), random_state=0
    ).fit_resample(X, y)
    np.testing.assert_allclose(X_res, X_peer)
    np.testing.assert_array_equal(y_res, y_peer)
    centroid = ours.sample_indices_ == -1
    assert centroid.sum() == sum(ours.sampling_strategy_.values())
    np.testing.assert_array_equal(X_res[~centroid], X[ours.sample_indices_[~centroid]])
    assert len(ours.parents_) == centroid.sum() and np.all(ours.parents_ == -1)


def test_cluster_centroids_hard_takes_the_exact_nearest_row():
    """Check that hard voting keeps, for each centroid, the exact nearest row of
    its class (ties to the lower row), with MiniBatchKMeans too."""
    X, y = dataset("gen3")
    X, y = X[::3], y[::3]
    sampler = ClusterCentroids(
        estimator=MiniBatchKMeans(n_init=1, random_state=0), voting="hard"
    )
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.all(sampler.sample_indices_ >= 0)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    label = max(sampler.sampling_strategy_)
    rows = np.flatnonzero(y == label)
    sampler.set_params(sampling_strategy={label: sampler.sampling_strategy_[label]})
    sampler.fit_resample(X, y)
    centers = sampler.estimator_.cluster_centers_
    expected = rows[kneighbors_exact_naive(centers, X[rows], 1)[:, 0]]
    kept = sampler.sample_indices_[y[sampler.sample_indices_] == label]
    np.testing.assert_array_equal(kept, expected)


def test_cluster_centroids_dataframe_dtypes_kept():
    """Check that a DataFrame comes back with its dtypes, centroids of integer
    columns rounded, a fresh RangeIndex, and y as a Series with its name."""
    X, y = dataset("gen2")
    frame = pd.DataFrame(
        {
            "a": X[:, 0].astype(np.float32),
            "b": np.round(X[:, 1] * 10).astype(np.int64),
            "c": pd.array(np.round(X[:, 2] * 10).astype(int), dtype="Int64"),
        },
        index=np.arange(len(y)) + 100,
    )
    target = pd.Series(y, name="label", index=frame.index)
    X_res, y_res = ClusterCentroids(estimator=_kmeans()).fit_resample(frame, target)
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    assert isinstance(X_res.index, pd.RangeIndex) and y_res.name == "label"
    pd.testing.assert_index_equal(y_res.index, X_res.index)
    assert np.bincount(y_res).tolist() == [np.sum(y == 1)] * 2


def test_cluster_centroids_weight_is_class_mean_in_resampled_classifier():
    """Check that ResampledClassifier gives a centroid the mean weight of its
    class's input rows and a kept row its own weight."""
    X, y = dataset("gen2")
    w = np.where(y == 0, 2.0, 1.0) + np.arange(len(y)) % 3
    clf = ResampledClassifier(
        LogisticRegression(), sampler=ClusterCentroids(estimator=_kmeans())
    ).fit(X, y, sample_weight=w)
    n_centroids = sum(clf.sampler_.sampling_strategy_.values())
    prior = clf.train_prior_ * (w[y == 0].mean() * n_centroids + w[y == 1].sum())
    np.testing.assert_allclose(prior, [w[y == 0].mean() * n_centroids, w[y == 1].sum()])
