"""The audit's fold fits: one thread per fit against every core per fit.

Groups
------
``audit-threads``
    ``skclassgap audit --model hgb`` on the penguins table shipped with the
    tests (344 rows): the baseline and class-weight pipelines, 5 folds, as
    the audit runs them (``skclassgap.cli.audit._folds.run_folds``); the quick set
    times the baseline alone, once (the peer takes half a minute or more).
    Ours: each fit under ``threadpool_limits(1)`` (the audit's default,
    ``--threads 1``); peer: each fit with as many OpenMP/BLAS threads as
    cores, which is what a fit does without a limit (the audit before the
    thread policy). On a busy 2-core machine the OpenMP threads of many small
    gradient-boosting
    fits oversubscribe the cores. The check column asserts identical
    out-of-fold predictions.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from benchmarks._harness import Case

DATA = Path(__file__).resolve().parents[1] / "tests" / "cli" / "audit" / "data"
PENGUINS = DATA / "penguins.csv"


class _Quiet:
    done = 0

    def update(self, label):
        pass

    def advance(self, steps=1):
        pass

    def fold_done(self, fold, n_folds, results, shared_seconds):
        pass


def _setup(names):
    from skclassgap.cli.audit._clean import clean_table
    from skclassgap.cli.audit._models import MODELS
    from skclassgap.cli.audit._preprocess import make_encoder, make_preparation
    from skclassgap.cli.audit._strategies import Context, build

    frame = pd.read_csv(PENGUINS, na_values="?")
    y = frame.pop("species").to_numpy(dtype=object)
    cleaned = clean_table(frame)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(frame, y))
    context = Context(
        preparation=make_preparation(cleaned.kinds),
        encoder=make_encoder(cleaned.kinds),
        model=MODELS["hgb"](0),
        objective="g_mean",
        random_state=0,
        min_train_class=50,
        categorical=True,
    )
    built = {name: build(name, context) for name in names}
    return built, context, cleaned.X, y, splits


def _predictions(fits):
    return {key: value[0] for key, value in fits.items()}


def _check(ours, peer):
    for key in ours:
        np.testing.assert_array_equal(ours[key], peer[key])
    return f"same out-of-fold predictions ({len(ours)} fits)"


def cases(full=False):
    from skclassgap.cli.audit._folds import run_folds

    names = ("baseline", "class_weight") if full else ("baseline",)
    built, context, X, y, splits = _setup(names)

    def run(threads):
        return lambda: _predictions(
            run_folds(
                built,
                X,
                y,
                splits,
                preparation=context.preparation,
                encoder=context.encoder,
                n_jobs=1,
                threads=threads,
                progress=_Quiet(),
            )[0]
        )

    cores = os.cpu_count() or 1
    return [
        Case(
            "audit-threads",
            f"penguins hgb, {len(names)} x 5 folds, 1 vs {cores} threads",
            run(1),
            run(cores),
            f"{cores} threads a fit",
            _check,
            repeats=3 if full else 1,
            memory=False,
        )
    ]
