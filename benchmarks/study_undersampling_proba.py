"""Probabilities after under-sampling, moved back to the original prior.

Not a timing benchmark: it prints Markdown tables.

Keeping a fraction beta of the majority rows multiplies the odds a model
learns by 1 / beta; Dal Pozzolo et al. (2015) move the probability back with
``p = beta * p_s / (beta * p_s - p_s + 1)``. ``ResampledClassifier(...,
proba_prior="original")`` applies the prior-ratio correction
``p'(y|x) ~ p_s(y|x) * pi_original(y) / pi_train(y)`` with ``pi_train`` the
resampled class frequencies; for two classes and majority-only
under-sampling that is the same formula (the study checks it numerically).

On make_classification with a 1 % minority (40,000 rows, 10 features, half
for training), over seeds: held-out Brier score, expected calibration error
(10 equal-width bins), log loss and ROC AUC of

- the plain model,
- random under-sampling to balance (beta ~ 0.01) and to a 1:10 ratio
  (``sampling_strategy=0.1``), probabilities as fitted and moved back,
- SMOTEENN, probabilities as fitted and moved back,

for a logistic regression and a histogram gradient boosting model.

    python -m benchmarks.study_undersampling_proba [--seeds N]
"""

import argparse
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from skclassgap.combine import SMOTEENN
from skclassgap.compose import ResampledClassifier
from skclassgap.under_sampling import RandomUnderSampler

MODELS = {
    "logistic regression": LogisticRegression(max_iter=1000),
    "gradient boosting": HistGradientBoostingClassifier(max_iter=100, random_state=0),
}
SAMPLERS = {
    "RUS balanced": lambda: RandomUnderSampler(random_state=0),
    "RUS 1:10": lambda: RandomUnderSampler(sampling_strategy=0.1, random_state=0),
    "SMOTEENN": lambda: SMOTEENN(random_state=0),
}


def ece(y, p, n_bins=10):
    """Expected calibration error of positive-class probabilities, equal bins."""
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return sum(
        np.mean(bins == b) * abs(y[bins == b].mean() - p[bins == b].mean())
        for b in np.unique(bins)
    )


def _scores(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return {
        "Brier": brier_score_loss(y, p),
        "ECE": ece(y, p),
        "log loss": log_loss(y, p),
        "ROC AUC": roc_auc_score(y, p),
    }


def _data(seed):
    X, y = make_classification(
        n_samples=40_000,
        n_features=10,
        n_informative=5,
        weights=[0.99],
        flip_y=0,
        random_state=seed,
    )
    return X[:20_000], y[:20_000], X[20_000:], y[20_000:]


def run(seeds):
    """{(model, variant): {metric: [values over seeds]}} and the largest gap
    between the correction and Dal Pozzolo's formula."""
    results, gap = {}, 0.0
    for seed in range(seeds):
        X_tr, y_tr, X_te, y_te = _data(seed)
        for model_name, model in MODELS.items():
            rows = {"plain": clone(model).fit(X_tr, y_tr).predict_proba(X_te)[:, 1]}
            for name, make in SAMPLERS.items():
                clf = ResampledClassifier(clone(model), sampler=make()).fit(X_tr, y_tr)
                fitted = clf.predict_proba(X_te)[:, 1]
                moved = clf.set_params(proba_prior="original").predict_proba(X_te)[:, 1]
                rows[f"{name}, as fitted"] = fitted
                rows[f"{name}, moved back"] = moved
                if name.startswith("RUS"):
                    kept = clf.sampler_.sample_indices_
                    beta = np.sum(y_tr[kept] == 0) / np.sum(y_tr == 0)
                    formula = beta * fitted / (beta * fitted - fitted + 1)
                    gap = max(gap, float(np.max(np.abs(formula - moved))))
            for variant, p in rows.items():
                cell = results.setdefault((model_name, variant), {})
                for metric, value in _scores(y_te, p).items():
                    cell.setdefault(metric, []).append(value)
    return results, gap


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.study_undersampling_proba"
    )
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    results, gap = run(args.seeds)
    metrics = ["Brier", "ECE", "log loss", "ROC AUC"]
    print(f"Mean (standard deviation) over {args.seeds} seeds; held-out 20,000 rows.\n")
    print("| model | probabilities | " + " | ".join(metrics) + " |")
    print("|---|---|" + "---:|" * len(metrics))
    for (model, variant), cell in results.items():
        values = " | ".join(
            f"{np.mean(cell[m]):.4f} ({np.std(cell[m]):.4f})" for m in metrics
        )
        print(f"| {model} | {variant} | {values} |")
    print(
        "\nLargest difference between proba_prior='original' and Dal Pozzolo's "
        f"formula after random under-sampling: {gap:.2e}"
    )


if __name__ == "__main__":
    main()
