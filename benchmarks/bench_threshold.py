"""ThresholdCalibrator against scikit-learn's TunedThresholdClassifierCV.

Groups
------
``threshold-fit``
    Whole ``fit`` of both meta-estimators: same logistic regression, same
    ``StratifiedKFold(5)``, same objective, same refit on all rows. Two
    objectives: the g-mean (sklearn has no g-mean scorer, so it gets
    ``skclassgap.metrics.get_scorer("g_mean")``: the same metric, computed by
    skclassgap's fast label metric) and balanced accuracy (sklearn gets its
    own ``"balanced_accuracy"`` scorer, its default objective). The check
    column gives the held-out objective of each on an independent test set of
    the same size.
``threshold-search``
    The threshold search alone, on fixed out-of-fold probabilities of the
    same 5 folds (model fits and predictions done once, outside the timing).
    Ours: what ``ThresholdCalibrator.fit`` runs once it has the out-of-fold
    scores, i.e. ``binary_search`` on the pooled scores (sort each class's
    scores, merge them into cumulative counts at every distinct score, score
    the objective from counts at every candidate where the optimum can lie)
    and the threshold of the best. sklearn: what
    ``TunedThresholdClassifierCV.fit`` runs once the fold models exist, i.e.
    its ``_CurveScorer`` on each fold (100 candidate thresholds, each scored
    by a full metric call on the fold's labels), ``_mean_interpolated_score``
    over folds, and the argmax. The fold estimators handed to the curve
    scorer return stored probabilities, so no model prediction is timed on
    either side. The check column gives the pooled out-of-fold objective at
    each side's threshold (ours is the exact optimum, so never lower).
``threshold-quality``
    Held-out objective on real and synthetic data, averaged over both halves
    of repeated stratified 2-fold splits. Binary: ours vs
    TunedThresholdClassifierCV. Multiclass: ours vs the plain estimator
    (sklearn has no multiclass equivalent); the check column gives held-out
    worst-class recall and g-mean. Times in this group are not a speed
    comparison (against the plain estimator, ours fits 5 extra models).
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer as sk_get_scorer
from sklearn.metrics._scorer import _CurveScorer
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.model_selection._classification_threshold import _mean_interpolated_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks._harness import Case
from skclassgap.metrics import geometric_mean_score, get_scorer, worst_class_score
from skclassgap.metrics._scorer import label_metric
from skclassgap.threshold import ThresholdCalibrator
from skclassgap.threshold._search import binary_search

# Objective name -> what TunedThresholdClassifierCV gets as scoring: for the
# g-mean, skclassgap's scorer (sklearn has none); for balanced accuracy,
# scikit-learn's own scorer (its default objective).
PEER_SCORING = {
    "g_mean": lambda: get_scorer("g_mean"),
    "balanced_accuracy": lambda: "balanced_accuracy",
}


def _binary_data(n, seed):
    X, y = make_classification(
        n_samples=2 * n,
        n_features=20,
        n_informative=8,
        weights=[0.9],
        class_sep=0.8,
        flip_y=0.02,
        random_state=seed,
    )
    return X[:n], y[:n], X[n:], y[n:]


def _fit_case(n, repeats, objective):
    X, y, X_test, y_test = _binary_data(n, 0)
    cv = StratifiedKFold(5)
    metric = label_metric(objective)

    def ours():
        model = ThresholdCalibrator(LogisticRegression(), objective=objective, cv=cv)
        return model.fit(X, y)

    def peer():
        return TunedThresholdClassifierCV(
            LogisticRegression(), scoring=PEER_SCORING[objective](), cv=cv
        ).fit(X, y)

    def check(a, b):
        ga = metric.score_func(y_test, a.predict(X_test), **metric.kwargs)
        gb = metric.score_func(y_test, b.predict(X_test), **metric.kwargs)
        assert ga >= gb - 0.005, (ga, gb)
        return f"held-out {objective} ours {ga:.4f} / sklearn {gb:.4f}"

    return Case(
        "threshold-fit",
        f"binary LR n={n:.0e} cv=5 {objective}",
        ours,
        peer,
        "TunedThresholdClassifierCV",
        check,
        repeats,
        memory=False,
    )


class _Stored(ClassifierMixin, BaseEstimator):
    """A 'fitted' classifier whose predict_proba returns stored probabilities."""

    def __init__(self, proba):
        self.proba = proba

    def predict_proba(self, X):
        return self.proba


def _search_case(n, repeats, objective, memory=True):
    X, y, _, _ = _binary_data(n, 0)
    folds = list(StratifiedKFold(5).split(X, y))
    stored = []
    for train, test in folds:
        model = LogisticRegression().fit(X[train], y[train])
        est = _Stored(model.predict_proba(X[test]))
        est.classes_ = model.classes_
        stored.append((est, test))
    pooled = np.concatenate([s.proba[:, 1] for s, _ in stored])
    y_pooled = np.concatenate([y[t] for _, t in stored]).astype(np.int64)
    metric = label_metric(objective)
    peer_scorer = PEER_SCORING[objective]()
    if isinstance(peer_scorer, str):
        peer_scorer = sk_get_scorer(peer_scorer)

    def ours():
        # What ThresholdCalibrator.fit does once the out-of-fold scores exist.
        calibrator = ThresholdCalibrator(None, objective=objective)
        count_objective = calibrator._objective(None)
        counts, _, _, best = binary_search(
            pooled, y_pooled, np.ones(len(y_pooled)), count_objective
        )
        return counts.thresholds([best])[0]

    def peer():
        curve = _CurveScorer.from_scorer(peer_scorer, "predict_proba", 100)
        scores, thresholds = zip(
            *[curve(est, test, y[test]) for est, test in stored], strict=True
        )
        lo = min(t.min() for t in thresholds)
        hi = max(t.max() for t in thresholds)
        candidates = np.linspace(lo, hi, num=100)
        mean = _mean_interpolated_score(candidates, thresholds, scores)
        return candidates[mean.argmax()]

    def check(a, b):
        ga = metric.score_func(y_pooled, pooled >= a, **metric.kwargs)
        gb = metric.score_func(y_pooled, pooled >= b, **metric.kwargs)
        assert ga >= gb - 1e-12, (ga, gb)
        return f"out-of-fold {objective} ours {ga:.4f} / sklearn {gb:.4f}"

    name = f"search only n={n:.0e} 5 folds {objective}"
    return Case(
        "threshold-search",
        name,
        ours,
        peer,
        "TunedThresholdClassifierCV scoring",
        check,
        repeats,
        memory,
    )


def _repeated_splits(y, n_repeats):
    """Both halves of ``n_repeats`` stratified 2-fold splits: 2 * n_repeats pairs."""
    cv = RepeatedStratifiedKFold(n_splits=2, n_repeats=n_repeats, random_state=0)
    return list(cv.split(y, y))


def _binary_quality_case(name, X, y, estimator, objective="g_mean", n_repeats=10):
    splits = _repeated_splits(y, n_repeats)
    func = label_metric(objective)

    def score(model, test):
        value = func.score_func(y[test], model.predict(X[test]), **func.kwargs)
        return value if func.greater_is_better else -value

    def ours():
        return [
            ThresholdCalibrator(clone(estimator), objective=objective).fit(X[tr], y[tr])
            for tr, _ in splits
        ]

    def peer():
        return [
            TunedThresholdClassifierCV(
                clone(estimator), scoring=get_scorer(objective), cv=StratifiedKFold(5)
            ).fit(X[tr], y[tr])
            for tr, _ in splits
        ]

    def check(a, b):
        va = np.array([score(m, te) for m, (_, te) in zip(a, splits, strict=True)])
        vb = np.array([score(m, te) for m, (_, te) in zip(b, splits, strict=True)])
        diff = va - vb
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        assert diff.mean() >= -0.01, (va.mean(), vb.mean())
        return (
            f"held-out {objective} ours {va.mean():.4f} / sklearn {vb.mean():.4f}; "
            f"diff {diff.mean():+.4f} ± {se:.4f} SE ({len(splits)} splits)"
        )

    return Case(
        "threshold-quality",
        name,
        ours,
        peer,
        "TunedThresholdClassifierCV",
        check,
        repeats=1,
        memory=False,
    )


def _multiclass_quality_case(name, X, y, estimator, objective):
    splits = _repeated_splits(y, 3)

    def scores(models):
        worst, gmean = [], []
        for model, (_, te) in zip(models, splits, strict=True):
            pred = model.predict(X[te])
            worst.append(worst_class_score(y[te], pred, metric="recall"))
            gmean.append(geometric_mean_score(y[te], pred))
        return np.mean(worst), np.mean(gmean)

    def ours():
        return [
            ThresholdCalibrator(clone(estimator), objective=objective).fit(X[tr], y[tr])
            for tr, _ in splits
        ]

    def peer():
        return [clone(estimator).fit(X[tr], y[tr]) for tr, _ in splits]

    def check(a, b):
        (wa, ga), (wb, gb) = scores(a), scores(b)
        assert wa > wb and ga > gb, (wa, wb, ga, gb)
        return (
            f"held-out worst recall ours {wa:.3f} / plain {wb:.3f}; "
            f"g-mean {ga:.3f} / {gb:.3f} ({len(splits)} splits)"
        )

    return Case(
        "threshold-quality",
        name,
        ours,
        peer,
        "plain estimator",
        check,
        repeats=1,
        memory=False,
    )


def _rare_digits(seed=0, keep=0.2):
    """Digits with classes 5-9 subsampled to ``keep`` of their rows."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    mask = (y < 5) | (rng.random(len(y)) < keep)
    return X[mask] / 16.0, y[mask]


def cases(full):
    n = 10**6 if full else 10**5
    repeats = 1 if full else 3
    out = [_search_case(n, repeats, "g_mean"), _fit_case(n, repeats, "g_mean")]
    if full:
        # sklearn's own balanced-accuracy scorer is slow: full runs only.
        for size in (10**5, 10**6):
            out.append(_search_case(size, 1, "balanced_accuracy", memory=False))
            out.append(_fit_case(size, 1, "balanced_accuracy"))
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    X, y = load_breast_cancer(return_X_y=True)
    out.append(
        _binary_quality_case(
            "breast cancer LR g_mean", X, y, lr, n_repeats=10 if full else 3
        )
    )
    if full:
        for seed, weights in ((1, [0.95]), (2, [0.98]), (3, [0.8])):
            X, y = make_classification(
                n_samples=3000,
                n_features=20,
                n_informative=5,
                weights=weights,
                flip_y=0.01,
                class_sep=0.7,
                random_state=seed,
            )
            name = f"synthetic pos={1 - weights[0]:.2f} LR g_mean"
            out.append(_binary_quality_case(name, X, y, lr))
        X, y = load_breast_cancer(return_X_y=True)
        name = "breast cancer LR macro_f1"
        out.append(_binary_quality_case(name, X, y, lr, "macro_f1"))
        X, y = _rare_digits()
        for objective in ("worst_class_recall", "g_mean"):
            out.append(
                _multiclass_quality_case(
                    f"digits 5 classes rare (20%) LR {objective}",
                    X,
                    y,
                    LogisticRegression(max_iter=1000),
                    objective,
                )
            )
        X, y = make_classification(
            n_samples=3000,
            n_features=20,
            n_informative=8,
            n_classes=5,
            weights=[0.5, 0.25, 0.15, 0.07, 0.03],
            class_sep=1.0,
            random_state=0,
        )
        out.append(
            _multiclass_quality_case(
                "make_classification 5 classes imbalanced LR worst_class_recall",
                X,
                y,
                LogisticRegression(max_iter=1000),
                "worst_class_recall",
            )
        )
    return out
