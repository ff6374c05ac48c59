"""The options of ``skclassgap report`` (building them imports nothing heavy)."""

from skclassgap.cli._options import level

DEFAULT_MEMORY_BUDGET = "2GiB"


def run(args):
    """Run the report with parsed arguments; return the exit status."""
    from skclassgap.cli.report._command import report

    return report(args)


def add_parser(sub):
    """Add the ``report`` subcommand to the subparsers ``sub``; return its parser."""
    report = sub.add_parser(
        "report",
        help="per-class report and gaps of stored predictions (CSV/Parquet, any size)",
        description=(
            "Per-class report, headline gaps and prediction bias of predictions "
            "stored in PATH: a CSV or Parquet file, or a directory of Parquet "
            "files. Read with pandas when the columns fit --memory-budget, "
            "otherwise (or with --scheduler) with Dask, block by block."
        ),
    )
    report.add_argument("path", metavar="PATH", help="file or directory of Parquet")
    report.add_argument(
        "--true", required=True, metavar="COL", help="column of true labels"
    )
    report.add_argument(
        "--pred", required=True, metavar="COL", help="column of predicted labels"
    )
    report.add_argument(
        "--proba-cols",
        metavar="PREFIX",
        help="columns PREFIX<class> hold each class's predicted probability: adds "
        "per-class mean probability of the true class, log loss and probability bias",
    )
    report.add_argument(
        "--group",
        metavar="COL",
        help="column of groups: adds the per (group, class) table and its worst cell",
    )
    report.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="compute with Dask: 'local' starts a local cluster of worker processes; "
        "otherwise the address of a running Dask scheduler (tcp://host:8786)",
    )
    report.add_argument(
        "--memory-budget",
        default=DEFAULT_MEMORY_BUDGET,
        metavar="SIZE",
        help="largest estimated in-memory size of the columns read with pandas; "
        f"beyond it Dask reads them in blocks (default: {DEFAULT_MEMORY_BUDGET})",
    )
    report.add_argument(
        "--ci",
        type=level,
        metavar="LEVEL",
        help="add bootstrap intervals at LEVEL (such as 0.95) to the per-class "
        "precision, recall, F1 and prediction bias, and per (group, class) with "
        "--group: 1000 resamples stratified by true class, drawn from the counts "
        "of (true, predicted) pairs that the one pass over the data collects "
        "(seeded: the intervals repeat)",
    )
    report.add_argument("--html", metavar="FILE", help="write an HTML report")
    report.add_argument("--json", metavar="FILE", help="write the results as JSON")
    report.set_defaults(run=run)
    return report
