import numpy as np
import pytest

from skclassgap.datasets import make_spurious_classification


def test_make_spurious_classification_layout_and_ground_truth():
    """Check the column layout, the cue blocks and the returned ground truth."""
    d = make_spurious_classification(
        n_samples=500,
        n_test=300,
        n_classes=4,
        n_core_features=3,
        n_spurious_per_class=2,
        n_noise_features=2,
        random_state=0,
    )
    assert d.X_train.shape == (500, 13) and d.X_test.shape == (300, 13)
    assert d.spurious_features == {0: [3, 4], 1: [5, 6], 2: [7, 8], 3: [9, 10]}
    assert d.core_features == [0, 1, 2]
    assert d.feature_names[3] == "spurious_0_0" and d.feature_names[-1] == "noise_1"
    for X, cue in ((d.X_train, d.cue_train), (d.X_test, d.cue_test)):
        block = X[:, 3:11]
        assert (block >= 0).all()
        for r in range(len(cue)):
            active = np.zeros(8, dtype=bool)
            if cue[r] >= 0:
                active[2 * cue[r] : 2 * cue[r] + 2] = True
            assert (block[r, ~active] == 0).all()
    # training cues always belong to the row's class
    shown = d.cue_train >= 0
    np.testing.assert_array_equal(d.cue_train[shown], d.y_train[shown])


def test_make_spurious_classification_correlation_and_shift():
    """Check cue rates: train cue = class; test cue independent of the class."""
    d = make_spurious_classification(
        n_samples=20000,
        n_test=20000,
        n_classes=4,
        spurious_correlation=0.7,
        random_state=1,
    )
    assert np.mean(d.cue_train >= 0) == pytest.approx(0.7, abs=0.015)
    assert np.mean(d.cue_test >= 0) == pytest.approx(0.7, abs=0.015)
    shown = d.cue_test >= 0
    assert np.mean(d.cue_test[shown] == d.y_test[shown]) == pytest.approx(
        0.25, abs=0.015
    )
    d1 = make_spurious_classification(
        n_samples=10,
        n_test=500,
        test_correlation=1.0,
        spurious_correlation=1.0,
        random_state=1,
    )
    np.testing.assert_array_equal(d1.cue_test, d1.y_test)


def test_make_spurious_classification_core_centres_and_seed():
    """Check that core class centres have norm class_sep and seeds repeat exactly."""
    d = make_spurious_classification(n_samples=30000, class_sep=3.0, random_state=2)
    core = d.X_train[:, d.core_features]
    for c in range(3):
        assert np.linalg.norm(core[d.y_train == c].mean(axis=0)) == pytest.approx(
            3.0, abs=0.1
        )
    again = make_spurious_classification(n_samples=30000, class_sep=3.0, random_state=2)
    np.testing.assert_array_equal(d.X_train, again.X_train)
    np.testing.assert_array_equal(d.y_test, again.y_test)


def test_make_spurious_classification_as_frame():
    """Check that as_frame returns DataFrames named after the features."""
    d = make_spurious_classification(
        n_samples=20, n_test=10, as_frame=True, random_state=0
    )
    assert list(d.X_train.columns) == d.feature_names
    assert d.y_test.name == "target" and len(d.y_test) == 10


def test_make_spurious_classification_rejects_bad_parameters():
    """Check that out-of-range parameters are rejected by validation."""
    with pytest.raises(ValueError, match="'spurious_correlation' parameter"):
        make_spurious_classification(spurious_correlation=1.5)
