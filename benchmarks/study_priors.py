"""Worked studies with numbers for decisions under class priors.

Not a timing benchmark: it prints Markdown tables.

- ``offsets``: held-out worst-class recall and balanced accuracy of the plain
  estimator, LogitAdjustedClassifier and ThresholdCalibrator (multiclass
  offsets, ``worst_class_recall``) on digits with classes 0-4 cut to 15 rows
  (half of them for training) and on make_classification with 5 classes at
  imbalance ratio 50; one row per seed (20 seeds) with the calibrator's
  differences to the other two, their paired bootstrap standard errors over
  the held-out rows and whether each is within noise (not below zero by
  more than two standard errors), the calibrator's out-of-fold balanced
  accuracy minus the prior correction's (what its guard sees), then the
  means and the mean differences with their standard errors over the
  seeds.
- ``quantify``: mean absolute error of estimated target priors under label
  shift (target priors drawn from a flat Dirichlet, 100 draws of 500 rows)
  on digits and a Gaussian mixture, logistic regression: ours (EM with BCTS,
  TS or no calibration; BBSE with BCTS or none) against QuaPy's EMQ (plain
  and with its BCTS recalibration) and ACC on the same data and classifier
  (when QuaPy is installed), and accuracy on the target sample before and
  after adaptation, and with the true target prior.
- ``calibration``: held-out Brier score and expected calibration error after
  SMOTE on a 1 % minority: plain estimator, SMOTE, SMOTE with probabilities
  moved back to the original prior.

    python -m benchmarks.study_priors [offsets] [quantify] [calibration]
"""

import importlib.util
import sys
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import cross_val_predict, train_test_split

from skclassgap.compose import ResampledClassifier
from skclassgap.over_sampling import SMOTE
from skclassgap.threshold import (
    LogitAdjustedClassifier,
    PriorShiftAdapter,
    ThresholdCalibrator,
)
from skclassgap.threshold._temperature import calibrated_log_proba, proba_logits
from skclassgap.utils._priors import shift_proba

SEEDS = range(5)
# Seeds of the offsets study, bootstrap replicates of its held-out rows, and
# the standard errors a difference may fall below zero and still be noise.
OFFSET_SEEDS = range(20)
N_REPLICATES = 200
NOISE_SE = 2.0


def _rare_digits(seed, n_rare=15):
    """Digits, classes 0-4 cut to ``n_rare`` rows each, split half/half."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    keep = [
        rng.choice(np.flatnonzero(y == c), n_rare, replace=False)
        if c < 5
        else np.flatnonzero(y == c)
        for c in range(10)
    ]
    rows = np.concatenate(keep)
    return train_test_split(
        X[rows] / 16.0, y[rows], test_size=0.5, stratify=y[rows], random_state=seed
    )


def _ratio50(seed):
    """5 Gaussian-cluster classes, largest/smallest = 50, split half/half."""
    weights = np.geomspace(1.0, 1 / 50, 5)
    X, y = make_classification(
        n_samples=4000,
        n_features=20,
        n_informative=8,
        n_classes=5,
        n_clusters_per_class=1,
        weights=weights / weights.sum(),
        class_sep=1.0,
        random_state=seed,
    )
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)


def _recall_summaries(y, preds, weights, n_classes):
    """Worst-class recall and balanced accuracy of each prediction, per weighting.

    ``preds`` has shape (n_models, n) and ``weights`` (n_replicates, n); the
    result has shape (2, n_models, n_replicates).
    """
    onehot = np.eye(n_classes)[y]
    support = weights @ onehot
    recalls = np.stack([weights @ (onehot * (p == y)[:, None]) for p in preds])
    with np.errstate(divide="ignore", invalid="ignore"):
        recalls = recalls / support
    return np.stack([np.nanmin(recalls, axis=-1), np.nanmean(recalls, axis=-1)])


def _held_out(y, preds, n_classes, seed):
    """Held-out worst-class recall and balanced accuracy of each prediction, and
    the bootstrap standard error of each difference to the last prediction.

    The standard errors come from ``N_REPLICATES`` Poisson(1) bootstrap
    replicates of the held-out rows, every prediction scored on the same
    replicate (paired), so they measure how much the difference would move on
    another held-out sample of the same size.
    """
    values = _recall_summaries(y, preds, np.ones((1, y.shape[0])), n_classes)[..., 0]
    rng = np.random.default_rng(seed)
    boot = _recall_summaries(
        y, preds, rng.poisson(1.0, (N_REPLICATES, y.shape[0])), n_classes
    )
    se = np.nanstd(boot[:, -1:] - boot, axis=-1, ddof=1)
    return values, se


def _within(diff, se):
    """``"yes"`` when ``diff`` is not below 0 by more than ``NOISE_SE`` ``se``."""
    return "yes" if diff >= -NOISE_SE * se - 1e-12 else "**no**"


def offsets_table():
    """Held-out worst-class recall / balanced accuracy per seed, differences to
    LogitAdjustedClassifier and to the plain model, and whether each is within
    noise; then the means, and the mean differences against their standard
    error over the seeds."""
    print(
        "Cells: worst-class recall / balanced accuracy on the held-out half. "
        "Differences are ThresholdCalibrator minus the other model, each with "
        f"its paired bootstrap standard error over the held-out rows "
        f"({N_REPLICATES} Poisson replicates); 'noise' says whether the "
        f"calibrator is not below the other by more than {NOISE_SE:g} standard "
        "errors (worst-class recall, balanced accuracy). 'out of fold': the "
        "calibrator's balanced accuracy minus the prior correction's on its own "
        "out-of-fold scores (the guard keeps it >= 0). Mean rows: the mean "
        "difference over the seeds with its standard error over the seeds.\n"
    )
    print(
        "| data | seed | plain | LogitAdjusted | ThresholdCalibrator "
        "| vs LogitAdjusted | noise | vs plain | noise | out of fold "
        "| shrinkage, guard |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for data_name, make in (
        ("digits 0-4 at 15 rows", _rare_digits),
        ("make_classification ratio 50", _ratio50),
    ):
        table, diffs, oof = [], [], []
        for seed in OFFSET_SEEDS:
            X_tr, X_te, y_tr, y_te = make(seed)
            lr = LogisticRegression(max_iter=2000)
            calib = ThresholdCalibrator(lr, objective="worst_class_recall", cv=3)
            models = (lr, LogitAdjustedClassifier(lr), calib)
            preds = np.stack([m.fit(X_tr, y_tr).predict(X_te) for m in models])
            n_classes = len(np.unique(y_te))
            values, se = _held_out(y_te, preds, n_classes, seed)
            log_proba = np.log(
                cross_val_predict(lr, X_tr, y_tr, cv=3, method="predict_proba")
            )
            prior = -np.log(np.bincount(y_tr) / len(y_tr))
            oof_preds = np.argmax(
                log_proba + np.stack([calib.offsets_, prior])[:, None], 2
            )
            ba = _recall_summaries(y_tr, oof_preds, np.ones((1, len(y_tr))), n_classes)
            oof.append(ba[1, 0, 0] - ba[1, 1, 0])
            # values[:, m]: (worst-class recall, balanced accuracy) of model m.
            vs = [(values[:, 2] - values[:, m], se[:, m]) for m in (1, 0)]
            table.append(values.T)
            diffs.append([d for d, _ in vs])
            cells = " | ".join(f"{w:.3f} / {b:.3f}" for w, b in values.T)
            comparisons = " | ".join(
                f"{d[0]:+.3f}±{s[0]:.3f} / {d[1]:+.3f}±{s[1]:.3f} | "
                f"{_within(d[0], s[0])} / {_within(d[1], s[1])}"
                for d, s in vs
            )
            guard = "guarded" if calib.guarded_ else "-"
            print(
                f"| {data_name} | {seed} | {cells} | {comparisons} | {oof[-1]:+.3f} "
                f"| {calib.shrinkage_:g} ({calib.start_}), {guard} |"
            )
        mean = np.mean(table, axis=0)
        diffs = np.asarray(diffs)  # (seed, vs, metric)
        d_mean = diffs.mean(axis=0)
        d_se = diffs.std(axis=0, ddof=1) / np.sqrt(diffs.shape[0])
        cells = " | ".join(f"**{w:.3f} / {b:.3f}**" for w, b in mean)
        comparisons = " | ".join(
            f"{d[0]:+.4f}±{s[0]:.4f} / {d[1]:+.4f}±{s[1]:.4f} | "
            f"{_within(d[0], s[0])} / {_within(d[1], s[1])}"
            for d, s in zip(d_mean, d_se, strict=True)
        )
        print(
            f"| {data_name} | mean of {diffs.shape[0]} | {cells} | {comparisons} "
            f"| {np.mean(oof):+.4f} | |"
        )


def _gaussian_mixture(n, prior, rng):
    means = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.8], [2.5, 2.0]])
    y = rng.choice(len(prior), size=n, p=prior)
    return means[y] + rng.normal(size=(n, 2)), y


def _shifted(X, y, prior, n, rng):
    """``n`` rows of (X, y) drawn with class prior ``prior`` (label shift)."""
    counts = rng.multinomial(n, prior)
    rows = np.concatenate(
        [
            rng.choice(np.flatnonzero(y == c), k, replace=True)
            for c, k in enumerate(counts)
            if k
        ]
    )
    return X[rows], y[rows]


# The adapters of the quantify study: (method, calibration).
OURS = {
    "ours EM, BCTS (default)": ("em", "bcts"),
    "ours EM, TS": ("em", "ts"),
    "ours EM, uncalibrated": ("em", None),
    "ours BBSE, BCTS": ("bbse", "bcts"),
    "ours BBSE, uncalibrated": ("bbse", None),
}


def _quapy_peers(lr):
    """QuaPy's EMQ (plain, and with its BCTS recalibration and the training
    prior from the calibrated out-of-fold probabilities) and ACC, fitted by
    the caller; an empty dict when QuaPy is not installed."""
    if importlib.util.find_spec("quapy") is None:
        return {}
    from quapy.method.aggregative import ACC, EMQ

    return {
        "QuaPy EMQ": EMQ(clone(lr)),
        "QuaPy EMQ, BCTS": EMQ(
            clone(lr), val_split=5, calib="bcts", exact_train_prev=False
        ),
        "QuaPy ACC": ACC(clone(lr)),
    }


def quantify_table(n_draws=100):
    """MAE of estimated priors (ours with and without calibration vs QuaPy) and
    accuracy before/after adaptation."""
    print(
        "Accuracy on the target sample: 'before' is the plain estimator's "
        "argmax, 'calibrated' the adapter's before adapt (BCTS biases may move "
        "it), 'after' after adapt, 'true prior' the (calibrated) probabilities "
        "moved to the sample's true prior; QuaPy's 'after' is the argmax of "
        "EMQ's EM posteriors. T: fitted temperature.\n"
    )
    print(
        "| data | method | T | MAE of prior | accuracy before | calibrated | after "
        "| after, true prior |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    X_d, y_d = load_digits(return_X_y=True)
    X_d = X_d / 16.0
    X_g, y_g = _gaussian_mixture(12000, np.full(4, 0.25), rng)
    # digits with C=1 gives under-confident probabilities (fitted T < 1);
    # C=10 is closer to calibrated.
    for name, X, y, C in (
        ("digits, LR C=1", X_d, y_d, 1.0),
        ("digits, LR C=10", X_d, y_d, 10.0),
        ("Gaussian mixture, LR", X_g, y_g, 1.0),
    ):
        X_tr, X_pool, y_tr, y_pool = train_test_split(
            X, y, test_size=0.5, stratify=y, random_state=0
        )
        n_classes = len(np.unique(y))
        lr = LogisticRegression(C=C, max_iter=5000)
        ours = {
            key: PriorShiftAdapter(lr, method=method, calibration=calib).fit(X_tr, y_tr)
            for key, (method, calib) in OURS.items()
        }
        peers = {k: m.fit(X_tr, y_tr) for k, m in _quapy_peers(lr).items()}
        errors = {k: [] for k in (*ours, *peers)}
        accuracy = {k: {} for k in (*ours, *peers)}
        for _ in range(n_draws):
            prior = rng.dirichlet(np.ones(n_classes))
            X_t, y_t = _shifted(X_pool, y_pool, prior, 500, rng)
            true = np.bincount(y_t, minlength=n_classes) / len(y_t)
            for key, model in ours.items():
                raw = model.estimator_.predict_proba(X_t)
                proba = raw
                if model.calibration is not None:
                    proba = np.exp(
                        calibrated_log_proba(
                            proba_logits(raw), model.temperature_, model.bias_
                        )
                    )
                oracle = shift_proba(proba, model.train_prior_, true)
                model.adapt(X_t)
                errors[key].append(np.abs(model.target_prior_ - true).mean())
                for column, pred in (
                    ("before", np.argmax(raw, axis=1)),
                    ("calibrated", np.argmax(proba, axis=1)),
                    ("after", np.searchsorted(model.classes_, model.predict(X_t))),
                    ("true", np.argmax(oracle, axis=1)),
                ):
                    accuracy[key].setdefault(column, []).append(np.mean(pred == y_t))
            for key, model in peers.items():
                errors[key].append(np.abs(model.predict(X_t) - true).mean())
                if hasattr(model, "predict_proba"):
                    pred = np.argmax(model.predict_proba(X_t), axis=1)
                    accuracy[key].setdefault("after", []).append(np.mean(pred == y_t))
        for key, errs in errors.items():
            acc = {k: f"{np.mean(v):.4f}" for k, v in accuracy[key].items()}
            temperature = f"{ours[key].temperature_:.3f}" if key in ours else ""
            print(
                f"| {name} | {key} | {temperature} | {np.mean(errs):.4f} "
                f"| {acc.get('before', '')} | {acc.get('calibrated', '')} "
                f"| {acc.get('after', '')} | {acc.get('true', '')} |"
            )
    if not peers:
        print("\n(QuaPy is not installed: peers skipped; pip install quapy)")


def _ece(y, p, n_bins=10):
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return sum(
        np.mean(bins == b) * abs(y[bins == b].mean() - p[bins == b].mean())
        for b in np.unique(bins)
    )


def calibration_table():
    """Brier and ECE: plain, SMOTE, SMOTE with proba_prior='original'."""
    print("| seed | plain Brier / ECE | SMOTE Brier / ECE | SMOTE + original |")
    print("|---|---|---|---|")
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
        clf = ResampledClassifier(LogisticRegression(), sampler=SMOTE(random_state=0))
        probas = [
            LogisticRegression().fit(X_tr, y_tr).predict_proba(X_te)[:, 1],
            clf.fit(X_tr, y_tr).predict_proba(X_te)[:, 1],
            clf.set_params(proba_prior="original").predict_proba(X_te)[:, 1],
        ]
        cells = " | ".join(
            f"{brier_score_loss(y_te, p):.4f} / {_ece(y_te, p):.4f}" for p in probas
        )
        print(f"| {seed} | {cells} |")


def main(argv=None):
    only = set(
        (sys.argv[1:] if argv is None else argv)
        or ["offsets", "quantify", "calibration"]
    )
    warnings.simplefilter("ignore")
    if "offsets" in only:
        offsets_table()
    if "quantify" in only:
        quantify_table()
    if "calibration" in only:
        calibration_table()


if __name__ == "__main__":
    main()
