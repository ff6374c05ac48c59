"""Argument parsing and dispatch; every user error ends in one line and exit code 2."""

import argparse
import sys
from pathlib import Path

from skclassgap import __version__
from skclassgap.cli._errors import UserError, check_path, file_kind
from skclassgap.cli._examples import DEFAULT_EXAMPLE, EXAMPLES
from skclassgap.cli._models import MODELS
from skclassgap.cli._predictions import add_report_parser, report

__all__ = ["UserError", "main"]


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block) and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build_parser():
    from skclassgap.cli._strategies import DEFAULT_STRATEGIES, STRATEGIES

    parser = _Parser(
        prog="skclassgap",
        description="Measure and close per-class performance gaps of classifiers.",
    )
    parser.add_argument(
        "--version", action="version", version=f"skclassgap {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    audit = sub.add_parser(
        "audit",
        help="cross-validate a model and mitigations, report per-class performance",
        description=(
            "Cross-validate a baseline classifier on PATH (CSV, Parquet or Feather) "
            "or, with no PATH, on an embedded example data set; report per-class "
            "performance and compare mitigations under the same folds."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="strategies:\n"
        + "\n".join(
            f"  {name:<22}{s.summary}"
            for name, s in STRATEGIES.items()
            if name != "baseline"
        )
        + "\n\nexamples (--example NAME):\n"
        + "\n".join(f"  {name:<22}{summary}" for name, summary in EXAMPLES.items()),
    )
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
        help="mitigations to compare, space- or comma-separated, or 'all' or 'none' "
        f"(default: all: {', '.join(DEFAULT_STRATEGIES)})",
    )
    audit.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML report"
    )
    audit.add_argument("--json", metavar="FILE", help="write the results as JSON")
    audit.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    audit.add_argument(
        "--n-jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="worker processes over the (strategy, fold) fits (default: 1)",
    )
    audit.add_argument(
        "--threads",
        type=_positive_int,
        default=1,
        metavar="N",
        help="OpenMP and BLAS threads of each fit (default: 1; many small fits "
        "run faster one thread each, use --n-jobs for parallelism)",
    )
    audit.add_argument("--quiet", action="store_true", help="no progress bar")
    add_report_parser(sub)
    return parser


def parse_strategies(values):
    """Strategy names from ``--strategies``, in registry order, validated."""
    from skclassgap.cli._strategies import DEFAULT_STRATEGIES

    if values is None:
        return list(DEFAULT_STRATEGIES)
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if names == ["all"]:
        return list(DEFAULT_STRATEGIES)
    if names == ["none"]:
        return []
    unknown = [n for n in names if n not in DEFAULT_STRATEGIES]
    if unknown:
        hint = ""
        if any(file_kind(Path(n)) is not None for n in unknown):
            hint = " (put PATH before --strategies)"
        raise UserError(
            f"unknown strategy {', '.join(map(repr, unknown))}{hint}; choose from "
            f"{', '.join(DEFAULT_STRATEGIES)}, or 'all' or 'none'"
        )
    return [n for n in DEFAULT_STRATEGIES if n in names]


def _check_output(option, path):
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise UserError(
            f"cannot write {option} {path!r}: no such directory {str(parent)!r}"
        )


def _check_objective(objective):
    from skclassgap.metrics import get_scorer_names

    if objective not in get_scorer_names():
        raise UserError(
            f"unknown --objective {objective!r}; choose from "
            f"{', '.join(get_scorer_names())}"
        )


def _check_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError(
            "--html needs matplotlib for its figures; install it with "
            "pip install 'skclassgap[plot]'"
        ) from None


def audit(args):
    """Run ``skclassgap audit`` with parsed arguments; return the exit status."""
    if args.path is not None:
        if args.sep == "\\t":
            args.sep = "\t"
        if args.example is not None:
            raise UserError(
                f"give PATH or --example, not both (got {args.path!r} and "
                f"--example {args.example})"
            )
        check_path(args.path)
    strategies = parse_strategies(args.strategies)
    _check_output("--html", args.html)
    _check_output("--json", args.json)
    _check_objective(args.objective)
    if args.html:
        _check_matplotlib()
    from threadpoolctl import threadpool_limits

    from skclassgap.cli._audit import run
    from skclassgap.cli._report import plus_minus, render_text, write_json

    # Many small fits: --threads (default 1) OpenMP/BLAS threads each is faster
    # than oversubscribed cores; every fit sets the same limit in its worker.
    with threadpool_limits(limits=args.threads):
        audit_run = run(args, strategies, err=sys.stderr)
    pm = plus_minus(sys.stdout)
    print(render_text(audit_run, pm), file=sys.stdout)
    if args.json:
        write_json(audit_run, args.json)
        print(f"wrote {args.json}", file=sys.stdout)
    if args.html:
        from skclassgap.cli._html import write_html

        write_html(audit_run, args.html)
        print(f"wrote {args.html}", file=sys.stdout)
    return 0


def main(argv=None):
    """Run the ``skclassgap`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on a user error (a one-line message on stderr).

    See Also
    --------
    skclassgap.datasets.load_audit_default : The data of ``skclassgap audit``
        without arguments.

    Examples
    --------
    >>> from skclassgap.cli import main
    >>> main(["--version"])  # doctest: +SKIP
    skclassgap 0.1.0.dev0
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "report":
            return report(args)
        return audit(args)
    except UserError as exc:
        print(f"skclassgap {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\nskclassgap {args.command}: interrupted", file=sys.stderr)
        return 130
