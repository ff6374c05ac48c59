"""make_subclass_classification: shares, geometry, seeds, errors."""

import numpy as np
import pytest

from skclassgap.datasets import make_subclass_classification


def test_make_subclass_classification_shares_and_centres():
    """Check sub-class shares, the rare flag and that rows scatter around their
    sub-class centre with unit variance."""
    data = make_subclass_classification(
        40000, n_classes=3, n_subclasses=5, n_rare=2, rare_fraction=0.04, random_state=0
    )
    X, y, s = data.data, data.target, data.subclass
    assert X.shape == (40000, 20)
    for c in range(3):
        share = np.bincount(s[y == c], minlength=5) / np.sum(y == c)
        np.testing.assert_allclose(share, [0.3067] * 3 + [0.04] * 2, atol=0.015)
    np.testing.assert_array_equal(data.rare, s >= 3)
    resid = X - data.subclass_centres[y, s]
    np.testing.assert_allclose(resid.mean(axis=0), 0, atol=0.03)
    np.testing.assert_allclose(resid.var(axis=0), 1, atol=0.05)


@pytest.mark.parametrize("overlap, near_alike", [(1.0, True), (0.0, False)])
def test_make_subclass_classification_rare_sits_at_other_class(overlap, near_alike):
    """Check that with rare_overlap=1 a rare sub-class lies among the sub-classes
    of the class it resembles (within 2 * subclass_sep of their centres), far
    from its own class; with rare_overlap=0 the reverse."""
    data = make_subclass_classification(
        10,
        n_classes=3,
        class_sep=10.0,
        subclass_sep=1.0,
        rare_overlap=overlap,
        random_state=1,
    )
    C = data.subclass_centres
    for c in range(3):
        rare = C[c, 3]
        to_alike = np.linalg.norm(C[(c + 1) % 3, :3] - rare, axis=1)
        to_own = np.linalg.norm(C[c, :3] - rare, axis=1)
        near, far = (to_alike, to_own) if near_alike else (to_own, to_alike)
        assert (near <= 2.0).all() and (far > 10.0).all()


def test_make_subclass_classification_seed_and_frame():
    """Check that seeds repeat exactly and as_frame names the columns."""
    a = make_subclass_classification(50, random_state=3)
    b = make_subclass_classification(50, random_state=3)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.subclass, b.subclass)
    f = make_subclass_classification(50, as_frame=True, random_state=3)
    np.testing.assert_array_equal(f.data.to_numpy(), a.data)
    assert list(f.data.columns[:2]) == ["x0", "x1"] and f.subclass.name == "subclass"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_subclasses": 2, "n_rare": 2}, "leave no common sub-class"),
        ({"n_rare": 3, "rare_fraction": 0.4}, "leave no room"),
        ({"rare_fraction": 1.5}, "rare_fraction"),
    ],
)
def test_make_subclass_classification_errors(params, message):
    """Check that impossible layouts are refused with a message."""
    with pytest.raises(ValueError, match=message):
        make_subclass_classification(**params)
