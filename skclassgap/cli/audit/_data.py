"""Input of ``skclassgap audit``: check the path, read the table, split off the
target, check it."""

from pathlib import Path

import numpy as np
import pandas as pd

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import read_frame
from skclassgap.cli.audit._clean import plural

# Suffixes read by pandas (compressed CSV as pandas reads it: by its suffix).
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zst", ".zip", ".tsv")
READABLE_SUFFIXES = (*CSV_SUFFIXES, ".parquet", ".feather")
# A numeric target with more distinct values than this may look continuous
# (see _continuous_reason), and does with fewer rows per value than this.
MAX_DISCRETE_VALUES = 20
MIN_ROWS_PER_VALUE = 10
# Read as missing in CSV files, on top of pandas' own markers (empty, NA, N/A,
# NaN, nan, null, NULL, None, n/a, #N/A, <NA>, ...).
EXTRA_MISSING_MARKERS = ("?",)


def file_kind(path):
    """The readable suffix ``path`` ends with (lower case), or None."""
    name = str(path).lower()
    return next((s for s in READABLE_SUFFIXES if name.endswith(s)), None)


def check_path(path):
    """Refuse a missing file or an unknown format before any heavy import."""
    path = Path(path)
    if path.is_dir():
        raise UserError(
            f"{str(path)!r} is a directory; give a data file ending in "
            f"{', '.join(READABLE_SUFFIXES)}"
        )
    if not path.is_file():
        raise UserError(f"no such file: {str(path)!r}")
    if file_kind(path) is None:
        raise UserError(
            f"cannot read {path.name!r}: expected a file ending in "
            f"{', '.join(READABLE_SUFFIXES)}"
        )
    return path


def _one_column_hint(frame, sep):
    """A hint when a CSV parsed to a single column: which separator it holds."""
    header = str(frame.columns[0])
    for candidate, shown in ((";", "';'"), ("\t", "'\\t'"), ("|", "'|'"), (",", "','")):
        if candidate != (sep or ",") and candidate in header:
            return f"; the header holds {shown}: try --sep {shown}"
    return ""


def read_table(path, *, sep=None, na_values=()):
    """Read a data file as pandas reads it.

    CSV (also ``.csv.gz``, ``.csv.bz2``, ``.csv.xz``, ``.zip``; ``.tsv`` is
    tab-separated) with ``sep`` (default ``,``) and missing-value markers:
    pandas' defaults, ``?`` and ``na_values``; Parquet and Feather as typed.
    """
    path = check_path(path)
    kind = file_kind(path)
    if kind == ".tsv" and sep is None:
        sep = "\t"
    if kind in CSV_SUFFIXES:
        frame = read_frame(
            path,
            "csv",
            what=kind,
            sep="," if sep is None else sep,
            na_values=[*EXTRA_MISSING_MARKERS, *na_values],
            keep_default_na=True,
            skipinitialspace=True,
            compression="infer",
        )
    else:
        frame = read_frame(path, kind[1:], what=kind)
    if frame.shape[1] < 2:
        hint = _one_column_hint(frame, sep) if kind in CSV_SUFFIXES else ""
        raise UserError(
            f"{path.name!r} has {plural(frame.shape[1], 'column')}; the audit needs "
            f"a target column and at least one feature column{hint}"
        )
    if frame.shape[0] == 0:
        raise UserError(
            f"{str(path)!r} holds no rows (only a header); the audit needs data rows"
        )
    frame.columns = [str(c) for c in frame.columns]
    return frame


def split_target(frame, target, *, drop=(), keep=(), name="the table"):
    """Features and target; ``drop`` names columns left out, ``keep`` columns kept
    whatever the cleaning says (all must exist, none may be the target)."""
    target = frame.columns[-1] if target is None else target
    if target not in frame.columns:
        raise UserError(
            f"--target {target!r} is not a column of {name}; columns are "
            f"{list(frame.columns)[:20]}"
        )
    for option, columns in (("--drop", drop), ("--keep", keep)):
        unknown = [c for c in columns if c not in frame.columns]
        if unknown:
            raise UserError(
                f"{option} {', '.join(map(repr, unknown))}: not a column of {name}; "
                f"columns are {list(frame.columns)[:20]}"
            )
    if target in drop:
        raise UserError(
            f"--drop {target!r} is the target; choose another --target or do not "
            "drop it"
        )
    if target in keep:
        raise UserError(
            f"--keep {target!r} is the target; --keep names feature columns"
        )
    both = [c for c in keep if c in drop]
    if both:
        raise UserError(
            f"{', '.join(map(repr, both))} given to both --drop and --keep; choose one"
        )
    y = frame[target]
    if y.isna().any():
        raise UserError(
            f"target column {target!r} has {int(y.isna().sum())} missing values; "
            "drop those rows or choose another --target"
        )
    return frame.drop(columns=[target, *drop]), y


def _continuous_reason(y, counts, n_splits):
    """Why a numeric target looks continuous rather than a set of classes, or None.

    It does when it has more than :data:`MAX_DISCRETE_VALUES` distinct values
    and either some are not whole numbers, or there are fewer than
    :data:`MIN_ROWS_PER_VALUE` rows per value on average and some value has
    too few rows to cross-validate (whole numbers with many values and enough
    rows of each are classes, however many).
    """
    if pd.api.types.is_bool_dtype(y.dtype) or not pd.api.types.is_numeric_dtype(
        y.dtype
    ):
        return None
    values = np.asarray(list(counts), dtype=np.float64)
    if len(values) <= MAX_DISCRETE_VALUES:
        return None
    fractional = values[values != np.round(values)]
    sparse = len(y) < MIN_ROWS_PER_VALUE * len(values)
    if len(fractional) == 0 and not (sparse and min(counts.values()) < n_splits):
        return None
    example = fractional[0] if len(fractional) else values[0]
    return f"{len(values)} distinct values in {len(y)} rows" + (
        f", not all whole numbers (e.g. {example:g})" if len(fractional) else ""
    )


def check_target(y, n_splits):
    """Refuse targets the cross-validation cannot handle, naming the fix."""
    counts = {
        (label.item() if hasattr(label, "item") else label): int(size)
        for label, size in y.value_counts().items()
    }
    if not counts:
        raise UserError(f"the target {y.name!r} has no rows")
    continuous = _continuous_reason(y, counts, n_splits)
    if continuous:
        raise UserError(
            f"the target {y.name!r} looks continuous ({continuous}); the audit "
            "compares classifiers: bin it into classes first (e.g. pandas.cut), "
            "or choose another --target"
        )
    if len(counts) < 2:
        raise UserError(
            f"the target {y.name!r} has a single class ({next(iter(counts))!r}); "
            "need at least two"
        )
    if n_splits < 2:
        raise UserError(f"--cv {n_splits} is too small; use at least 2 folds")
    label, size = min(counts.items(), key=lambda item: item[1])
    if size < 2:
        raise UserError(
            f"class {label!r} has {size} row, too few to cross-validate; "
            "drop the class or gather more rows"
        )
    if size < n_splits:
        raise UserError(
            f"class {label!r} has {size} rows, fewer than the {n_splits} folds of "
            f"--cv; use --cv {size} or fewer, or drop the class"
        )
