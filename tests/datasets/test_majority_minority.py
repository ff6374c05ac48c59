import numpy as np
import pytest

from skclassgap.datasets import make_majority_minority


@pytest.fixture(scope="module")
def big():
    return make_majority_minority(
        60000,
        minority_fraction=0.3,
        variance_ratio=4.0,
        shared_overlap=0.5,
        n_shared_features=3,
        n_minority_features=2,
        random_state=0,
    )


def test_make_majority_minority_groups_and_layout(big):
    """Check group share, column layout and labels."""
    assert big.data.shape == (60000, 5)
    assert big.shared_features == [0, 1, 2] and big.minority_features == [3, 4]
    assert big.group.mean() == pytest.approx(0.3, abs=0.01)
    assert set(np.unique(big.target)) == {0, 1}


def test_make_majority_minority_moments(big):
    """Check the class means (traits, overlap) and the variance ratio per group."""
    X, y, g = big.data, big.target, big.group
    for c in (0, 1):
        maj = X[(g == 0) & (y == c)]
        mino = X[(g == 1) & (y == c)]
        # majority: no minority-specific signal; minority trait = overlap * majority's
        np.testing.assert_allclose(maj[:, 3:].mean(axis=0), 0, atol=0.05)
        np.testing.assert_allclose(
            mino[:, :3].mean(axis=0), 0.5 * maj[:, :3].mean(axis=0), atol=0.1
        )
        assert np.linalg.norm(maj[:, :3].mean(axis=0)) == pytest.approx(2.0, abs=0.05)
        assert np.linalg.norm(mino[:, 3:].mean(axis=0)) == pytest.approx(2.0, abs=0.1)
        np.testing.assert_allclose(maj.var(axis=0), 1.0, rtol=0.05)
        np.testing.assert_allclose(mino.var(axis=0), 4.0, rtol=0.07)


def test_make_majority_minority_seed_and_frame():
    """Check that seeds repeat exactly and as_frame names the columns."""
    a = make_majority_minority(50, random_state=3)
    b = make_majority_minority(50, random_state=3)
    np.testing.assert_array_equal(a.data, b.data)
    f = make_majority_minority(50, as_frame=True, random_state=3)
    np.testing.assert_array_equal(f.data.to_numpy(), a.data)
    assert (
        list(f.data.columns)[:2] == ["shared_0", "shared_1"] and f.group.name == "group"
    )


@pytest.mark.parametrize(
    "params, name",
    [
        ({"minority_fraction": 1.0}, "minority_fraction"),
        ({"variance_ratio": 0}, "variance_ratio"),
    ],
)
def test_make_majority_minority_rejects_bad_parameters(params, name):
    """Check that out-of-range parameters are rejected by validation."""
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        make_majority_minority(**params)
