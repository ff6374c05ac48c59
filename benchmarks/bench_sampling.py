"""Over-samplers against imbalanced-learn: time, peak memory, counts, quality.

Quick set: SMOTE at 10^5 x 20 (9:1) and the g-mean quality check. ``full``
adds SMOTE at 10^5 x 100, at 10^6 x 20, 10 classes with imbalance ratio 100 at
10^5 x 20, and BorderlineSMOTE / ADASYN at 10^5 x 20.
"""

import numpy as np
from imblearn import over_sampling as imb
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks._harness import Case
from skclassgap import over_sampling as ours
from skclassgap.metrics import geometric_mean_score


def _binary(n, d, seed=0):
    return make_classification(
        n_samples=n,
        n_features=d,
        n_informative=min(d, 10),
        weights=[0.9],
        random_state=seed,
    )


def _multiclass(n, d, n_classes=10, ratio=100.0, seed=0):
    weights = ratio ** (-np.arange(n_classes) / (n_classes - 1))
    weights = weights / weights.sum()
    return make_classification(
        n_samples=n,
        n_features=d,
        n_informative=10,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=list(weights),
        random_state=seed,
    )


def _same_counts(a, b):
    ca, cb = np.bincount(a[1]), np.bincount(b[1])
    assert np.array_equal(ca, cb), (ca, cb)
    return f"same counts ({a[0].shape[0]} rows)"


def _sampler_case(name, ours_cls, peer_cls, X, y, repeats, params=None):
    params = params or {}
    return Case(
        group="over_sampling",
        name=name,
        ours=lambda: ours_cls(random_state=0, **params).fit_resample(X, y),
        peer=lambda: peer_cls(random_state=0, **params).fit_resample(X, y),
        peer_name=f"imblearn.{peer_cls.__name__}",
        check=_same_counts,
        repeats=repeats,
    )


def _quality_sets():
    """Held-out splits of bundled data made imbalanced (minority kept at ~10%)."""
    sets = {}
    X, y = load_breast_cancer(return_X_y=True)  # 0 = malignant (212 rows)
    keep = np.r_[np.flatnonzero(y == 0)[:40], np.flatnonzero(y == 1)]
    sets["breast_cancer 40:357"] = (X[keep], 1 - y[keep])
    X, y = load_digits(return_X_y=True)
    keep = np.r_[np.flatnonzero(y == 3)[:60], np.flatnonzero(y != 3)]
    sets["digits 3-vs-rest 60:1617"] = (X[keep], (y[keep] == 3).astype(int))
    return sets


def _gmeans(sampler_cls, seeds=range(5)):
    out = []
    for name, (X, y) in _quality_sets().items():
        scores = []
        for seed in seeds:
            Xtr, Xte, ytr, yte = train_test_split(
                X, y, test_size=0.3, stratify=y, random_state=seed
            )
            scaler = StandardScaler().fit(Xtr)
            Xr, yr = sampler_cls(random_state=seed).fit_resample(
                scaler.transform(Xtr), ytr
            )
            clf = make_pipeline(LogisticRegression(max_iter=2000)).fit(Xr, yr)
            scores.append(geometric_mean_score(yte, clf.predict(scaler.transform(Xte))))
        out.append(
            (name, float(np.mean(scores)), float(np.std(scores) / np.sqrt(len(scores))))
        )
    return out


def _quality_check(a, b):
    parts = []
    for (name, ga, sa), (_, gb, sb) in zip(a, b, strict=True):
        noise = 3 * np.hypot(sa, sb) + 0.01
        assert abs(ga - gb) <= noise, (name, ga, gb)
        parts.append(f"{name}: g-mean {ga:.3f} vs {gb:.3f}")
    return "; ".join(parts)


def cases(full):
    X, y = _binary(10**5, 20)
    out = [
        _sampler_case("SMOTE 1e5x20 9:1", ours.SMOTE, imb.SMOTE, X, y, repeats=3),
        Case(
            group="over_sampling",
            name="quality: LogReg g-mean after SMOTE (5 splits)",
            ours=lambda: _gmeans(ours.SMOTE),
            peer=lambda: _gmeans(imb.SMOTE),
            peer_name="imblearn.SMOTE",
            check=_quality_check,
            repeats=1,
            memory=False,
        ),
    ]
    if full:
        Xw, yw = _binary(10**5, 100)
        Xm, ym = _multiclass(10**5, 20)
        out += [
            _sampler_case(
                "SMOTE 1e5x100 9:1", ours.SMOTE, imb.SMOTE, Xw, yw, repeats=3
            ),
            _sampler_case(
                "SMOTE 1e5x20 10 classes IR 100",
                ours.SMOTE,
                imb.SMOTE,
                Xm,
                ym,
                repeats=3,
            ),
            _sampler_case(
                "BorderlineSMOTE-1 1e5x20 9:1",
                ours.BorderlineSMOTE,
                imb.BorderlineSMOTE,
                X,
                y,
                repeats=3,
            ),
            _sampler_case(
                "BorderlineSMOTE-2 1e5x20 9:1",
                ours.BorderlineSMOTE,
                imb.BorderlineSMOTE,
                X,
                y,
                repeats=3,
                params={"kind": "borderline-2"},
            ),
            _sampler_case(
                "ADASYN 1e5x20 9:1", ours.ADASYN, imb.ADASYN, X, y, repeats=3
            ),
        ]
        Xb, yb = _binary(10**6, 20)
        out.append(
            _sampler_case("SMOTE 1e6x20 9:1", ours.SMOTE, imb.SMOTE, Xb, yb, repeats=1)
        )
    return out
