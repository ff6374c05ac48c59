"""Where the predictions are and which columns to read, from metadata only.

:func:`locate` names the format, :func:`inspect_columns` reads the column
names and estimates each column's bytes per row (Parquet footers, or the CSV
header and the file size), :func:`select_columns` checks the options against
them. The estimate decides the engine: pandas within ``--memory-budget``,
Dask beyond it.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import format_size, one_line, read_frame


@dataclass(frozen=True)
class Columns:
    """The columns a report reads: labels, optional groups and probabilities."""

    true: str
    pred: str
    group: str | None
    proba: list  # probability columns, PREFIX<class>
    proba_prefix: str | None

    @property
    def labels(self):
        """The label columns (true, predicted, group), each once."""
        names = [self.true, self.pred, *([self.group] if self.group else [])]
        return list(dict.fromkeys(names))

    @property
    def read(self):
        """Every column to read."""
        return self.labels + self.proba

    @property
    def proba_classes(self):
        """The class of each probability column (its name without the prefix)."""
        prefix = self.proba_prefix or ""
        return [c[len(prefix) :] for c in self.proba]


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
            f"cannot read {str(path)!r} as Parquet: {one_line(exc)}"
        ) from None


def _parquet_columns(path):
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


def inspect_columns(path, fmt):
    """Column names of the data and the estimated bytes per row of each column.

    Only metadata is read: Parquet footers (fixed-width types by their width,
    others by their uncompressed size per row), or the CSV header (its bytes
    per row then come from the file size). The number of rows is None for a
    CSV file.
    """
    if fmt == "parquet":
        return _parquet_columns(path)
    header = read_frame(path, "csv", what="csv", nrows=0)
    columns = [str(c) for c in header.columns]
    size = os.path.getsize(path)
    return columns, dict.fromkeys(columns, size / max(len(columns), 1)), None


def select_columns(columns, args):
    """The :class:`Columns` to read, checked against the data's ``columns``."""
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
            c
            for c in columns
            if c.startswith(args.proba_cols) and c not in wanted.values()
        ]
        if not proba:
            raise UserError(
                f"--proba-cols {args.proba_cols!r} matches no column; expected "
                f"columns named {args.proba_cols}<class>, columns are {columns[:20]}"
            )
    return Columns(args.true, args.pred, args.group, proba, args.proba_cols)


@dataclass(frozen=True)
class Engine:
    """pandas or Dask, chosen by the estimated size of the columns to read."""

    estimate: int  # bytes
    budget: int  # bytes
    use_dask: bool

    def describe(self):
        """The estimate against the budget, for the report's first line."""
        return (
            f"about {format_size(self.estimate)} of columns, "
            f"{'over' if self.estimate > self.budget else 'within'} the "
            f"{format_size(self.budget)} budget"
        )


def choose_engine(widths, n_rows, columns, budget, scheduler):
    """Dask when a scheduler is given or the columns exceed the budget."""
    if n_rows is None:  # CSV: the whole file's size
        estimate = int(sum(widths.values()))
    else:
        estimate = int(n_rows * sum(widths[c] for c in columns.read))
    return Engine(estimate, budget, scheduler is not None or estimate > budget)


def read_pandas(path, fmt, columns):
    """The columns to read, as one pandas DataFrame."""
    if fmt == "parquet":
        return read_frame(path, "parquet", what=fmt, columns=columns.read)
    return read_frame(path, "csv", what=fmt, usecols=columns.read)


def read_dask(dataframe, path, fmt, columns):
    """The columns to read, as a Dask DataFrame (``dataframe``: dask.dataframe)."""
    if fmt == "parquet":
        return dataframe.read_parquet(path, columns=columns.read)
    return dataframe.read_csv(path, usecols=columns.read)
