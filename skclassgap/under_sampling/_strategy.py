"""``sampling_strategy_`` of an under-sampler or a cleaner from class counts alone.

imbalanced-learn's ``check_sampling_strategy`` reads the target array; for
the ``"under-sampling"`` and ``"clean-sampling"`` kinds its answer for a
string, float, dict or list strategy depends only on the sorted class labels
and their counts. This module computes the same dictionary from the counts
(so that data living in blocks, which have the counts without the array, get
it too), with errors that name the class, its size and what was asked:

- the dictionary maps each targeted class to the number of rows wanted after
  resampling, classes in sorted order;
- strings: ``"majority"``, ``"not minority"`` (= ``"auto"``), ``"not
  majority"``, ``"all"`` target those classes, each wanting as many rows as
  the minority has (the majority, or minority, being the first class in
  sorted order with the largest, or smallest, count); ``"minority"`` is
  refused;
- an under-sampler takes a dict ``{class: rows wanted}`` (at most the rows
  the class has) or a float ``r`` in ``(0, 1]`` (binary targets only: every
  class but the minority wants ``int(n_minority / r)`` rows);
- a cleaner takes a list of classes (each wanting the minority's count, a
  number cleaners do not use) and refuses dicts and floats, as
  imbalanced-learn does.

A callable strategy is called with the target by the caller, which passes
its dict here.
"""

from collections import OrderedDict
from numbers import Real

import numpy as np

UNDER = "under-sampling"
CLEAN = "clean-sampling"

_STRINGS = {
    "majority": lambda code, majority, minority: code == majority,
    "not minority": lambda code, majority, minority: code != minority,
    "not majority": lambda code, majority, minority: code != majority,
    "all": lambda code, majority, minority: True,
    "auto": lambda code, majority, minority: code != minority,
}


def py_label(label):
    """A label as a Python scalar, so that messages read ``1``, not ``np.int64(1)``."""
    return label.item() if isinstance(label, np.generic) else label


def _kind_word(kind):
    return "an under-sampler" if kind == UNDER else "a cleaning sampler"


def _check_classes(keys, labels):
    """Positions of ``keys`` among ``labels``; raise naming the unknown ones."""
    position = {label: i for i, label in enumerate(labels.tolist())}
    missing = [key for key in keys if key not in position]
    if missing:
        raise ValueError(
            f"sampling_strategy names class(es) {missing!r} that are not in the "
            f"data; the classes are {labels.tolist()!r}."
        )
    return [position[key] for key in keys]


def under_sampling_strategy(strategy, labels, counts, kind=UNDER):
    """Rows wanted per targeted class, as imbalanced-learn computes them.

    Parameters
    ----------
    strategy : str, float, dict or list
        The sampler's ``sampling_strategy`` (a callable's result for a callable).
    labels : ndarray of shape (n_classes,)
        Sorted class labels.
    counts : ndarray of shape (n_classes,)
        Number of rows of each class.
    kind : {"under-sampling", "clean-sampling"}, default="under-sampling"
        The sampler's kind (``_sampling_type``).

    Returns
    -------
    OrderedDict
        Class label -> rows wanted after resampling, classes in sorted order.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(labels) <= 1:
        raise ValueError(
            f"The target 'y' needs to have more than 1 class; got {len(labels)} "
            "class. Resampling needs at least two classes."
        )
    majority, minority = int(np.argmax(counts)), int(np.argmin(counts))
    n_min = int(counts[minority])
    if isinstance(strategy, str):
        if strategy == "minority":
            raise ValueError(
                f"sampling_strategy='minority' cannot be used with "
                f"{_kind_word(kind)}: it removes rows, and the minority class has "
                "none to spare. Use 'majority', 'not minority', 'not majority', "
                "'all' or 'auto'."
            )
        if strategy not in _STRINGS:
            raise ValueError(
                f"sampling_strategy={strategy!r} is not a strategy of "
                f"{_kind_word(kind)}; use one of {sorted(_STRINGS)}."
            )
        chosen = _STRINGS[strategy]
        pairs = [
            (labels[i], n_min)
            for i in range(len(labels))
            if chosen(i, majority, minority)
        ]
    elif isinstance(strategy, dict):
        pairs = _from_dict(strategy, labels, counts, kind)
    elif isinstance(strategy, list):
        if kind != CLEAN:
            raise ValueError(
                "sampling_strategy cannot be a list for an under-sampler (a list "
                "names classes for cleaning samplers); pass a dict {class: rows "
                "wanted} or a string."
            )
        positions = _check_classes(strategy, labels)
        pairs = [(labels[i], n_min) for i in positions]
    elif isinstance(strategy, Real) and not isinstance(strategy, bool):
        pairs = _from_ratio(float(strategy), labels, counts, minority, kind)
    else:
        raise TypeError(
            "sampling_strategy must be a str, float, dict, list or callable; got "
            f"{type(strategy).__name__}."
        )
    return OrderedDict(sorted(pairs, key=lambda pair: pair[0]))


def _from_dict(strategy, labels, counts, kind):
    if kind == CLEAN:
        raise ValueError(
            "sampling_strategy as a dict is not supported by cleaning samplers: "
            "they remove the rows their rule finds, not a number of rows. Give "
            f"the list of classes to clean instead, e.g. {list(strategy)!r}."
        )
    positions = _check_classes(list(strategy), labels)
    pairs = []
    for (key, wanted), i in zip(strategy.items(), positions, strict=True):
        have = int(counts[i])
        if wanted < 0:
            raise ValueError(
                f"sampling_strategy asks for {wanted} rows of class {key!r}; the "
                "number of rows wanted cannot be negative."
            )
        if wanted > have:
            raise ValueError(
                f"sampling_strategy asks for {wanted} rows of class {key!r}, "
                f"which has {have}; an under-sampler can only remove rows (ask "
                f"for at most {have})."
            )
        pairs.append((labels[i], int(wanted)))
    return pairs


def _from_ratio(ratio, labels, counts, minority, kind):
    if kind == CLEAN:
        raise ValueError(
            f"sampling_strategy={ratio} is a ratio, which cleaning samplers do not "
            "take: they remove the rows their rule finds. Give a string or a list "
            "of the classes to clean."
        )
    if not 0 < ratio <= 1:
        raise ValueError(f"A float sampling_strategy must be in (0, 1]; got {ratio}.")
    if len(labels) != 2:
        raise ValueError(
            "A float sampling_strategy needs a binary target; the data have "
            f"{len(labels)} classes. Use a dict for more classes."
        )
    n_min = int(counts[minority])
    pairs = []
    for i in range(len(labels)):
        if i == minority:
            continue
        wanted = int(n_min / ratio)
        if wanted > counts[i]:
            raise ValueError(
                f"sampling_strategy={ratio} asks for {wanted} rows of class "
                f"{py_label(labels[i])!r} "
                f"(minority count {n_min} / {ratio}), which has {int(counts[i])}; "
                "an under-sampler can only remove rows. Increase the ratio."
            )
        pairs.append((labels[i], wanted))
    return pairs
