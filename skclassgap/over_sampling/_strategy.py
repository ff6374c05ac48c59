"""``sampling_strategy_`` of an over-sampler from class counts alone.

imbalanced-learn's ``check_sampling_strategy`` reads the target array; its
answer for a string, float or dict strategy depends only on the sorted class
labels and their counts. Data that live in blocks (Dask) have those counts
without the array, so this module computes the same dictionary from them:
rows to add per class, classes in sorted order, the majority (or minority)
being the first class with the largest (smallest) count. A callable strategy
receives the target array itself; the caller handles it.
"""

from collections import OrderedDict
from numbers import Real

import numpy as np

# String strategies of an over-sampler: which classes receive rows.
_TARGETS = {
    "minority": lambda code, majority, minority: code == minority,
    "not minority": lambda code, majority, minority: code != minority,
    "not majority": lambda code, majority, minority: code != majority,
    "all": lambda code, majority, minority: True,
    "auto": lambda code, majority, minority: code != majority,
}


def over_sampling_strategy(strategy, labels, counts):
    """Rows to add per class for a string, float or dict ``strategy``.

    Parameters
    ----------
    strategy : str, float or dict
        The sampler's ``sampling_strategy`` (not a callable).
    labels : ndarray of shape (n_classes,)
        Sorted class labels.
    counts : ndarray of shape (n_classes,)
        Number of rows of each class.

    Returns
    -------
    OrderedDict
        Class label -> number of rows to add, classes in sorted order; the
        same as imbalanced-learn's ``check_sampling_strategy(strategy, y,
        "over-sampling")`` for a target ``y`` with these counts.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(labels) <= 1:
        raise ValueError(
            f"The target needs more than 1 class to oversample; got "
            f"{len(labels)} class."
        )
    majority, minority = int(np.argmax(counts)), int(np.argmin(counts))
    top = counts[majority]
    if isinstance(strategy, str):
        if strategy not in _TARGETS:
            raise ValueError(
                f"sampling_strategy={strategy!r} is not a strategy of an "
                f"over-sampler; use one of {sorted(_TARGETS)}, a float, a dict "
                "or a callable."
            )
        chosen = _TARGETS[strategy]
        pairs = [
            (labels[i], top - counts[i])
            for i in range(len(labels))
            if chosen(i, majority, minority)
        ]
    elif isinstance(strategy, dict):
        pairs = _from_dict(strategy, labels, counts)
    elif isinstance(strategy, Real):
        pairs = _from_ratio(float(strategy), labels, counts, majority)
    else:
        raise TypeError(
            "over_sampling_strategy takes a str, float or dict strategy; got "
            f"{type(strategy).__name__}."
        )
    return OrderedDict(sorted(pairs, key=lambda pair: pair[0]))


def _from_dict(strategy, labels, counts):
    position = {label: i for i, label in enumerate(labels.tolist())}
    missing = [key for key in strategy if key not in position]
    if missing:
        raise ValueError(
            f"sampling_strategy names class(es) {missing!r} that are not in the "
            f"data; the classes are {labels.tolist()!r}."
        )
    pairs = []
    for key, wanted in strategy.items():
        have = counts[position[key]]
        if wanted < 0 or wanted < have:
            raise ValueError(
                f"sampling_strategy asks for {wanted} rows of class {key!r}, "
                f"which has {have}; an over-sampler can only add rows (ask for "
                f"at least {have})."
            )
        pairs.append((key, wanted - have))
    return pairs


def _from_ratio(ratio, labels, counts, majority):
    if not 0 < ratio <= 1:
        raise ValueError(f"A float sampling_strategy must be in (0, 1]; got {ratio}.")
    if len(labels) != 2:
        raise ValueError(
            "A float sampling_strategy needs a binary target; the data have "
            f"{len(labels)} classes. Use a dict for more classes."
        )
    pairs = [
        (labels[i], int(counts[majority] * ratio - counts[i]))
        for i in range(len(labels))
        if i != majority
    ]
    if any(n <= 0 for _, n in pairs):
        raise ValueError(
            f"sampling_strategy={ratio} asks for fewer minority rows than the "
            "data have; an over-sampler can only add rows. Increase the ratio."
        )
    return pairs
