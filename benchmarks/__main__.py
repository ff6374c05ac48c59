"""``python -m benchmarks [--full] [--only SUBSTRING] [--case SUBSTRING]
[--output FILE]``: ``--case`` keeps the cases whose name contains it."""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks._harness import markdown_table, time_case


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--full", action="store_true", help="large sizes (10^6-10^7 rows)"
    )
    parser.add_argument(
        "--only", default="", help="run modules whose name contains this"
    )
    parser.add_argument(
        "--case", default="", help="run only the cases whose name contains this"
    )
    parser.add_argument("--output", help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    rows = []
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_") or args.only not in info.name:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if not args.only and not getattr(module, "IN_DEFAULT_SET", True):
            continue  # slow modules run only when named with --only
        for case in module.cases(full=args.full):
            if args.case not in case.name:
                continue
            row = time_case(case)
            rows.append(row)
            print(
                f"{row['group']:<14} {row['case']:<40} ours {row['ours_s']:.4f}s "
                f"peer {row['peer_s']:.4f}s  ratio {row['ratio']:.3f}  {row['check']}",
                file=sys.stderr,
                flush=True,
            )
    table = markdown_table(rows)
    print(table)
    if args.output:
        Path(args.output).write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
