"""Spectral benchmarks: class_spectra speed/memory, and the evidence runs of issue 6.

``python -m benchmarks --only spectral [--full]`` times :func:`class_spectra`
against one Gram matrix ``X.T @ X`` (the floor: the same flops, no grouping)
and against a masked per-class NumPy loop + ``eigvalsh``.

``python -m benchmarks.bench_spectral`` prints the evidence tables (theory vs
held-out errors, Spearman correlations, SpectralBalancer vs StandardScaler).
"""

import sys

import numpy as np

from benchmarks._harness import Case
from skclassgap.spectral import class_spectra


def _data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float32)
    X *= np.linspace(2.0, 0.1, d, dtype=np.float32)
    X += 3.0
    y = rng.integers(0, k, n)
    return X, y


def _masked_loop(X, y):
    values = []
    for c in np.unique(y):
        Xc = X[y == c]
        Xc = Xc - Xc.mean(axis=0)
        values.append(np.linalg.eigvalsh(Xc.T @ Xc / len(Xc))[::-1])
    return np.array(values)


def _check_eigenvalues(ours, peer):
    ours = ours.eigenvalues if hasattr(ours, "eigenvalues") else ours
    if (
        np.ndim(peer) == 2
        and peer.shape[0] == peer.shape[1]
        and peer.shape[0] == ours.shape[1]
    ):
        return "Gram (no check)"
    err = np.abs(ours - peer).max() / np.abs(peer).max()
    assert err < 1e-3, err
    return f"max rel diff {err:.1e}"


def cases(full=False):
    sizes = [(100_000, 128, 10)]
    if full:
        sizes.append((1_000_000, 256, 10))
    out = []
    for n, d, k in sizes:
        X, y = _data(n, d, k)
        name = f"class_spectra {n:.0e}x{d} f32 K={k}"
        repeats = 5 if n <= 100_000 else 3
        out.append(
            Case(
                "spectral",
                name,
                lambda X=X, y=y: class_spectra(X, y),
                lambda X=X: X.T @ X,
                "X.T @ X",
                _check_eigenvalues,
                repeats=repeats,
            )
        )
        out.append(
            Case(
                "spectral",
                name,
                lambda X=X, y=y: class_spectra(X, y),
                lambda X=X, y=y: _masked_loop(X, y),
                "masked loop + eigvalsh",
                _check_eigenvalues,
                repeats=repeats,
            )
        )
    return out


# -- evidence -----------------------------------------------------------------


def _per_class_errors(y_true, y_pred, classes):
    return np.array([np.mean(y_pred[y_true == c] != c) for c in classes])


def theory_vs_held_out(n_test=100_000, seed=0):
    """Largest |predicted - held-out| per-class error of a logistic regression."""
    from sklearn.linear_model import LogisticRegression

    from skclassgap.datasets import make_spectral_mixture
    from skclassgap.spectral import predicted_class_errors

    rows = []
    for d, k in [(20, 3), (64, 10)]:
        X, y = make_spectral_mixture(10_000 + n_test, d, k, random_state=seed)
        clf = LogisticRegression(max_iter=2000).fit(X[:10_000], y[:10_000])
        Xt, yt = X[10_000:], y[10_000:]
        table = predicted_class_errors(clf, Xt, yt, n_draws=400_000)
        held = _per_class_errors(yt, clf.predict(Xt), clf.classes_)
        diff = np.abs(table["predicted_error"].to_numpy() - held)
        rows.append((d, k, n_test, diff.max(), held.min(), held.max()))
    print(
        "| d | K | test rows | max abs(predicted - held-out) "
        "| held-out errors min..max |"
    )
    print("|---:|---:|---:|---:|---|")
    for d, k, n, diff, lo, hi in rows:
        print(f"| {d} | {k} | {n} | {diff:.4f} | {lo:.3f}..{hi:.3f} |")


def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X, y


def correlations(seed=0):
    """Spearman correlations of per-class measures with per-class errors.

    The errors are those of a linear head.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skclassgap.datasets import make_spectral_mixture
    from skclassgap.spectral import spectral_error_correlation, spectral_imbalance

    sets = {}
    X, y = make_spectral_mixture(40_000, 64, 10, random_state=seed)
    sets["spectral mixture d=64 K=10"] = (X, y)
    X, y = make_spectral_mixture(40_000, 20, 5, random_state=seed)
    sets["spectral mixture d=20 K=5"] = (X, y)
    sets["digits (pixels) K=10"] = _digits()
    print("| data | measure | Spearman rho | p-value | classes |")
    print("|---|---|---:|---:|---:|")
    for name, (X, y) in sets.items():
        head = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
        pred = cross_val_predict(head, X, y, cv=5)
        errors = _per_class_errors(y, pred, np.unique(y))
        measures = spectral_imbalance(X, y, shrinkage="ledoit_wolf").drop(
            columns="n_samples"
        )
        table = spectral_error_correlation(measures, errors)
        for measure, row in table.iterrows():
            print(
                f"| {name} | {measure} | {row.spearman_rho:+.2f} | {row.p_value:.3f} | "
                f"{int(row.n_classes)} |"
            )


def mitigation(seed=0):
    """SpectralBalancer variants vs StandardScaler, each + LogisticRegression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skclassgap.datasets import make_spectral_mixture
    from skclassgap.spectral import SpectralBalancer

    sets = {
        "mixture d=20 K=5": make_spectral_mixture(6_000, 20, 5, random_state=seed),
        "mixture d=64 K=10 n=2000": make_spectral_mixture(
            2_000, 64, 10, random_state=seed
        ),
        "digits": _digits(),
    }
    configs = {"StandardScaler": StandardScaler()}
    for ref in ["pooled", "worst"]:
        for s in [0.5, 1.0]:
            configs[f"SB {ref} s={s}"] = SpectralBalancer(reference=ref, strength=s)
    print("| data | LR C | preprocessing | accuracy | worst-class recall | class gap |")
    print("|---|---:|---|---:|---:|---:|")
    for C in [1.0, 0.01]:
        for name, (X, y) in sets.items():
            for cname, pre in configs.items():
                pipe = make_pipeline(pre, LogisticRegression(C=C, max_iter=3000))
                pred = cross_val_predict(pipe, X, y, cv=5)
                recall = 1 - _per_class_errors(y, pred, np.unique(y))
                print(
                    f"| {name} | {C} | {cname} | {np.mean(pred == y):.4f} | "
                    f"{recall.min():.4f} | {recall.max() - recall.min():.4f} |",
                    flush=True,
                )


if __name__ == "__main__":
    which = sys.argv[1:] or ["theory", "correlations", "mitigation"]
    for part in which:
        {
            "theory": theory_vs_held_out,
            "correlations": correlations,
            "mitigation": mitigation,
        }[part]()
        print()
