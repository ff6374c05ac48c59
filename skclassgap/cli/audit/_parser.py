"""The options of ``skclassgap audit``.

Building the parser imports no estimator and no data library (``--help``
stays fast): the names of models, strategies and examples come from
registries that import their objects only when a run builds them.
"""

import argparse

from skclassgap.cli._options import level
from skclassgap.cli.audit._defaults import (
    DEFAULT_CONFIDENCE,
    MAX_REPEATS,
    REPEAT_ROWS,
    THREADS_AUTO,
    THREADS_ROWS,
)
from skclassgap.cli.audit._examples import DEFAULT_EXAMPLE, EXAMPLES
from skclassgap.cli.audit._models import MODELS
from skclassgap.cli.audit._strategies import (
    ALL_STRATEGIES,
    DEFAULT_STRATEGIES,
    STRATEGIES,
)


def positive_int(text):
    """``int(text)`` when it is at least 1, else an argparse error."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def threads_option(text):
    """``"auto"`` or a positive integer for ``--threads``, else an argparse error."""
    if text.strip().lower() == THREADS_AUTO:
        return THREADS_AUTO
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected 'auto' or a positive integer, got {text!r}"
        )
    return value


def run(args):
    """Run the audit with parsed arguments; return the exit status."""
    from skclassgap.cli.audit._command import audit

    return audit(args)


def _epilog():
    strategies = "\n".join(
        f"  {name:<22}{s.summary}"
        for name, s in STRATEGIES.items()
        if name != "baseline"
    )
    examples = "\n".join(f"  {name:<22}{summary}" for name, summary in EXAMPLES.items())
    return f"strategies:\n{strategies}\n\nexamples (--example NAME):\n{examples}"


def _add_data_options(audit):
    audit.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help=f"data file; default: the embedded example {DEFAULT_EXAMPLE!r}",
    )
    audit.add_argument(
        "--example",
        choices=list(EXAMPLES),
        metavar="NAME",
        help=f"embedded data set to audit instead of PATH: {', '.join(EXAMPLES)} "
        f"(default: {DEFAULT_EXAMPLE})",
    )
    audit.add_argument(
        "--target", help="name of the target column (default: the last column)"
    )
    audit.add_argument(
        "--drop",
        nargs="+",
        metavar="COL",
        default=[],
        help="columns to leave out (an ID, a column derived from the target)",
    )
    audit.add_argument(
        "--keep",
        nargs="+",
        metavar="COL",
        default=[],
        help="columns to keep as features although they look like identifiers "
        "(a measurement that is unique and increases down the file)",
    )
    audit.add_argument(
        "--sep",
        metavar="SEP",
        help="field separator of a CSV file (default: ','; '\\t' for .tsv)",
    )
    audit.add_argument(
        "--na-values",
        nargs="+",
        metavar="MARKER",
        default=[],
        help="more strings read as missing in a CSV file, on top of pandas' "
        "markers (empty, NA, N/A, NaN, null, None, ...) and '?'",
    )


def _add_model_options(audit):
    audit.add_argument(
        "--model",
        choices=list(MODELS),
        default="logreg",
        help="baseline classifier (default: logreg)",
    )
    audit.add_argument(
        "--cv", type=int, default=5, help="number of stratified folds (default: 5)"
    )
    audit.add_argument(
        "--repeats",
        type=positive_int,
        default=None,
        metavar="N",
        help="repeat the stratified cross-validation N times with other shuffles; "
        f"every strategy runs on the same folds (default: {MAX_REPEATS}, fewer "
        f"above {REPEAT_ROWS // MAX_REPEATS:,} rows so that rows x repeats stays "
        f"within {REPEAT_ROWS:,}, at least 1)",
    )
    audit.add_argument(
        "--confidence",
        type=level,
        default=DEFAULT_CONFIDENCE,
        metavar="LEVEL",
        help="level of the intervals: the change of each strategy against the "
        "baseline (paired over the folds, corrected resampled t) and the "
        "per-class bootstrap intervals; a strategy is named best only when its "
        f"interval excludes 0 (default: {DEFAULT_CONFIDENCE})",
    )
    audit.add_argument(
        "--objective",
        default="g_mean",
        metavar="NAME",
        help="metric that ranks the strategies and that threshold tuning maximises: "
        "a scorer name of skclassgap.metrics.get_scorer_names() such as g_mean, "
        "macro_f1, balanced_accuracy, worst_class_recall, neg_class_gap "
        "(default: g_mean)",
    )
    audit.add_argument(
        "--strategies",
        nargs="+",
        metavar="NAME",
        default=None,
        help="mitigations to compare, space- or comma-separated, or 'all' (every "
        "one) or 'none' (default: every one but "
        f"{', '.join(n for n in ALL_STRATEGIES if n not in DEFAULT_STRATEGIES)}"
        "; wraps --model: class weights, resampling, bagging and boosting, "
        "thresholds and offsets; replaces it: easy_ensemble, "
        "balanced_random_forest, self_paced_ensemble; by default "
        "self_paced_ensemble runs on tables of at most 50,000 rows)",
    )


def _add_run_options(audit):
    audit.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML report"
    )
    audit.add_argument("--json", metavar="FILE", help="write the results as JSON")
    audit.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    audit.add_argument(
        "--n-jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes over the (strategy, fold) fits (default: 1)",
    )
    audit.add_argument(
        "--threads",
        type=threads_option,
        default=THREADS_AUTO,
        metavar="N|auto",
        help="OpenMP and BLAS threads of each fit (default: auto: 1 below "
        f"{THREADS_ROWS:,} rows, where the many small fits run faster one thread "
        "each, and every available core, shared among the --n-jobs workers, for "
        f"the OpenMP fits of tables of {THREADS_ROWS:,} rows or more, BLAS "
        "staying at 1; the JSON records the number used)",
    )
    audit.add_argument("--quiet", action="store_true", help="no progress bar")
    audit.add_argument(
        "--subclasses",
        action="store_true",
        help="find sub-populations inside each class (Gaussian mixtures of the "
        "preprocessed features) and report the worst ones: the baseline's recall "
        "on them and the lead strategy's",
    )


def add_parser(sub):
    """Add the ``audit`` subcommand to the subparsers ``sub``; return its parser."""
    audit = sub.add_parser(
        "audit",
        help="cross-validate a model and mitigations, report per-class performance",
        description=(
            "Cross-validate a baseline classifier on PATH (CSV, Parquet or Feather) "
            "or, with no PATH, on an embedded example data set; report per-class "
            "performance and compare mitigations under the same folds."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_epilog(),
    )
    _add_data_options(audit)
    _add_model_options(audit)
    _add_run_options(audit)
    audit.set_defaults(run=run)
    return audit
