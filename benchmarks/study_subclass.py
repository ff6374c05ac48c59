"""Sub-populations inside classes: oracle bound, discovery, balancing recipes.

Not a timing benchmark: it prints Markdown tables (mean and standard
deviation over seeds) for three tasks whose sub-classes are known:

- ``digits``: scikit-learn's digits as two classes, {0-4} against {5-9},
  digit 3 cut to 8 training rows (half the rows held out, stratified by
  digit); pixels scaled to [0, 1]; the rare sub-class is digit 3;
- ``wine``: scikit-learn's wine, cultivars {0, 2} against {1}, cultivar 2
  cut to 6 training rows (standardised on the training rows); the rare
  sub-class is cultivar 2;
- ``planted``: :func:`skclassgap.datasets.make_subclass_classification`
  (defaults, 4000 rows, half held out); the rare sub-classes are planted.

For each recipe: held-out recall of the rare sub-class, accuracy, and for
the discovery the share of rare rows in the worst discovered sub-class of
the rare rows' class (on held-out predictions) and the adjusted Rand index
of the training-row sub-classes against the truth. The oracle knows the
sub-classes. Every model is ``LogisticRegression(max_iter=2000)``.

    python -m benchmarks.study_subclass [digits] [wine] [planted] [--seeds 10]
"""

import argparse
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skclassgap.datasets import make_subclass_classification
from skclassgap.over_sampling import SMOTE
from skclassgap.subclass import SubclassBalancer, subclass_report


def _model():
    return LogisticRegression(max_iter=2000)


def _cut(X, sub, keep_rows, group, seed):
    """Drop all but ``keep_rows`` training rows of sub-class ``group``."""
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(sub == group)
    drop = rng.choice(rows, size=len(rows) - keep_rows, replace=False)
    return np.setdiff1d(np.arange(len(sub)), drop)


def digits_task(seed):
    X, digit = load_digits(return_X_y=True)
    X = X / 16.0
    X_tr, X_te, d_tr, d_te = train_test_split(
        X, digit, test_size=0.5, stratify=digit, random_state=seed
    )
    keep = _cut(X_tr, d_tr, 8, 3, seed)
    X_tr, d_tr = X_tr[keep], d_tr[keep]
    return X_tr, X_te, (d_tr >= 5).astype(int), (d_te >= 5).astype(int), d_tr, d_te, 3


def wine_task(seed):
    X, cultivar = load_wine(return_X_y=True)
    X_tr, X_te, c_tr, c_te = train_test_split(
        X, cultivar, test_size=0.5, stratify=cultivar, random_state=seed
    )
    keep = _cut(X_tr, c_tr, 6, 2, seed)
    X_tr, c_tr = X_tr[keep], c_tr[keep]
    scaler = StandardScaler().fit(X_tr)
    y_tr, y_te = (c_tr == 1).astype(int), (c_te == 1).astype(int)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te, c_tr, c_te, 2


def planted_task(seed):
    data = make_subclass_classification(n_samples=4000, random_state=seed)
    X, y = data.data, data.target
    rare = np.where(data.rare, -1, data.subclass)  # every rare sub-class as -1
    h = 2000
    return X[:h], X[h:], y[:h], y[h:], data.subclass[:h], rare[h:], -1


TASKS = {"digits": digits_task, "wine": wine_task, "planted": planted_task}


def _fit_eval(X_tr, y_tr, X_te, y_te, rare_te, weight=None, data=None):
    if data is not None:
        X_tr, y_tr = data
    pred = _model().fit(X_tr, y_tr, sample_weight=weight).predict(X_te)
    return float(np.mean(pred[rare_te] == y_te[rare_te])), float(np.mean(pred == y_te))


def _worst_purity(report, labels, y_te, rare_te):
    """Share of rare rows in the worst sub-class of the rare rows' class."""
    cls = np.bincount(y_te[rare_te]).argmax()
    table = report.table.loc[cls]
    table = table[table["support"] >= 5]
    worst = table.index[np.lexsort((-table["support"], table["recall"]))[0]]
    in_worst = (y_te == cls) & (labels == worst)
    return float(np.mean(rare_te[in_worst]))


def run_task(name, seeds):
    rows = {}

    def add(key, *values):
        rows.setdefault(key, []).append(values)

    for seed in seeds:
        _run_seed(name, seed, add)
    return rows


def _run_seed(name, seed, add):
    X_tr, X_te, y_tr, y_te, sub_tr, sub_te, rare_value = TASKS[name](seed)
    rare_te = sub_te == rare_value

    def ev(w=None, data=None):
        return _fit_eval(X_tr, y_tr, X_te, y_te, rare_te, w, data)

    add(("plain", "-"), *ev())
    # Oracles: the true sub-classes, balanced inside each class.
    for strategy in ("keep", "balance"):
        bal = SubclassBalancer(strategy, random_state=seed)
        bal.fit(X_tr, y_tr, subclasses=sub_tr)
        add((f"oracle ({strategy} classes)", 1.0), *ev(bal.sample_weight_))
    oracle = SubclassBalancer(alpha=0.5, random_state=seed)
    oracle.fit(X_tr, y_tr, subclasses=sub_tr)
    add(("oracle (keep classes)", 0.5), *ev(oracle.sample_weight_))
    # Baselines of the issue: k-means on the features, 10 per class; JTT.
    km = np.zeros(len(y_tr), dtype=np.int64)
    for c in np.unique(y_tr):
        r = np.flatnonzero(y_tr == c)
        km[r] = KMeans(min(10, len(r)), n_init=4, random_state=seed).fit_predict(
            X_tr[r]
        )
    bal = SubclassBalancer(random_state=seed).fit(X_tr, y_tr, subclasses=km)
    add(("k-means 10/class, balanced", 1.0), *ev(bal.sample_weight_))
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    oof = cross_val_predict(_model(), X_tr, y_tr, cv=cv)
    for lam in (5, 20):
        add((f"JTT, errors x{lam}", "-"), *ev(np.where(oof != y_tr, lam, 1.0)))
    # SubclassBalancer: discovery then balancing, several recipes.
    recipes = {
        "features, diag (default)": dict(estimator=None),
        "features, full": dict(estimator=None, covariance_type="full"),
        "error-aware, diag": dict(estimator=_model()),
        "error-aware, full": dict(estimator=_model(), covariance_type="full"),
    }
    for recipe, params in recipes.items():
        bal = SubclassBalancer(random_state=seed, **params).fit(X_tr, y_tr)
        found = bal.subclasses_
        ari = np.mean(
            [
                adjusted_rand_score(sub_tr[y_tr == c], found[y_tr == c])
                for c in np.unique(y_tr)
            ]
        )
        alphas = (0.25, 0.5, 0.75, 1.0) if recipe.endswith("(default)") else (1.0,)
        for alpha in alphas:
            b = SubclassBalancer(alpha=alpha, random_state=seed)
            b.fit(X_tr, y_tr, subclasses=found)
            add(("balancer: " + recipe, alpha), *ev(b.sample_weight_), ari)
        if recipe.endswith("(default)"):
            X_c, y_c = SubclassBalancer(random_state=seed).fit_resample(
                X_tr, y_tr, subclasses=found
            )
            add(("balancer: " + recipe + ", copies", 1.0), *ev(data=(X_c, y_c)), ari)
            smallest = np.bincount(
                np.unique(y_tr * 1000 + found, return_inverse=True)[1]
            ).min()
            k = int(min(5, smallest - 1))
            if k >= 1:
                X_s, y_s = SubclassBalancer(
                    oversampler=SMOTE(k_neighbors=k), random_state=seed
                ).fit_resample(X_tr, y_tr, subclasses=found)
                add(
                    (
                        "balancer: " + recipe + ", SMOTE k=min(5, smallest cell - 1)",
                        1.0,
                    ),
                    *ev(data=(X_s, y_s)),
                    ari,
                )
    # Discovery on held-out predictions (the audit): worst sub-class purity.
    model = _model().fit(X_tr, y_tr)
    pred = model.predict(X_te)
    for recipe, params in {
        "features, diag (default)": {},
        "features, full": dict(covariance_type="full"),
        "error-aware, diag": dict(method="error-aware"),
        "error-aware, full": dict(method="error-aware", covariance_type="full"),
    }.items():
        report, labels = subclass_report(
            X_te, y_te, pred, random_state=seed, return_labels=True, **params
        )
        add(
            ("report: " + recipe, "purity"),
            _worst_purity(report, labels, y_te, rare_te),
        )


def print_table(name, rows, n_seeds):
    print(f"\n### {name} ({n_seeds} seeds; mean ± std)\n")
    print("| recipe | alpha | rare recall | accuracy | ARI (train) |")
    print("|---|---|---|---|---|")
    for (recipe, alpha), values in rows.items():
        if alpha == "purity":
            continue
        v = np.array(values, dtype=float)
        m, s = v.mean(axis=0), v.std(axis=0)
        ari = f"{m[2]:.2f}" if v.shape[1] > 2 else "-"
        print(
            f"| {recipe} | {alpha} | {m[0]:.3f} ± {s[0]:.3f} | "
            f"{m[1]:.3f} ± {s[1]:.3f} | {ari} |"
        )
    print("\nWorst discovered sub-class of the rare rows' class, on held-out")
    print("predictions of the plain model: share of rare rows in it.\n")
    print("| discovery | mean | min |")
    print("|---|---|---|")
    for (recipe, alpha), values in rows.items():
        if alpha != "purity":
            continue
        v = np.array(values, dtype=float)[:, 0]
        print(f"| {recipe[len('report: ') :]} | {v.mean():.2f} | {v.min():.2f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", nargs="*", default=list(TASKS))
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    with threadpool_limits(limits=1):
        for name in args.tasks:
            rows = run_task(name, range(args.seeds))
            print_table(name, rows, args.seeds)


if __name__ == "__main__":
    main()
