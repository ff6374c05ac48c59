"""``skclassgap report``: per-class gaps of predictions stored in files.

One pass over the label columns (and the probability columns, and the group
column) counts everything the report shows: per (group, class) true
positives, true and predicted counts, and per-class sums of probabilities.
A file that fits the memory budget is read by pandas and counted at once;
a larger one, or any file when ``--scheduler`` is given, is read by Dask and
counted block by block on the workers, the blocks' counts merged. Both paths
run the same counting function, so they give the same report.
"""

import logging
import math
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from skclassgap import __version__
from skclassgap.cli._errors import UserError
from skclassgap.metrics._grouped import (
    group_class_counts,
    merge_group_counts,
    overall_counts,
)
from skclassgap.metrics._registry import summary_from_counts
from skclassgap.metrics._report import grouped_report_frame, report_frame

DEFAULT_MEMORY_BUDGET = "2GiB"
# Probabilities are clipped to [EPS, 1] before the logarithm of the log loss.
EPS = np.finfo(np.float64).eps
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def add_report_parser(sub):
    """Add the ``report`` subcommand to the subparsers ``sub``."""
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
    report.add_argument("--html", metavar="FILE", help="write an HTML report")
    report.add_argument("--json", metavar="FILE", help="write the results as JSON")
    return report


# -- input --------------------------------------------------------------------


def parse_size(text):
    """Bytes of a size such as ``"500MB"``, ``"2GiB"`` or ``"1e9"``."""
    match = re.fullmatch(r"\s*([0-9.]+(?:e[0-9]+)?)\s*([a-zA-Z]*)\s*", str(text))
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise UserError(
            f"--memory-budget {text!r} is not a size; use e.g. 500MB, 2GiB or "
            "1000000000"
        )
    return int(float(match.group(1)) * _UNITS[unit])


def _format_size(n_bytes):
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes} B"


def locate(path):
    """The format (``"csv"`` or ``"parquet"``) of a file or Parquet directory."""
    path = Path(path)
    if path.is_dir():
        if not any(path.rglob("*.parquet")):
            raise UserError(
                f"directory {str(path)!r} holds no .parquet files; PATH must be a "
                "CSV or Parquet file or a directory of Parquet files"
            )
        return "parquet"
    if not path.is_file():
        raise UserError(f"no such file or directory: {str(path)!r}")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise UserError(
            f"cannot read {path.name!r}: expected a .csv or .parquet file or a "
            "directory of Parquet files"
        )
    return suffix[1:]


def _parquet_dataset(path):
    try:
        import pyarrow.dataset as ds
    except ImportError:
        raise UserError(
            "reading Parquet needs pyarrow; install it with pip install "
            "'skclassgap[io]'"
        ) from None
    try:
        return ds.dataset(path, format="parquet", partitioning="hive")
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        raise UserError(
            f"cannot read {str(path)!r} as Parquet: {_one_line(exc)}"
        ) from None


def _one_line(exc):
    return " ".join(str(exc).split()) or type(exc).__name__


def inspect_columns(path, fmt):
    """Column names of the data and the estimated bytes per row of each column.

    Only metadata is read: Parquet footers (fixed-width types by their width,
    others by their uncompressed size per row), or the CSV header (its bytes
    per row then come from the file size).
    """
    if fmt == "parquet":
        dataset = _parquet_dataset(path)
        schema = dataset.schema
        n_rows = 0
        var_bytes = dict.fromkeys(schema.names, 0)
        for fragment in dataset.get_fragments():
            meta = fragment.metadata
            n_rows += meta.num_rows
            names = [meta.schema.column(i).name for i in range(meta.num_columns)]
            for g in range(meta.num_row_groups):
                group = meta.row_group(g)
                for i, name in enumerate(names):
                    if name in var_bytes:
                        var_bytes[name] += group.column(i).total_uncompressed_size
        widths = {}
        for field in schema:
            try:
                width = field.type.bit_width / 8
            except ValueError:  # variable width (strings)
                width = 16 + var_bytes.get(field.name, 0) / max(n_rows, 1)
            widths[field.name] = width
        return list(schema.names), widths, n_rows
    try:
        header = pd.read_csv(path, nrows=0)
    except Exception as exc:  # noqa: BLE001
        raise UserError(f"cannot read {str(path)!r} as csv: {_one_line(exc)}") from None
    columns = [str(c) for c in header.columns]
    size = os.path.getsize(path)
    return columns, dict.fromkeys(columns, size / max(len(columns), 1)), None


def select_columns(columns, args):
    """The columns to read: true, predicted, group, probabilities (validated)."""
    wanted = {"--true": args.true, "--pred": args.pred}
    if args.group is not None:
        wanted["--group"] = args.group
    for option, name in wanted.items():
        if name not in columns:
            raise UserError(
                f"{option} {name!r} is not a column of the data; columns are "
                f"{columns[:20]}"
            )
    proba = []
    if args.proba_cols is not None:
        proba = [
            c for c in columns if c.startswith(args.proba_cols) and c not in wanted
        ]
        if not proba:
            raise UserError(
                f"--proba-cols {args.proba_cols!r} matches no column; expected "
                f"columns named {args.proba_cols}<class>, columns are {columns[:20]}"
            )
    return list(dict.fromkeys(wanted.values())), proba


# -- counting (one function for both engines) -----------------------------------


def _check_missing(frame, column, what, index):
    missing = int(frame[column].isna().sum())
    if missing:
        where = "" if index is None else f" (in block {index} of the data)"
        raise ValueError(
            f"the {what} column {column!r} has {missing} missing values{where}; drop "
            "those rows or fill them"
        )


def count_frame(index, frame, true, pred, group, proba, proba_classes):
    """Counts of one block of rows (or of all rows): group counts and proba sums.

    Returns None for an empty block, else ``(GroupCounts, sums)`` where
    ``sums`` is None without probability columns, or a dict of arrays over
    the probability columns: ``n`` (rows of each true class),
    ``p_true`` and ``log_loss`` (sums over those rows of the true class's
    probability and of its negative log) and ``p_sum`` (sums over all rows of
    each column).
    """
    if len(frame) == 0:
        return None
    _check_missing(frame, true, "true-label", index)
    _check_missing(frame, pred, "predicted-label", index)
    groups = None
    if group is not None:
        _check_missing(frame, group, "group", index)
        groups = frame[group]
    counts = group_class_counts(frame[true], frame[pred], groups)
    if not proba:
        return counts, None
    P = frame[proba].to_numpy(dtype=np.float64)
    bad = ~((P >= 0) & (P <= 1))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"probability column {proba[col]!r} holds {P[row, col]!r}; expected "
            "probabilities in [0, 1]"
        )
    y = frame[true]
    column = pd.Index(proba_classes).get_indexer(y.astype(str))
    if (column < 0).any():
        label = y.iloc[int(np.argmax(column < 0))]
        raise ValueError(
            f"class {label!r} of {true!r} has no probability column; expected a "
            f"column named like {proba[0]!r} with {str(label)!r} in place of "
            f"{proba_classes[0]!r}"
        )
    p_true = P[np.arange(len(P)), column]
    k = len(proba)
    sums = {
        "n": np.bincount(column, minlength=k),
        "p_true": np.bincount(column, weights=p_true, minlength=k),
        "log_loss": np.bincount(
            column, weights=-np.log(np.clip(p_true, EPS, 1.0)), minlength=k
        ),
        "p_sum": P.sum(axis=0),
    }
    return counts, sums


def merge_counts(parts):
    """Merge the results of :func:`count_frame` of disjoint blocks."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    counts = merge_group_counts([p[0] for p in parts])
    if parts[0][1] is None:
        return counts, None
    sums = {key: sum(p[1][key] for p in parts) for key in parts[0][1]}
    return counts, sums


# -- engines --------------------------------------------------------------------


def _read_pandas(path, fmt, columns):
    try:
        if fmt == "parquet":
            return pd.read_parquet(path, columns=columns)
        return pd.read_csv(path, usecols=columns)
    except Exception as exc:  # noqa: BLE001
        raise UserError(
            f"cannot read {str(path)!r} as {fmt}: {_one_line(exc)}"
        ) from None


def _import_dask_or_fail(reason):
    try:
        import dask
        import dask.dataframe
    except ImportError:
        raise UserError(
            f"{reason} needs Dask; install the extra with pip install "
            "'skclassgap[dask]'"
        ) from None
    return dask, dask.dataframe


class _Scheduler:
    """A distributed Client for ``--scheduler`` (closed on exit), or nothing."""

    def __init__(self, address):
        self.address = address
        self.cluster = self.client = None

    def __enter__(self):
        if self.address is None:
            return self
        try:
            import distributed
        except ImportError:
            raise UserError(
                "--scheduler needs distributed; install the extra with pip install "
                "'skclassgap[dask]'"
            ) from None
        try:
            if self.address == "local":
                self.cluster = distributed.LocalCluster(
                    processes=True, dashboard_address=":0", silence_logs=logging.ERROR
                )
                self.client = distributed.Client(self.cluster, set_as_default=False)
            else:
                self.client = distributed.Client(
                    self.address, timeout="10s", set_as_default=False
                )
        except Exception as exc:  # noqa: BLE001 - any connection failure
            self.__exit__(None, None, None)
            raise UserError(
                f"cannot connect to the Dask scheduler {self.address!r}: "
                f"{_one_line(exc)}"
            ) from None
        return self

    @property
    def scheduler(self):
        """What ``dask.config.set(scheduler=...)`` should use."""
        return "threads" if self.client is None else self.client

    def describe(self):
        if self.client is None:
            return "Dask, local threads"
        n_workers = len(self.client.scheduler_info().get("workers", {}))
        where = "local cluster" if self.cluster is not None else self.address
        return f"Dask, {where} with {n_workers} workers"

    def __exit__(self, *exc):
        for closable in (self.client, self.cluster):
            if closable is not None:
                closable.close()


def compute(path, fmt, columns, args, use_dask):
    """Read the columns and count them; return ``(counts, sums, engine, blocks)``."""
    true, pred, group = args.true, args.pred, args.group
    label_columns, proba = columns
    prefix = args.proba_cols or ""
    proba_classes = [c[len(prefix) :] for c in proba]
    kwargs = {
        "true": true,
        "pred": pred,
        "group": group,
        "proba": proba,
        "proba_classes": proba_classes,
    }
    if not use_dask:
        frame = _read_pandas(path, fmt, label_columns + proba)
        try:
            result = merge_counts([count_frame(None, frame, **kwargs)])
        except ValueError as exc:
            raise UserError(_one_line(exc)) from None
        return result, "pandas", 1
    dask, dd = _import_dask_or_fail(
        "--scheduler" if args.scheduler else "data larger than --memory-budget"
    )
    from skclassgap.utils._dask import reduce_blocks

    with (
        _Scheduler(args.scheduler) as scheduler,
        dask.config.set(scheduler=scheduler.scheduler),
    ):
        try:
            if fmt == "parquet":
                frame = dd.read_parquet(path, columns=label_columns + proba)
            else:
                frame = dd.read_csv(path, usecols=label_columns + proba)
            result = reduce_blocks(
                count_frame, merge_counts, {"frame": frame}, **kwargs
            )
        except ModuleNotFoundError as exc:
            raise UserError(
                f"the Dask workers cannot import {exc.name!r}; install skclassgap "
                "on every worker"
            ) from None
        except (ValueError, TypeError, OSError) as exc:
            raise UserError(_one_line(exc)) from None
        return result, scheduler.describe(), frame.npartitions


# -- the report -----------------------------------------------------------------


def _python(value):
    return value.item() if isinstance(value, np.generic) else value


def _records(frame):
    """A report DataFrame as JSON-able records, index levels first."""
    flat = frame.reset_index()
    records = []
    for row in flat.itertuples(index=False):
        record = {}
        for column, value in zip(flat.columns, row, strict=True):
            value = _python(value)
            if isinstance(value, float) and not math.isfinite(value):
                value = None if math.isnan(value) else str(value)
            record[str(column)] = value
        records.append(record)
    return records


def build_report(counts, sums, proba_classes):
    """The per-class table, headline numbers and, with groups, the cell table."""
    overall = overall_counts(counts)
    table = report_frame(
        overall.tp,
        overall.support,
        overall.predicted,
        pd.Index(overall.labels, name="class"),
        0.0,
    )
    headline = summary_from_counts(overall)
    observed = table["prediction_bias"][overall.in_true]
    top = observed.idxmax()
    headline["most_predicted_class"] = _python(top)
    headline["max_prediction_bias"] = float(observed[top])
    if sums is not None:
        index = pd.Index(proba_classes)
        position = index.get_indexer(pd.Index(overall.labels).astype(str))
        found = position >= 0
        n = np.where(found, sums["n"][position], 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            table["mean_proba"] = np.where(
                found & (n > 0), sums["p_true"][position] / n, np.nan
            )
            table["log_loss"] = np.where(
                found & (n > 0), sums["log_loss"][position] / n, np.nan
            )
            table["proba_bias"] = np.where(
                found, sums["p_sum"][position] / overall.support, np.nan
            )
        headline["log_loss"] = float(sums["log_loss"].sum() / sums["n"].sum())
    cells = None
    if counts.groups is not None:
        cells = grouped_report_frame(counts, None, 0.0)
        observed = cells[cells["support"] > 0]
        worst = observed["recall"].idxmin()
        headline["worst_cell"] = {
            "group": _python(worst[0]),
            "class": _python(worst[1]),
            "recall": float(observed.loc[worst, "recall"]),
            "support": _python(observed.loc[worst, "support"]),
        }
    return table, cells, headline


HEADLINE = [
    ("accuracy", "accuracy"),
    ("balanced_accuracy", "balanced accuracy"),
    ("macro_f1", "macro F1"),
    ("g_mean", "g-mean"),
    ("class_gap", "class gap (recall)"),
    ("worst_class_recall", "worst-class recall"),
    ("max_prediction_bias", "max prediction bias"),
    ("log_loss", "log loss"),
]


def headline_lines(headline):
    """``label: value`` lines of the headline numbers."""
    lines = []
    for key, label in HEADLINE:
        if key not in headline:
            continue
        value = f"{headline[key]:.3f}"
        if key == "worst_class_recall":
            value += f" (class {headline['worst_class']!r})"
        elif key == "max_prediction_bias":
            value += f" (class {headline['most_predicted_class']!r})"
        lines.append(f"{label:>20}: {value}")
    if "worst_cell" in headline:
        cell = headline["worst_cell"]
        lines.append(
            f"{'worst cell':>20}: group {cell['group']!r}, class {cell['class']!r}: "
            f"recall {cell['recall']:.3f} (support {cell['support']})"
        )
    return lines


def render_text(result, table, cells):
    """The report printed on stdout."""
    data = result["data"]
    out = [
        f"data: {data['source']} ({data['format']}): {data['n_rows']} rows, "
        f"{data['n_classes']} classes; read with {data['engine']} "
        f"({data['n_blocks']} blocks; {data['memory']})",
        f"columns: true {data['true']!r}, predicted {data['pred']!r}"
        + (f", group {data['group']!r}" if data["group"] else "")
        + (
            f", {len(data['proba_columns'])} probability columns "
            f"{data['proba_prefix']}*"
            if data["proba_columns"]
            else ""
        ),
        "",
        "per class:",
        table.to_string(float_format=lambda v: f"{v:.3f}"),
        "",
        *headline_lines(result["headline"]),
    ]
    if cells is not None:
        out += [
            "",
            f"per group x class (group column {data['group']!r}):",
            cells.to_string(float_format=lambda v: f"{v:.3f}"),
        ]
    return "\n".join(out)


def render_html(result, table, cells):
    """A self-contained HTML page of the report (tables only)."""
    import html

    from skclassgap.cli._html import _CSS, _table

    esc = html.escape
    data = result["data"]

    def frame_table(frame):
        flat = frame.reset_index()
        rows = [
            [f"{v:.3f}" if isinstance(v, float) else v for v in row]
            for row in flat.itertuples(index=False)
        ]
        return _table(
            list(map(str, flat.columns)), rows, name_columns=frame.index.nlevels
        )

    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>skclassgap report: {esc(data['source'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>skclassgap report</h1>",
        f"<p><b>Data</b>: {esc(data['source'])} ({data['format']}), "
        f"{data['n_rows']} rows, {data['n_classes']} classes, read with "
        f"{esc(data['engine'])}. True labels <code>{esc(data['true'])}</code>, "
        f"predictions <code>{esc(data['pred'])}</code>.</p>",
        "<h2>Headline</h2>",
        "<pre>" + esc("\n".join(headline_lines(result["headline"]))) + "</pre>",
        "<h2>Per class</h2>",
        frame_table(table),
    ]
    if cells is not None:
        parts += [
            f"<h2>Per group x class (<code>{esc(data['group'])}</code>)</h2>",
            frame_table(cells),
        ]
    parts.append(f"<p class='note'>skclassgap {esc(__version__)}</p></body></html>")
    return "\n".join(parts)


def _write(option, path, text):
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot write {option} {str(path)!r}: {exc.strerror}"
        ) from None


def report(args, out=None):
    """Run ``skclassgap report`` with parsed arguments; return the exit status."""
    import json

    out = sys.stdout if out is None else out

    from skclassgap.cli._main import _check_output
    from skclassgap.cli._report import _finite

    fmt = locate(args.path)
    _check_output("--html", args.html)
    _check_output("--json", args.json)
    budget = parse_size(args.memory_budget)
    columns, widths, n_rows = inspect_columns(args.path, fmt)
    label_columns, proba = select_columns(columns, args)
    if n_rows is None:  # CSV: the whole file's size
        estimate = int(sum(widths.values()))
    else:
        estimate = int(n_rows * sum(widths[c] for c in label_columns + proba))
    use_dask = args.scheduler is not None or estimate > budget
    memory = (
        f"about {_format_size(estimate)} of columns, "
        f"{'over' if estimate > budget else 'within'} the "
        f"{_format_size(budget)} budget"
    )
    result_counts, engine, n_blocks = compute(
        args.path, fmt, (label_columns, proba), args, use_dask
    )
    if result_counts is None:
        raise UserError(f"{str(args.path)!r} holds no rows")
    counts, sums = result_counts
    prefix = args.proba_cols or ""
    proba_classes = [c[len(prefix) :] for c in proba]
    table, cells, headline = build_report(counts, sums, proba_classes)
    result = {
        "skclassgap_version": __version__,
        "command": "report",
        "data": {
            "source": str(args.path),
            "format": fmt,
            "n_rows": _python(table["support"].sum()),
            "n_classes": len(table),
            "engine": engine,
            "n_blocks": int(n_blocks),
            "memory": memory,
            "true": args.true,
            "pred": args.pred,
            "group": args.group,
            "proba_prefix": args.proba_cols,
            "proba_columns": proba,
        },
        "headline": headline,
        "per_class": _records(table),
        "per_group_class": None if cells is None else _records(cells),
    }
    print(render_text(result, table, cells), file=out)
    if args.json:
        text = json.dumps(_finite(result), indent=2, allow_nan=False)
        _write("--json", args.json, text + "\n")
        print(f"wrote {args.json}", file=out)
    if args.html:
        _write("--html", args.html, render_html(result, table, cells))
        print(f"wrote {args.html}", file=out)
    return 0
