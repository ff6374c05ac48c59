"""Generator of classes with spurious cues that vanish under a distribution shift."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from skclassgap._compat import Interval, validate_params


def _draw(rng, n_rows, centres, n_spurious, n_noise, presence, own, spurious_shift):
    """Rows, labels and cue labels (-1: no cue) of one split."""
    n_classes, n_core = centres.shape
    y = rng.integers(n_classes, size=n_rows)
    core = centres[y] + rng.standard_normal((n_rows, n_core))
    cue = np.where(rng.random(n_rows) < own, y, rng.integers(n_classes, size=n_rows))
    cue = np.where(rng.random(n_rows) < presence, cue, -1)
    spurious = np.zeros((n_rows, n_classes * n_spurious))
    shown = np.flatnonzero(cue >= 0)
    block = cue[shown, np.newaxis] * n_spurious + np.arange(n_spurious)
    activation = spurious_shift + rng.standard_normal(block.shape)
    spurious[shown[:, np.newaxis], block] = np.maximum(activation, 0.0)
    noise = rng.standard_normal((n_rows, n_noise))
    return np.hstack([core, spurious, noise]), y, cue


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_test": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "n_core_features": [Interval(Integral, 1, None, closed="left")],
        "n_spurious_per_class": [Interval(Integral, 1, None, closed="left")],
        "n_noise_features": [Interval(Integral, 0, None, closed="left")],
        "class_sep": [Interval(Real, 0, None, closed="left")],
        "spurious_shift": [Interval(Real, 0, None, closed="left")],
        "spurious_correlation": [Interval(Real, 0, 1, closed="both")],
        "test_correlation": [Interval(Real, 0, 1, closed="both")],
        "as_frame": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_spurious_classification(
    n_samples=1000,
    *,
    n_test=1000,
    n_classes=3,
    n_core_features=5,
    n_spurious_per_class=2,
    n_noise_features=0,
    class_sep=2.0,
    spurious_shift=2.0,
    spurious_correlation=0.6,
    test_correlation=0.0,
    as_frame=False,
    random_state=None,
):
    """Generate classes defined by core features, with class-correlated spurious cues.

    Every row carries a *cue*: a class label whose spurious features are
    switched on. In the training split the cue equals the row's class with
    probability ``spurious_correlation``, and is absent otherwise. In the
    shifted test split a cue is present with the same probability, but it is
    the row's own class only with probability ``test_correlation`` and a
    uniformly random class otherwise (default 0: the cue is independent of the
    class).

    Columns, in order:

    - ``n_core_features`` core features: ``N(centre_y, I)``, class centres drawn
      once at random with norm ``class_sep``; they define the class;
    - ``n_classes * n_spurious_per_class`` spurious features, a block of
      ``n_spurious_per_class`` per class (class c owns columns
      ``n_core_features + c * n_spurious_per_class + [0, n_spurious_per_class)``):
      rectified activations, as from a ReLU layer detecting a concept: 0 where
      the cue is absent, ``max(0, spurious_shift + N(0, 1))`` on the block of
      the row's cue;
    - ``n_noise_features`` pure-noise features ``N(0, 1)``.

    A classifier fitted on the training split learns to rely on the cues, so
    within each class it is more accurate on rows whose own cue is strong
    (high spuriosity) than on rows where it is weak: a positive
    :func:`~skclassgap.spurious.spurious_gap`.

    Parameters
    ----------
    n_samples : int, default=1000
        Training rows.
    n_test : int, default=1000
        Rows of the shifted test split.
    n_classes : int, default=3
        Number of classes (labels ``0 .. n_classes - 1``).
    n_core_features : int, default=5
        Features that define the class.
    n_spurious_per_class : int, default=2
        Spurious features owned by each class.
    n_noise_features : int, default=0
        Uninformative features.
    class_sep : float, default=2.0
        Norm of each class centre in the core features.
    spurious_shift : float, default=2.0
        Shift of a cue's features when the cue is present.
    spurious_correlation : float, default=0.6
        Probability that a row shows a cue; in training the cue is always the
        row's own class.
    test_correlation : float, default=0.0
        Probability, in the test split, that a shown cue is the row's own class
        rather than a uniformly random one.
    as_frame : bool, default=False
        Return the features as pandas DataFrames with columns ``core_0``, ...,
        ``spurious_<c>_<j>``, ..., ``noise_0``, ... and the targets as Series.
    random_state : int, RandomState instance or None, default=None
        Seed of the generator.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_train``, ``y_train``, ``X_test``, ``y_test``; ``cue_train`` and
        ``cue_test`` (the cue label of each row, -1 for none);
        ``spurious_features`` (dict
        class -> list of column indices, the ground truth, usable directly as
        ``spurious_features`` of :func:`~skclassgap.spurious.spuriosity_scores`);
        ``core_features`` (list of indices) and ``feature_names``.

    See Also
    --------
    skclassgap.spurious.spuriosity_scores : Rank rows by their cue strength.
    skclassgap.spurious.LowSpuriosityRefit : Refit on the least spurious rows.

    Examples
    --------
    >>> from skclassgap.datasets import make_spurious_classification
    >>> data = make_spurious_classification(n_samples=100, n_test=50, random_state=0)
    >>> data.X_train.shape, data.X_test.shape
    ((100, 11), (50, 11))
    >>> data.spurious_features
    {0: [5, 6], 1: [7, 8], 2: [9, 10]}
    """
    rng = check_random_state(random_state)
    seed = rng.randint(np.iinfo(np.int32).max)
    gen = np.random.default_rng(seed)
    centres = gen.standard_normal((n_classes, n_core_features))
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    centres = centres / np.where(norms > 0, norms, 1.0) * class_sep
    args = (centres, n_spurious_per_class, n_noise_features)
    X_train, y_train, cue_train = _draw(
        gen, n_samples, *args, spurious_correlation, 1.0, spurious_shift
    )
    X_test, y_test, cue_test = _draw(
        gen, n_test, *args, spurious_correlation, test_correlation, spurious_shift
    )
    spurious_features = {
        c: list(
            range(
                n_core_features + c * n_spurious_per_class,
                n_core_features + (c + 1) * n_spurious_per_class,
            )
        )
        for c in range(n_classes)
    }
    names = (
        [f"core_{i}" for i in range(n_core_features)]
        + [
            f"spurious_{c}_{j}"
            for c in range(n_classes)
            for j in range(n_spurious_per_class)
        ]
        + [f"noise_{i}" for i in range(n_noise_features)]
    )
    if as_frame:
        X_train = pd.DataFrame(X_train, columns=names)
        X_test = pd.DataFrame(X_test, columns=names)
        y_train = pd.Series(y_train, name="target")
        y_test = pd.Series(y_test, name="target")
    return Bunch(
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        cue_train=cue_train,
        cue_test=cue_test,
        spurious_features=spurious_features,
        core_features=list(range(n_core_features)),
        feature_names=names,
    )
