"""Input of ``skclassgap audit``: check the path, read the table, split off the
target, check it."""

from pathlib import Path

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import read_frame
from skclassgap.cli.audit._clean import plural

# Suffixes read by pandas (compressed CSV as pandas reads it: by its suffix).
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zst", ".zip", ".tsv")
READABLE_SUFFIXES = (*CSV_SUFFIXES, ".parquet", ".feather")
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
    frame.columns = [str(c) for c in frame.columns]
    return frame


def split_target(frame, target, *, drop=(), name="the table"):
    """Features and target; ``drop`` names columns left out (all must exist)."""
    target = frame.columns[-1] if target is None else target
    if target not in frame.columns:
        raise UserError(
            f"--target {target!r} is not a column of {name}; columns are "
            f"{list(frame.columns)[:20]}"
        )
    unknown = [c for c in drop if c not in frame.columns]
    if unknown:
        raise UserError(
            f"--drop {', '.join(map(repr, unknown))}: not a column of {name}; "
            f"columns are {list(frame.columns)[:20]}"
        )
    if target in drop:
        raise UserError(
            f"--drop {target!r} is the target; choose another --target or do not "
            "drop it"
        )
    y = frame[target]
    if y.isna().any():
        raise UserError(
            f"target column {target!r} has {int(y.isna().sum())} missing values; "
            "drop those rows or choose another --target"
        )
    return frame.drop(columns=[target, *drop]), y


def check_target(y, n_splits):
    """Refuse targets the cross-validation cannot handle, naming the fix."""
    counts = {
        (label.item() if hasattr(label, "item") else label): int(size)
        for label, size in y.value_counts().items()
    }
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
