"""``skclassgap audit`` with parsed arguments: check, run, print, write.

Every check a user can fail cheaply (paths, strategy and objective names,
output directories, matplotlib for ``--html``) runs before the data are read.
"""

import os
import sys
from pathlib import Path

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import check_output, write_json, write_text
from skclassgap.cli.audit._data import check_path, file_kind
from skclassgap.cli.audit._defaults import THREADS_AUTO
from skclassgap.cli.audit._strategies import ALL_STRATEGIES, DEFAULT_STRATEGIES


def parse_strategies(values):
    """Strategy names from ``--strategies``, in registry order, validated."""
    if values is None:
        return list(DEFAULT_STRATEGIES)
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if names == ["all"]:
        return list(ALL_STRATEGIES)
    if names == ["none"]:
        return []
    unknown = [n for n in names if n not in ALL_STRATEGIES]
    if unknown:
        hint = ""
        if any(file_kind(Path(n)) is not None for n in unknown):
            hint = " (put PATH before --strategies)"
        raise UserError(
            f"unknown strategy {', '.join(map(repr, unknown))}{hint}; choose from "
            f"{', '.join(ALL_STRATEGIES)}, or 'all' or 'none'"
        )
    return [n for n in ALL_STRATEGIES if n in names]


def check_objective(objective):
    """Refuse an ``--objective`` that is not a scorer name."""
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


def check_args(args):
    """Check the arguments before any data is read; return the strategy names."""
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
    check_output("--html", args.html)
    check_output("--json", args.json)
    check_objective(args.objective)
    if args.html:
        _check_matplotlib()
    return strategies


def audit(args, out=None, err=None):
    """Run ``skclassgap audit`` with parsed arguments; return the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    # OpenMP threads that wait for a team-mate sleep instead of spinning: on a
    # busy machine a spinning thread team made a histogram gradient boosting
    # fit 5 to 15 times slower than one thread. Read when the OpenMP runtime
    # loads (with scikit-learn: the checks below import it), so first; a
    # value the user set is kept.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    strategies = check_args(args)
    from threadpoolctl import threadpool_limits

    from skclassgap.cli.audit._render_text import plus_minus, render_text
    from skclassgap.cli.audit._run import run

    # Reading and cleaning run with one thread (or --threads N); the run sets
    # the resolved --threads once it knows the rows, and every fit sets the
    # same limit in its worker.
    outer = 1 if args.threads == THREADS_AUTO else args.threads
    with threadpool_limits(limits=outer):
        audit_run = run(args, strategies, err=err)
    print(render_text(audit_run, plus_minus(out)), file=out)
    if args.json:
        write_json("--json", args.json, audit_run.result)
        print(f"wrote {args.json}", file=out)
    if args.html:
        from skclassgap.cli.audit._render_html import render_html

        write_text("--html", args.html, render_html(audit_run))
        print(f"wrote {args.html}", file=out)
    return 0
