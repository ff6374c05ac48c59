"""Balanced ensembles against imbalanced-learn's (and imbalanced-ensemble's
self-paced ensemble where it is installed): fit time at 10^5 x 20.

Run alone (slow, not in the default set)::

    python -m benchmarks --only ensemble --output ensemble.md

Each case fits ours and the peer on the same data with the same parameters
and seed, interleaved, and reports the median fit time of each and their
ratio. The check column gives both held-out g-means (a 30 % stratified test
split) and, for the under-sampling ensembles, whether the first members saw
the same class counts.

imbalanced-ensemble 0.2.3 pins scikit-learn 1.6.0, so its case runs only in
an environment where it is installed (``pip install --no-deps
imbalanced-ensemble==0.2.3`` next to scikit-learn 1.6.1 and skclassgap; see
doc/user_guide/ensemble.rst); elsewhere the case is skipped.
"""

import importlib.util

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from benchmarks._harness import Case
from skclassgap.metrics import geometric_mean_score

IN_DEFAULT_SET = False

N_SAMPLES, N_FEATURES = 100_000, 20


def _data(minority, seed=0):
    X, y = make_classification(
        n_samples=N_SAMPLES,
        n_features=N_FEATURES,
        n_informative=10,
        weights=[1 - minority],
        random_state=seed,
    )
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def _check(X_test, y_test, counts=None):
    def check(ours, peer):
        g_ours = geometric_mean_score(y_test, ours.predict(X_test))
        g_peer = geometric_mean_score(y_test, peer.predict(X_test))
        text = f"g-mean {g_ours:.4f} vs {g_peer:.4f}"
        if counts is not None:
            same = counts(ours) == counts(peer)
            assert same, f"class counts differ: {counts(ours)} vs {counts(peer)}"
            text += "; same class counts per member"
        return text

    return check


def _sampler_counts(y_train, n=5):
    def counts(model):
        samplers = model.samplers_[:n]
        return [np.bincount(y_train[s.sample_indices_]).tolist() for s in samplers]

    return counts


def _forest_cases(full):
    from imblearn.ensemble import BalancedRandomForestClassifier as Peer

    from skclassgap.ensemble import BalancedRandomForestClassifier as Ours

    out = []
    for minority in (0.01, 0.1):
        X_train, X_test, y_train, y_test = _data(minority)
        for n_jobs in (1, 2):
            params = {"n_estimators": 100, "random_state": 0, "n_jobs": n_jobs}
            out.append(
                Case(
                    group="ensemble",
                    name=f"BalancedRandomForest 1e5x20 {minority:.0%} min. "
                    f"100 trees n_jobs={n_jobs}",
                    ours=lambda p=params, X=X_train, y=y_train: Ours(**p).fit(X, y),
                    peer=lambda p=params, X=X_train, y=y_train: Peer(**p).fit(X, y),
                    peer_name="imblearn BalancedRandomForestClassifier",
                    check=_check(X_test, y_test, _sampler_counts(y_train)),
                    repeats=3,
                    memory=n_jobs == 1,
                )
            )
    return out


def _bagging_cases(full):
    from imblearn.ensemble import BalancedBaggingClassifier as PeerBagging
    from imblearn.ensemble import EasyEnsembleClassifier as PeerEasy
    from imblearn.ensemble import RUSBoostClassifier as PeerBoost

    from skclassgap.ensemble import BalancedBaggingClassifier as OursBagging
    from skclassgap.ensemble import EasyEnsembleClassifier as OursEasy
    from skclassgap.ensemble import RUSBoostClassifier as OursBoost

    X_train, X_test, y_train, y_test = _data(0.01)

    def member_counts(model):
        # Members are (sampler, estimator) pipelines fitted on drawn rows.
        return [
            np.bincount(y_train[rows][member[0].sample_indices_]).tolist()
            for member, rows in zip(
                model.estimators_[:5], model.estimators_samples_[:5], strict=True
            )
        ]

    out = []
    for n_jobs in (1, 2):
        params = {"n_estimators": 10, "random_state": 0, "n_jobs": n_jobs}
        out.append(
            Case(
                group="ensemble",
                name=f"BalancedBagging 1e5x20 1% min. 10 trees n_jobs={n_jobs}",
                ours=lambda p=params: OursBagging(**p).fit(X_train, y_train),
                peer=lambda p=params: PeerBagging(**p).fit(X_train, y_train),
                peer_name="imblearn BalancedBaggingClassifier",
                check=_check(X_test, y_test, member_counts),
                repeats=3,
                memory=n_jobs == 1,
            )
        )
    params = {"n_estimators": 10, "random_state": 0}
    out.append(
        Case(
            group="ensemble",
            name="EasyEnsemble 1e5x20 1% min. 10 x AdaBoost(50)",
            ours=lambda: OursEasy(**params).fit(X_train, y_train),
            peer=lambda: PeerEasy(**params).fit(X_train, y_train),
            peer_name="imblearn EasyEnsembleClassifier",
            check=_check(X_test, y_test),
            repeats=3,
        )
    )
    # Depth-3 trees: on this data a stump trained on a balanced sample is
    # often no better than chance on all the rows, which ends SAMME at the
    # first round for both implementations (an error, as in AdaBoost).
    params = {"n_estimators": 50, "random_state": 0}
    out.append(
        Case(
            group="ensemble",
            name="RUSBoost 1e5x20 1% min. 50 rounds of depth-3 trees",
            ours=lambda: OursBoost(DecisionTreeClassifier(max_depth=3), **params).fit(
                X_train, y_train
            ),
            peer=lambda: PeerBoost(DecisionTreeClassifier(max_depth=3), **params).fit(
                X_train, y_train
            ),
            peer_name="imblearn RUSBoostClassifier",
            check=_check(X_test, y_test),
            repeats=3,
        )
    )
    return out


def _self_paced_cases(full):
    if importlib.util.find_spec("imbens") is None:
        return []
    from imbens.ensemble import SelfPacedEnsembleClassifier as Peer

    from skclassgap.ensemble import SelfPacedEnsembleClassifier as Ours

    X_train, X_test, y_train, y_test = _data(0.01)
    return [
        Case(
            group="ensemble",
            name="SelfPaced 1e5x20 1% min. 50 trees",
            ours=lambda: Ours(n_estimators=50, random_state=0).fit(X_train, y_train),
            peer=lambda: Peer(n_estimators=50, random_state=0).fit(X_train, y_train),
            peer_name="imbalanced-ensemble SelfPacedEnsembleClassifier",
            check=_check(X_test, y_test),
            repeats=3,
        )
    ]


def cases(full):
    return _forest_cases(full) + _bagging_cases(full) + _self_paced_cases(full)
