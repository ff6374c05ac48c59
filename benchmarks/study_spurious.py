"""Worked examples with numbers: spurious gap and its mitigation, bias
amplification between a majority and a minority, prediction bias on digits.

Not a timing benchmark: it prints three Markdown tables.

    python -m benchmarks.study_spurious [spurious] [majority] [digits]
"""

import warnings

import numpy as np
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skclassgap.datasets import make_majority_minority, make_spurious_classification
from skclassgap.metrics import prediction_bias
from skclassgap.spurious import LowSpuriosityRefit, spuriosity_scores, spurious_gap

SEEDS = range(5)


def spurious_table():
    """Gap and accuracy of LR, LowSpuriosityRefit and a random-row refit."""
    rows = {}
    for seed in SEEDS:
        d = make_spurious_classification(n_samples=6000, n_test=3000, random_state=seed)
        X_tr, X_va, y_tr, y_va = train_test_split(
            d.X_train, d.y_train, test_size=0.5, random_state=seed
        )
        s_va = spuriosity_scores(X_va, y_va, d.spurious_features)
        models = {("LogisticRegression", "-"): LogisticRegression()}
        for frac in (0.2, 0.3, 0.5):
            models[("LowSpuriosityRefit", frac)] = LowSpuriosityRefit(
                LogisticRegression(),
                spurious_features=d.spurious_features,
                n_per_class=frac,
            )
            # spurious_features={} -> every class gets random rows (same count)
            models[("random-row refit", frac)] = LowSpuriosityRefit(
                LogisticRegression(),
                spurious_features={},
                n_per_class=frac,
                random_state=seed,
            )
        for key, model in models.items():
            pred = model.fit(X_tr, y_tr).predict(X_va)
            rows.setdefault(key, []).append(
                (
                    spurious_gap(y_va, pred, s_va, k=0.1),
                    np.mean(pred == y_va),
                    model.score(d.X_test, d.y_test),
                )
            )
    print(
        "### Spurious gap (make_spurious_classification, defaults, 3000 train rows)\n"
    )
    print("k = 10% of each class; mean ± std over 5 seeds; validation = held-out rows")
    print(
        "of the training distribution; "
        "shifted = test split (cue independent of class)\n"
    )
    print("| model | n_per_class | spurious gap | accuracy | shifted accuracy |")
    print("|---|---|---|---|---|")
    for (name, frac), values in rows.items():
        v = np.array(values)
        m, s = v.mean(axis=0), v.std(axis=0)
        print(
            f"| {name} | {frac} | {m[0]:.3f} ± {s[0]:.3f} | {m[1]:.3f} ± {s[1]:.3f} "
            f"| {m[2]:.3f} ± {s[2]:.3f} |"
        )


def _unit(model):
    w = np.r_[model.coef_.ravel(), model.intercept_]
    return w / np.linalg.norm(w)


def majority_minority_table():
    """Distance of the all-data predictor to the majority-only one, group gaps."""
    print("\n### Bias amplification (make_majority_minority, 20000 rows, 50% test)\n")
    print("d(all, maj) / d(all, min): distance between unit-norm (coef, intercept) of")
    print("LR fitted on all rows and LR fitted on the majority / minority rows only\n")
    print(
        "| variance ratio | minority fraction | d(all, maj) | d(all, min) "
        "| acc majority | acc minority | group gap | minority-only LR on minority |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for ratio in (0.25, 1.0, 4.0):
        for frac in (0.05, 0.1, 0.2, 0.3, 0.5):
            d = make_majority_minority(
                20000, minority_fraction=frac, variance_ratio=ratio, random_state=0
            )
            X_tr, X_te, y_tr, y_te, g_tr, g_te = train_test_split(
                d.data, d.target, d.group, test_size=0.5, random_state=0
            )
            full = LogisticRegression().fit(X_tr, y_tr)
            maj = LogisticRegression().fit(X_tr[g_tr == 0], y_tr[g_tr == 0])
            mino = LogisticRegression().fit(X_tr[g_tr == 1], y_tr[g_tr == 1])

            def acc(model, group, X_te=X_te, y_te=y_te, g_te=g_te):
                rows = g_te == group
                return np.mean(model.predict(X_te[rows]) == y_te[rows])

            a0, a1 = acc(full, 0), acc(full, 1)
            print(
                f"| {ratio} | {frac} | {np.linalg.norm(_unit(full) - _unit(maj)):.3f} "
                f"| {np.linalg.norm(_unit(full) - _unit(mino)):.3f} | {a0:.3f} "
                f"| {a1:.3f} | {a0 - a1:.3f} | {acc(mino, 1):.3f} |"
            )


def digits_table():
    """Correlation between per-class prediction bias and recall on digits."""
    X, y = load_digits(return_X_y=True)
    print("\n### Prediction bias vs recall (digits, 10-fold cross_val_predict)\n")
    print("| model | Pearson r | Spearman rho | p (Spearman) | max bias | min recall |")
    print("|---|---|---|---|---|---|")
    models = {
        "LogisticRegression(C=0.01) + scaler": make_pipeline(
            StandardScaler(), LogisticRegression(C=0.01)
        ),
        "LogisticRegression + scaler": make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000)
        ),
        "GaussianNB": GaussianNB(),
        "KNeighborsClassifier(5)": KNeighborsClassifier(),
    }
    for name, model in models.items():
        pred = cross_val_predict(model, X, y, cv=10)
        bias = prediction_bias(y, pred)
        recall = np.array([np.mean(pred[y == c] == c) for c in range(10)])
        r = stats.pearsonr(bias, recall)[0]
        rho, p = stats.spearmanr(bias, recall)
        print(
            f"| {name} | {r:.3f} | {rho:.3f} | {p:.3g} | {bias.max():.3f} "
            f"| {recall.min():.3f} |"
        )


def main(argv=None):
    import sys

    only = set(
        (sys.argv[1:] if argv is None else argv) or ["spurious", "majority", "digits"]
    )
    warnings.simplefilter("ignore")
    if "spurious" in only:
        spurious_table()
    if "majority" in only:
        majority_minority_table()
    if "digits" in only:
        digits_table()


if __name__ == "__main__":
    main()
