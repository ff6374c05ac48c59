"""The JSON-able result of an audit, and the story it leads with.

The text and HTML renderings read this result (plus the frames behind it);
the JSON file is this result.
"""

import numpy as np

from skclassgap import __version__
from skclassgap.cli.audit._measure import metric_column

HEADLINE_NOTE = "the out-of-fold predictions of every row together, first repetition"
TABLE_NOTE = "mean over the folds"
# Why the pooled and the fold-mean headline figures may differ.
POOLED_NOTE = (
    "pooled: the metric of every row's out-of-fold prediction together; fold "
    "mean: the mean of the metric over the {n_folds} folds, which the strategy "
    "table and the verdict compare. They differ for metrics that are not a mean "
    "over rows (g-mean, worst-class recall, class gap): a fold where a class's "
    "recall is 0 has a g-mean of 0."
)
FIT_NOTE = (
    "fit s: seconds spent fitting, summed over the {n_folds} folds "
    "(not the preprocessing, fitted once per fold and shared, nor the "
    "baseline's model that logit_adjustment and cost_sensitive reuse)"
)
# What each column of the spectral table means (one line each).
SPECTRAL_LEGEND = {
    "n_samples": "rows of the class",
    "trace": "total variance of the class's preprocessed features",
    "top_k_energy_share": "share of that variance in the 10 largest eigenvalues",
    "effective_rank": "exp of the entropy of the normalised eigenvalues: how many "
    "directions carry the class's variance",
    "decay_exponent": "slope of log eigenvalue against log rank (larger: variance "
    "in fewer directions)",
}


def build_result(args, data, context, outcomes, ranked, baseline):
    """The JSON-able result of the audit (without its verdict, preprocessing,
    spectra, recalls and story, which :func:`~skclassgap.cli.audit._run.run`
    adds)."""
    objective_column, _, objective_greater = metric_column(args.objective)
    names = ["baseline", *(n for n in outcomes if n != "baseline")]
    n_folds = args.cv * args.repeats
    return {
        "skclassgap_version": __version__,
        "data": {
            "source": data.source,
            "target": data.target,
            "n_rows": int(len(data.y)),
            "n_features": int(data.cleaned.X.shape[1]),
            "n_columns_read": data.n_columns,
            "n_classes": int(len(np.unique(data.y))),
        },
        "model": {"name": args.model, "estimator": repr(context.model)},
        "cv": {
            "n_splits": args.cv,
            "n_repeats": args.repeats,
            "n_folds": n_folds,
            "shuffle": True,
            "random_state": args.random_state,
        },
        "execution": {
            "n_jobs": args.n_jobs,
            "threads_option": getattr(args, "threads_option", args.threads),
            "threads_per_fit": args.threads,
            "blas_threads_per_fit": getattr(args, "blas_threads", args.threads),
        },
        "objective": {
            "name": args.objective,
            "column": objective_column,
            "greater_is_better": objective_greater,
        },
        "notes": {
            "headline": "baseline headline (pooled) and per-class numbers: "
            f"{HEADLINE_NOTE}; per-class intervals: stratified bootstrap over rows",
            "pooled_vs_fold_mean": POOLED_NOTE.format(n_folds=n_folds),
            "strategies": "strategy metrics: "
            + TABLE_NOTE
            + "; change: paired per-fold difference against the baseline, "
            "its interval by the corrected resampled t; strategies whose "
            "interval against their group's leader includes 0 share its rank",
            "fit_seconds": FIT_NOTE.format(n_folds=n_folds),
        },
        "baseline": baseline,
        "strategies": {name: outcomes[name] for name in names},
        "ranking": ranked,
        "best": None,  # set from the verdict by run()
    }


def story(result, data):
    """The facts of the first closing line (the class the baseline fails) and
    the lead strategy's recall on that class; the verdict is
    ``result["verdict"]``."""
    numbers = result["baseline"]["headline"]
    worst = numbers["worst_class"]
    recalls = result["per_class_recall"]
    key = str(worst)
    lead = result["verdict"]["lead"]
    return {
        "worst_class": worst,
        "worst_class_support": int(np.sum(data.y == worst)),
        "worst_class_recall": recalls["baseline"][key],
        "all_classes_equal": numbers["all_classes_equal"],
        "objective_column": result["objective"]["column"],
        "lead": lead,
        "lead_worst_class_recall": None if lead is None else recalls[lead][key],
    }
