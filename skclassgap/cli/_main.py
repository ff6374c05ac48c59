"""Argument parsing and dispatch; every user error ends in one line and exit code 2."""

import argparse
import sys

from skclassgap import __version__


class UserError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skclassgap",
        description="Measure and close per-class performance gaps of classifiers.",
    )
    parser.add_argument("--version", action="version", version=f"skclassgap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    audit = sub.add_parser(
        "audit",
        help="cross-validate a baseline model and report per-class performance",
        description=(
            "Cross-validate a baseline classifier on PATH (CSV, Parquet or Feather) "
            "or, with no PATH, on the embedded default data set, and report "
            "per-class performance."
        ),
    )
    audit.add_argument("path", nargs="?", metavar="PATH", help="data file; default: embedded data set")
    audit.add_argument("--target", help="name of the target column (default: the last column)")
    audit.add_argument(
        "--model", choices=["logreg", "hgb", "rf", "knn"], default="logreg",
        help="baseline classifier (default: logreg)",
    )
    audit.add_argument("--cv", type=int, default=5, help="number of stratified folds (default: 5)")
    audit.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    return parser


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
    from skclassgap.cli._audit import run_audit

    try:
        return run_audit(args, out=sys.stdout)
    except UserError as exc:
        print(f"skclassgap audit: error: {exc}", file=sys.stderr)
        return 2
