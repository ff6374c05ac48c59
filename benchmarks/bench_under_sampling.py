"""Under-samplers and combinations against imbalanced-learn: time, peak memory,
the same rows.

``python -m benchmarks --only under_sampling [--full]`` (not in the default
set: imbalanced-learn's cleaners take tens of seconds at the target sizes).

Data: ``make_classification`` with 20 features (10 informative) and a 10 %
minority, and the imbalanced-learn #817 workload (30,000 x 63, weights
``[0.95, 0.05]``, the other parameters at their defaults).

- Quick: TomekLinks, EditedNearestNeighbours, AllKNN,
  NeighbourhoodCleaningRule at 2 * 10**4 x 20, SMOTEENN and SMOTETomek at
  10**4 x 20, CondensedNearestNeighbour at 2,000 x 20.
- Full: the targets of the issue -- the four cleaners at 10**5 x 20,
  SMOTEENN and SMOTETomek at 5 * 10**4 and 10**5 x 20, SMOTETomek on the
  #817 workload, CondensedNearestNeighbour at 10**4 x 20.

Ours and imbalanced-learn's run in the same process on the same arrays,
interleaved, with their default ``n_jobs`` (every core for both). The
checks: the deterministic cleaners return imbalanced-learn's
``sample_indices_``; a combination's cleaning step, run by imbalanced-learn
on *our* over-sampled data, removes the rows ours removes (the SMOTE draws
of the two libraries differ, so their outputs are compared step by step);
CondensedNearestNeighbour keeps the same number of rows up to the documented
difference (imbalanced-learn skips some rows, see the user guide), and the
kept counts of both are printed. CondensedNearestNeighbour is timed once per
side, in one call that also measures its memory (imbalanced-learn takes
minutes there).
"""

import time

import numpy as np
from imblearn import combine as imb_combine
from imblearn import under_sampling as imb
from sklearn.datasets import make_classification

from benchmarks._harness import Case, peak_extra_memory
from skclassgap import combine as ours_combine
from skclassgap import under_sampling as ours

# Neighbour-based samplers whose sample_indices_ equal imbalanced-learn's.
DETERMINISTIC = (
    "TomekLinks",
    "EditedNearestNeighbours",
    "AllKNN",
    "NeighbourhoodCleaningRule",
)


def _binary(n, d=20, seed=0):
    return make_classification(
        n_samples=n,
        n_features=d,
        n_informative=min(d, 10),
        weights=[0.9],
        random_state=seed,
    )


def _issue_817():
    return make_classification(
        n_samples=30_000, n_features=63, weights=[0.95, 0.05], random_state=0
    )


def _same_indices(a, b):
    np.testing.assert_array_equal(a.sample_indices_, b.sample_indices_)
    return f"same sample_indices_ ({len(a.sample_indices_)} rows kept)"


def _fitted(cls, X, y, **params):
    def run():
        sampler = cls(**params)
        sampler.fit_resample(X, y)
        return sampler

    return run


def _cleaner_case(name, X, y, label, repeats):
    return Case(
        group="under_sampling",
        name=f"{name} {label}",
        ours=_fitted(getattr(ours, name), X, y),
        peer=_fitted(getattr(imb, name), X, y),
        peer_name=f"imblearn.{name}",
        check=_same_indices,
        repeats=repeats,
    )


def _combination_check(X, y, cleaner_name, cleaner_params):
    """Our over-sampled data cleaned by imbalanced-learn's cleaner removes the
    rows ours removes; the kept rows of both combinations are reported."""

    def check(a, b):
        X_over, y_over = a.over_sampler_.fit_resample(X, y)
        peer_cleaner = getattr(imb, cleaner_name)(**cleaner_params)
        peer_cleaner.fit_resample(X_over, y_over)
        np.testing.assert_array_equal(
            np.sort(a.cleaner_.sample_indices_), np.sort(peer_cleaner.sample_indices_)
        )
        # imbalanced-learn's combinations record no sample_indices_.
        return (
            "cleaning step = imblearn's on our SMOTE output; ours kept "
            f"{len(a.sample_indices_)} rows"
        )

    return check


def _combination_case(name, X, y, label, repeats):
    cleaner = ("EditedNearestNeighbours", {"sampling_strategy": "all"})
    if name == "SMOTETomek":
        cleaner = ("TomekLinks", {"sampling_strategy": "all"})
    return Case(
        group="combine",
        name=f"{name} {label}",
        ours=_fitted(getattr(ours_combine, name), X, y, random_state=0),
        peer=_fitted(getattr(imb_combine, name), X, y, random_state=0),
        peer_name=f"imblearn.{name}",
        check=_combination_check(X, y, *cleaner),
        repeats=repeats,
    )


def _timed_once(cls, X, y):
    """One call: its seconds, its peak extra memory and the kept counts."""

    def run():
        sampler = cls(random_state=0)
        start = time.perf_counter()
        mib = peak_extra_memory(lambda: sampler.fit_resample(X, y))
        return {
            "seconds": time.perf_counter() - start,
            "mib": mib,
            "kept": np.bincount(y[sampler.sample_indices_]).tolist(),
        }

    return run


def _cnn_check(a, b):
    ours_run, peer_run = a[0], b[0]
    return (
        f"kept {ours_run['kept']} vs imblearn {peer_run['kept']}; peak MiB "
        f"{ours_run['mib']:.0f} vs {peer_run['mib']:.0f}"
    )


def _cnn_case(n, repeats=1):
    X, y = _binary(n)
    ours.CondensedNearestNeighbour(random_state=0).fit_resample(X[:500], y[:500])
    return Case(
        group="under_sampling",
        name=f"CondensedNearestNeighbour {n:.0e}x20 9:1",
        ours=_timed_once(ours.CondensedNearestNeighbour, X, y),
        peer=_timed_once(imb.CondensedNearestNeighbour, X, y),
        peer_name="imblearn.CondensedNearestNeighbour",
        check=_cnn_check,
        repeats=repeats,
        memory=False,
        self_timed=True,
    )


def cases(full=False):
    if not full:
        X, y = _binary(2 * 10**4)
        Xc, yc = _binary(10**4)
        return [
            *(_cleaner_case(name, X, y, "2e4x20 9:1", 2) for name in DETERMINISTIC),
            _combination_case("SMOTEENN", Xc, yc, "1e4x20 9:1", 2),
            _combination_case("SMOTETomek", Xc, yc, "1e4x20 9:1", 2),
            _cnn_case(2_000),
        ]
    X, y = _binary(10**5)
    out = [_cleaner_case(name, X, y, "1e5x20 9:1", 2) for name in DETERMINISTIC]
    for n in (5 * 10**4, 10**5):
        Xc, yc = _binary(n)
        for name in ("SMOTEENN", "SMOTETomek"):
            out.append(_combination_case(name, Xc, yc, f"{n:.0e}x20 9:1", 2))
    X817, y817 = _issue_817()
    out.append(_combination_case("SMOTETomek", X817, y817, "#817 3e4x63 95:5", 2))
    out.append(_cnn_case(10**4))
    return out
