"""The JSON-able result of an audit, and the story it leads with.

The text and HTML renderings read this result (plus the frames behind it);
the JSON file is this result.
"""

import numpy as np

from skclassgap import __version__
from skclassgap.cli.audit._measure import metric_column

PER_CLASS_LEGEND = (
    "prediction_bias = predicted / support (> 1: the class attracts predictions); "
    "fp_share = the class's share of all false positives"
)
HEADLINE_NOTE = "pooled over the out-of-fold predictions of every row"
TABLE_NOTE = "mean{pm}std over the folds"


def build_result(args, data, context, outcomes, ranked, baseline):
    """The JSON-able result of the audit (without its preprocessing, spectra,
    recalls and story, which :func:`~skclassgap.cli.audit._run.run` adds)."""
    objective_column, _, objective_greater = metric_column(args.objective)
    names = ["baseline", *(n for n in outcomes if n != "baseline")]
    best = ranked[0] if ranked else None
    if best is not None and outcomes[best]["rank"] == outcomes["baseline"].get("rank"):
        best = "baseline"  # a tie with the baseline is no improvement
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
        "cv": {"n_splits": args.cv, "shuffle": True, "random_state": args.random_state},
        "execution": {"n_jobs": args.n_jobs, "threads_per_fit": args.threads},
        "objective": {
            "name": args.objective,
            "column": objective_column,
            "greater_is_better": objective_greater,
        },
        "notes": {
            "headline": f"baseline headline and per-class numbers: {HEADLINE_NOTE}",
            "strategies": "strategy metrics: "
            + TABLE_NOTE.format(pm=" and ")
            + "; equal means share a rank",
        },
        "baseline": baseline,
        "strategies": {name: outcomes[name] for name in names},
        "ranking": ranked,
        "best": best,
    }


def story(result, data):
    """The two facts the report leads with: the class the baseline fails and what
    the best mitigation changes (paired per-fold differences: mean and std)."""
    numbers = result["baseline"]["headline"]
    worst = numbers["worst_class"]
    recalls = result["per_class_recall"]
    key = str(worst)
    column = result["objective"]["column"]
    facts = {
        "worst_class": worst,
        "worst_class_support": int(np.sum(data.y == worst)),
        "worst_class_recall": recalls["baseline"][key],
        "all_classes_equal": numbers["all_classes_equal"],
        "objective_column": column,
        "best": None,
    }
    strategies = result["strategies"]
    others = [n for n in result["ranking"] if n != "baseline"]
    if not others:
        return facts
    best = others[0]
    base = np.asarray(strategies["baseline"]["metrics"][column]["folds"])
    diff = np.asarray(strategies[best]["metrics"][column]["folds"]) - base
    facts.update(
        best=best,
        beats_baseline=result["best"] != "baseline",
        baseline_value=float(base.mean()),
        best_value=float(strategies[best]["metrics"][column]["mean"]),
        change_mean=float(diff.mean()),
        change_std=float(diff.std()),
        n_folds=int(diff.size),
        best_worst_class_recall=recalls[best][key],
    )
    return facts
