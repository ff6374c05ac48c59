"""``skclassgap report`` with parsed arguments: locate, plan, count, print, write.

Every option is checked against the file's metadata before a row is read.
"""

import sys

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import check_output, parse_size, write_json, write_text
from skclassgap.cli.report._count import count_dask, count_pandas
from skclassgap.cli.report._read import (
    choose_engine,
    inspect_columns,
    locate,
    select_columns,
)
from skclassgap.cli.report._render_html import render_html
from skclassgap.cli.report._render_text import render_text
from skclassgap.cli.report._result import build_report, build_result


def report(args, out=None):
    """Run ``skclassgap report`` with parsed arguments; return the exit status."""
    out = sys.stdout if out is None else out
    fmt = locate(args.path)
    check_output("--html", args.html)
    check_output("--json", args.json)
    budget = parse_size(args.memory_budget, "--memory-budget")
    names, widths, n_rows = inspect_columns(args.path, fmt)
    columns = select_columns(names, args)
    engine = choose_engine(widths, n_rows, columns, budget, args.scheduler)
    ci = args.ci
    if engine.use_dask:
        counted, name, n_blocks = count_dask(
            args.path, fmt, columns, args.scheduler, cells=ci is not None
        )
    else:
        counted, name, n_blocks = count_pandas(
            args.path, fmt, columns, cells=ci is not None
        )
    if counted is None:
        raise UserError(f"{str(args.path)!r} holds no rows")
    counts, sums, pairs = counted
    table, cells, headline = build_report(
        counts, sums, columns.proba_classes, pairs, ci
    )
    result = build_result(
        args.path,
        fmt,
        columns,
        (name, n_blocks, engine.describe()),
        table,
        cells,
        headline,
        ci,
    )
    print(render_text(result, table, cells), file=out)
    if args.json:
        write_json("--json", args.json, result)
        print(f"wrote {args.json}", file=out)
    if args.html:
        write_text("--html", args.html, render_html(result, table, cells))
        print(f"wrote {args.html}", file=out)
    return 0
