"""Argument parsing and dispatch to the wings; every user error ends in one line
and exit code 2.

Each command is a wing, a subpackage of :mod:`skclassgap.cli` (``audit``,
``report``) that adds its subparser and, through ``set_defaults(run=...)``,
the function that runs it. Building the parser imports no wing's heavy
modules (``--help`` stays fast); a command imports them when it runs. No
module imports this one.
"""

import argparse
import sys

from skclassgap import __version__
from skclassgap.cli._errors import UserError
from skclassgap.cli.audit import add_parser as add_audit_parser
from skclassgap.cli.report import add_parser as add_report_parser

__all__ = ["main"]

# The wings, in the order ``--help`` lists their commands.
WINGS = (add_audit_parser, add_report_parser)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block) and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    """The parser of every command."""
    parser = _Parser(
        prog="skclassgap",
        description="Measure and close per-class performance gaps of classifiers.",
    )
    parser.add_argument(
        "--version", action="version", version=f"skclassgap {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add_parser in WINGS:
        add_parser(sub)
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except UserError as exc:
        print(f"skclassgap {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\nskclassgap {args.command}: interrupted", file=sys.stderr)
        return 130
