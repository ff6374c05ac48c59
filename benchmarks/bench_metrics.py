"""Per-class metrics end to end from the user's arrays, against their peers.

Peers: scikit-learn (``f1_score(average="macro")``, ``balanced_accuracy_score``,
``confusion_matrix``, ``classification_report``,
``precision_recall_fscore_support``), imbalanced-learn
(``geometric_mean_score``) and the ``np.bincount`` floor: one bincount of
combined codes ``y_true * K + y_pred`` on labels that are already codes, no
validation at all.

Many classes (group ``metrics-many``): 10^6 labels of 10^5 classes with
``--full`` (10^5 labels of 10^4 classes in the quick set), where a K x K
confusion matrix would not fit in memory. Integer labels ``0..K-1`` take the
integer-range path (the range guessed from the first label misses, so an
exact min/max pass follows); labels spread over a range wider than the number
of rows take the factorising (hashing) path.
"""

import numpy as np
from imblearn.metrics import geometric_mean_score as imblearn_gmean
from sklearn.metrics import (
    balanced_accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    recall_score,
)

from benchmarks._harness import Case
from skclassgap.metrics import (
    class_gap,
    geometric_mean_score,
    macro_f1_score,
    per_class_report,
)
from skclassgap.metrics._classification import balanced_accuracy_from_labels
from skclassgap.metrics._counts import confusion_counts

N_CLASSES = 10


def _labels(n, seed=0):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, N_CLASSES, n)
    noise = rng.integers(0, N_CLASSES, n)
    y_pred = np.where(rng.random(n) < 0.7, y_true, noise)
    return y_true, y_pred


def _close(a, b):
    diff = abs(float(a) - float(b))
    assert diff < 1e-12, diff
    return f"diff {diff:.0e}"


def _same_counts(a, b):
    np.testing.assert_array_equal(a, b)
    return "same counts"


def _floor(y_true, y_pred):
    return lambda: np.bincount(y_true * N_CLASSES + y_pred, minlength=N_CLASSES**2)


def _gap_sklearn(y_true, y_pred):
    recall = recall_score(y_true, y_pred, average=None)
    return recall.max() - recall.min()


def cases(full=False):
    sizes = [10**6, 10**7] if full else [10**6]
    out = [case for n in sizes for case in _cases_for(n)]
    return out + _many_classes_cases(*((10**6, 10**5) if full else (10**5, 10**4)))


def _many_classes_cases(n, n_classes):
    """10^6 labels of 10^5 classes: per-class vectors, no K x K matrix."""
    rng = np.random.default_rng(1)
    yt = rng.integers(0, n_classes, n)
    yp = np.where(rng.random(n) < 0.5, yt, rng.integers(0, n_classes, n))
    wide_t, wide_p = yt * 1_000_003 - 7, yp * 1_000_003 - 7
    size = f"n=10^{int(np.log10(n))}, K=10^{int(np.log10(n_classes))}"
    out = []
    for name, a, b in (
        ("integer range", yt, yp),
        ("factorised (wide range)", wide_t, wide_p),
    ):
        out.append(
            Case(
                "metrics-many",
                f"macro F1 {size}, {name}",
                lambda a=a, b=b: macro_f1_score(a, b, zero_division=0.0),
                lambda a=a, b=b: f1_score(a, b, average="macro", zero_division=0.0),
                "sklearn f1_score(macro)",
                _close,
                3,
            )
        )
    out.append(
        Case(
            "metrics-many",
            f"per_class_report {size}, integer range",
            lambda: per_class_report(yt, yp, zero_division=0.0),
            lambda: precision_recall_fscore_support(yt, yp, zero_division=0.0),
            "sklearn precision_recall_fscore_support",
            lambda a, b: _max_diff(a["f1"].to_numpy(), b[2]),
            3,
        )
    )
    return out


def _max_diff(a, b):
    diff = float(np.max(np.abs(a - b)))
    assert diff < 1e-12, diff
    return f"max diff {diff:.0e}"


def _cases_for(n):
    """Cases at one size (a function scope, so each closure sees its own data)."""
    yt, yp = _labels(n)
    size = f"n=10^{int(np.log10(n))}"
    floor = _floor(yt, yp)
    repeats = 3 if n >= 10**7 else 5
    out = [
        Case(
            "metrics",
            f"macro F1 {size}",
            lambda: macro_f1_score(yt, yp),
            lambda: f1_score(yt, yp, average="macro"),
            "sklearn f1_score(macro)",
            _close,
            repeats,
        ),
        Case(
            "metrics",
            f"macro F1 {size}",
            lambda: macro_f1_score(yt, yp),
            floor,
            "np.bincount floor",
            lambda a, b: "floor",
            repeats,
        ),
        Case(
            "metrics",
            f"g-mean {size}",
            lambda: geometric_mean_score(yt, yp),
            lambda: imblearn_gmean(yt, yp),
            "imblearn geometric_mean_score",
            _close,
            repeats,
        ),
        Case(
            "metrics",
            f"g-mean {size}",
            lambda: geometric_mean_score(yt, yp),
            floor,
            "np.bincount floor",
            lambda a, b: "floor",
            repeats,
        ),
        Case(
            "metrics",
            f"class gap {size}",
            lambda: class_gap(yt, yp),
            lambda: _gap_sklearn(yt, yp),
            "sklearn recall_score(None) max-min",
            _close,
            repeats,
        ),
        Case(
            "metrics",
            f"class gap {size}",
            lambda: class_gap(yt, yp),
            floor,
            "np.bincount floor",
            lambda a, b: "floor",
            repeats,
        ),
        Case(
            "metrics",
            f"balanced accuracy {size}",
            lambda: balanced_accuracy_from_labels(yt, yp),
            lambda: balanced_accuracy_score(yt, yp),
            "sklearn balanced_accuracy_score",
            _close,
            repeats,
        ),
        Case(
            "metrics",
            f"confusion counts {size}",
            lambda: confusion_counts(yt, yp)[1],
            lambda: confusion_matrix(yt, yp),
            "sklearn confusion_matrix",
            _same_counts,
            repeats,
        ),
        Case(
            "metrics",
            f"per_class_report {size}",
            lambda: per_class_report(yt, yp),
            lambda: classification_report(yt, yp, output_dict=True),
            "sklearn classification_report",
            lambda a, b: _close(a.loc[3, "f1"], b["3"]["f1-score"]),
            repeats,
        ),
    ]
    ys, ps = yt.astype(str), yp.astype(str)
    out.append(
        Case(
            "metrics",
            f"macro F1 string labels {size}",
            lambda: macro_f1_score(ys, ps),
            lambda: f1_score(ys, ps, average="macro"),
            "sklearn f1_score(macro)",
            _close,
            3 if n < 10**7 else 1,
            memory=n < 10**7,
        )
    )
    return out
