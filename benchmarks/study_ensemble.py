"""Studies of the balanced ensembles, with numbers (tables, not timings).

- ``calibration``: held-out Brier score and expected calibration error (ECE)
  at a 1 % minority, for each ensemble: its plain (unbalanced) counterpart,
  the ensemble's raw probabilities (``proba_prior="fit"``) and the ensemble
  under the original prior (``proba_prior="original"``). Data: the recipe of
  ``benchmarks/study_priors.py calibration`` (``make_classification``, 20,000
  rows, 10 features of which 5 informative, 1 % minority, no label noise,
  half for training, half held out), seeds 0-4; means over the seeds, and the
  ratios of the ensemble's Brier and ECE to the plain model's. ECE: 10
  equal-width bins of the predicted minority probability,
  ``sum_b n_b / n |mean(y_b) - mean(p_b)|``.
- ``versus DIR``: from a real-data run's ``per_dataset.csv`` (``python -m
  benchmarks.realdata --methods ensembles --out DIR``), each ensemble against
  SMOTE, threshold tuning and class weights on the same folds: data sets
  won/tied/lost on g-mean, mean difference, Wilcoxon signed-rank p and
  Holm-adjusted p over the table, per model.

    python -m benchmarks.study_ensemble calibration
    python -m benchmarks.study_ensemble versus RESULTS_DIR
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.tree import DecisionTreeClassifier

from skclassgap.ensemble import (
    BalancedBaggingClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
)

SEEDS = range(5)


def ece(y, p, n_bins=10):
    """Expected calibration error of minority probabilities ``p``."""
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return sum(
        np.mean(bins == b) * abs(y[bins == b].mean() - p[bins == b].mean())
        for b in np.unique(bins)
    )


def _pairs(seed):
    """(name, ensemble, plain counterpart) of the calibration study."""
    return [
        (
            "BalancedBagging(LogisticRegression), 10",
            BalancedBaggingClassifier(LogisticRegression(), random_state=seed),
            LogisticRegression(),
        ),
        (
            "BalancedBagging(DecisionTree), 10",
            BalancedBaggingClassifier(random_state=seed),
            BaggingClassifier(DecisionTreeClassifier(), random_state=seed),
        ),
        (
            "EasyEnsemble, 10 x AdaBoost(50)",
            EasyEnsembleClassifier(random_state=seed),
            AdaBoostClassifier(random_state=seed),
        ),
        (
            "BalancedRandomForest, 100 trees",
            BalancedRandomForestClassifier(random_state=seed),
            RandomForestClassifier(random_state=seed),
        ),
        (
            "RUSBoost, 50 stumps",
            RUSBoostClassifier(random_state=seed),
            AdaBoostClassifier(random_state=seed),
        ),
        (
            "SelfPaced, 50 trees",
            SelfPacedEnsembleClassifier(random_state=seed),
            BaggingClassifier(
                DecisionTreeClassifier(), n_estimators=50, random_state=seed
            ),
        ),
    ]


def calibration_table():
    """Brier and ECE: plain model, raw ensemble, ensemble under the original prior."""
    results = {}
    for seed in SEEDS:
        X, y = make_classification(
            n_samples=20000,
            n_features=10,
            n_informative=5,
            weights=[0.99],
            flip_y=0,
            random_state=seed,
        )
        X_tr, y_tr, X_te, y_te = X[:10000], y[:10000], X[10000:], y[10000:]
        for name, ensemble, plain in _pairs(seed):
            plain_p = plain.fit(X_tr, y_tr).predict_proba(X_te)[:, 1]
            raw_p = ensemble.fit(X_tr, y_tr).predict_proba(X_te)[:, 1]
            ensemble.set_params(proba_prior="original")
            orig_p = ensemble.predict_proba(X_te)[:, 1]
            row = [
                f(y_te, p)
                for p in (plain_p, raw_p, orig_p)
                for f in (brier_score_loss, ece)
            ]
            results.setdefault(name, []).append(row)
            print(f"seed {seed} {name}: {np.round(row, 4).tolist()}", file=sys.stderr)
    print(
        "| ensemble | plain Brier / ECE | raw Brier / ECE | original Brier / ECE "
        "| original / plain (Brier, ECE) | raw / plain (Brier, ECE) |"
    )
    print("|---|---|---|---|---|---|")
    for name, rows in results.items():
        m = np.mean(rows, axis=0)
        print(
            f"| {name} | {m[0]:.4f} / {m[1]:.4f} | {m[2]:.4f} / {m[3]:.4f} | "
            f"{m[4]:.4f} / {m[5]:.4f} | {m[4] / m[0]:.2f}, {m[5] / m[1]:.2f} | "
            f"{m[2] / m[0]:.1f}, {m[3] / m[1]:.1f} |"
        )


def versus_table(results_dir):
    """Each ensemble against SMOTE, threshold tuning and class weights."""
    from benchmarks.realdata import _stats

    table = pd.read_csv(Path(results_dir) / "per_dataset.csv")
    others = ("smote", "threshold", "class_weight")
    ensembles = [
        m
        for m in dict.fromkeys(table["method"])
        if m
        in (
            "balanced_bagging",
            "easy_ensemble",
            "balanced_random_forest",
            "rus_boost",
            "self_paced",
        )
    ]
    rows = []
    for model in dict.fromkeys(table["model"]):
        pivot = table[table["model"] == model].pivot(
            index="dataset", columns="method", values="g_mean"
        )
        for ensemble in ensembles:
            for other in others:
                if other not in pivot:
                    continue
                test = _stats.wilcoxon(pivot[ensemble], pivot[other])
                wins, ties, losses = _stats.win_tie_loss(pivot[ensemble], pivot[other])
                rows.append(
                    {
                        "model": model,
                        "ensemble": ensemble,
                        "against": other,
                        "n": test["n"],
                        "W/T/L": f"{wins}/{ties}/{losses}",
                        "mean diff": test["mean_diff"],
                        "p": test["p"],
                    }
                )
    frame = pd.DataFrame(rows)
    frame["Holm p"] = _stats.holm(frame["p"].to_numpy())
    print("| model | ensemble | against | n | W/T/L g-mean | mean diff | p | Holm p |")
    print("|---|---|---|---|---|---|---|---|")
    for r in frame.itertuples(index=False):
        print(
            f"| {r.model} | {r.ensemble} | {r.against} | {r.n} | {r[4]} | "
            f"{r[5]:+.4f} | {r.p:.2g} | {r[7]:.2g} |"
        )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    warnings.simplefilter("ignore")
    if not argv or argv[0] == "calibration":
        calibration_table()
    elif argv[0] == "versus" and len(argv) == 2:
        versus_table(argv[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
