"""Generator of classes made of sub-classes, some of them rare and misplaced."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

from skclassgap._compat import Interval, validate_params


def _unit_rows(gen, n_rows, n_features):
    rows = gen.standard_normal((n_rows, n_features))
    lengths = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(lengths > 0, lengths, 1.0)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "n_subclasses": [Interval(Integral, 1, None, closed="left")],
        "n_rare": [Interval(Integral, 0, None, closed="left")],
        "rare_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "class_sep": [Interval(Real, 0, None, closed="left")],
        "subclass_sep": [Interval(Real, 0, None, closed="left")],
        "rare_overlap": [Interval(Real, 0, 1, closed="both")],
        "as_frame": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_subclass_classification(
    n_samples=1000,
    *,
    n_classes=2,
    n_subclasses=4,
    n_rare=1,
    rare_fraction=0.03,
    n_features=20,
    class_sep=1.5,
    subclass_sep=4.0,
    rare_overlap=1.0,
    as_frame=False,
    random_state=None,
):
    """Generate classes that are unions of Gaussian sub-classes, some rare.

    Every class is a mixture of ``n_subclasses`` Gaussian sub-classes with
    identity covariance; the last ``n_rare`` of them are *rare*: each holds a
    share ``rare_fraction`` of its class, the others share the rest equally.
    The sub-class of every row is returned, so that sub-population discovery
    can be scored against the truth and an oracle can balance the known
    sub-classes.

    Geometry (all directions are random unit vectors in ``n_features``
    dimensions, drawn once per call):

    - class ``c`` has a centre ``a_c`` of norm ``class_sep`` (the centres are
      centred across classes first, so two classes sit ``2 * class_sep``
      apart);
    - a common sub-class sits at ``a_c + subclass_sep * u`` with its own
      direction ``u``;
    - the ``j``-th rare sub-class of class ``c`` sits at
      ``(1 - rare_overlap) * a_c + rare_overlap * a_k + subclass_sep * u``,
      where ``k = (c + 1 + j) mod n_classes`` is the class it resembles. With
      ``rare_overlap=1`` it lies where class ``k`` lives and is told apart only
      by its own direction ``u``, as a rare digit written like another
      class's digits: a linear model fitted on all rows mostly sacrifices it,
      while weighting the sub-classes of each class equally recovers much of
      it.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows. The class of each row is uniform over ``n_classes``,
        its sub-class drawn with the shares above.
    n_classes : int, default=2
        Number of classes (labels ``0 .. n_classes - 1``).
    n_subclasses : int, default=4
        Sub-classes per class, rare ones included.
    n_rare : int, default=1
        Rare sub-classes per class; fewer than ``n_subclasses``.
    rare_fraction : float, default=0.03
        Share of its class each rare sub-class holds, in (0, 1); together the
        rare sub-classes hold less than the whole class.
    n_features : int, default=20
        Number of features.
    class_sep : float, default=1.5
        Norm of the class centres.
    subclass_sep : float, default=4.0
        Distance of each sub-class centre from its base point (its class
        centre, or for a rare sub-class the point between its class and the
        class it resembles).
    rare_overlap : float, default=1.0
        Where a rare sub-class's base point lies, from its own class centre
        (0) to the centre of the class it resembles (1).
    as_frame : bool, default=False
        Return ``data`` as a DataFrame (columns ``x0`` ...) and
        ``target``/``subclass`` as Series.
    random_state : int, RandomState instance or None, default=None
        Seed of the generator.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n_samples, n_features); ``target`` (class of each row);
        ``subclass`` (sub-class of each row within its class, in
        ``0 .. n_subclasses - 1``; the rare ones are the last ``n_rare``);
        ``rare`` (boolean, True on rows of a rare sub-class);
        ``subclass_centres`` (n_classes, n_subclasses, n_features);
        ``feature_names``.

    Raises
    ------
    ValueError
        When ``n_rare >= n_subclasses``, or the rare sub-classes would hold
        the whole class (``n_rare * rare_fraction >= 1``).

    See Also
    --------
    skclassgap.subclass.subclass_report : Discover the sub-classes a model
        fails.
    skclassgap.subclass.SubclassBalancer : Balance the (class, sub-class)
        cells before fitting.

    Examples
    --------
    >>> import numpy as np
    >>> from skclassgap.datasets import make_subclass_classification
    >>> data = make_subclass_classification(n_samples=2000, random_state=0)
    >>> data.data.shape
    (2000, 20)
    >>> np.unique(data.subclass).tolist()
    [0, 1, 2, 3]
    >>> round(float(data.rare.mean()), 2)  # one rare sub-class per class, 3 %
    0.03
    """
    if n_rare >= n_subclasses:
        raise ValueError(
            f"n_rare={n_rare} rare sub-classes leave no common sub-class among "
            f"n_subclasses={n_subclasses}; use n_rare < n_subclasses."
        )
    if n_rare * rare_fraction >= 1:
        raise ValueError(
            f"n_rare={n_rare} rare sub-classes of rare_fraction={rare_fraction} "
            "leave no room for the common sub-classes; use n_rare * "
            "rare_fraction < 1."
        )
    rng = check_random_state(random_state)
    gen = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
    centres = gen.standard_normal((n_classes, n_features))
    centres -= centres.mean(axis=0)
    lengths = np.linalg.norm(centres, axis=1, keepdims=True)
    centres *= class_sep / np.where(lengths > 0, lengths, 1.0)
    n_common = n_subclasses - n_rare
    sub_centres = np.empty((n_classes, n_subclasses, n_features))
    for c in range(n_classes):
        offsets = subclass_sep * _unit_rows(gen, n_subclasses, n_features)
        for s in range(n_subclasses):
            base = centres[c]
            if s >= n_common:
                alike = centres[(c + 1 + s - n_common) % n_classes]
                base = (1 - rare_overlap) * centres[c] + rare_overlap * alike
            sub_centres[c, s] = base + offsets[s]
    shares = np.full(n_subclasses, rare_fraction)
    shares[:n_common] = (1.0 - n_rare * rare_fraction) / n_common
    y = gen.integers(n_classes, size=n_samples)
    subclass = gen.choice(n_subclasses, size=n_samples, p=shares / shares.sum())
    X = sub_centres[y, subclass] + gen.standard_normal((n_samples, n_features))
    rare = subclass >= n_common
    names = [f"x{i}" for i in range(n_features)]
    if as_frame:
        X = pd.DataFrame(X, columns=names)
        y = pd.Series(y, name="target")
        subclass = pd.Series(subclass, name="subclass")
    return Bunch(
        data=X,
        target=y,
        subclass=subclass,
        rare=rare,
        subclass_centres=sub_centres,
        feature_names=names,
    )
