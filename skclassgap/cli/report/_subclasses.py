"""``report --subclasses``: sub-populations inside each class, found on the
feature columns stored beside the predictions.

Discovery clusters every row of a class at once, so it reads the columns
with pandas: the file must fit ``--memory-budget`` and no Dask scheduler is
used. Without column names, every numeric column that is not a label,
group or probability column is a feature.
"""

import numpy as np

from skclassgap.cli._errors import UserError
from skclassgap.cli._io import format_size, read_frame
from skclassgap.cli._subclasses import subclass_section


def feature_columns(names, columns, requested):
    """The columns to cluster on: ``requested``, checked, or every other one
    (filtered to numeric columns once read)."""
    used = set(columns.read)
    if not requested:
        return [c for c in names if c not in used], False
    for name in requested:
        if name not in names:
            raise UserError(
                f"--subclasses {name!r} is not a column of the data; columns are "
                f"{names[:20]}"
            )
        if name in used:
            raise UserError(
                f"--subclasses {name!r} is a label, group or probability column; "
                "name the feature columns the sub-classes are found on"
            )
    return list(dict.fromkeys(requested)), True


def check_in_memory(args, fmt, widths, n_rows, features, columns, budget):
    """Refuse a scheduler, or columns beyond the memory budget."""
    if args.scheduler is not None:
        raise UserError(
            "--subclasses clusters the rows of each class in memory and does not "
            "run on a Dask scheduler; drop --scheduler (the rows must fit "
            "--memory-budget)"
        )
    if n_rows is None:  # CSV: the whole file
        estimate = int(sum(widths.values()))
    else:
        estimate = int(n_rows * sum(widths[c] for c in [*columns.labels, *features]))
    if estimate > budget:
        raise UserError(
            f"--subclasses reads the feature columns with pandas: about "
            f"{format_size(estimate)}, over the {format_size(budget)} budget; raise "
            "--memory-budget, name fewer columns, or score a sample of the rows"
        )


def _read(path, fmt, names):
    if fmt == "parquet":
        return read_frame(path, "parquet", what=fmt, columns=names)
    return read_frame(path, "csv", what=fmt, usecols=names)


def subclasses(args, fmt, columns, features, named, seed):
    """The sub-class section and its report, from the file's rows."""
    frame = _read(args.path, fmt, list(dict.fromkeys([*columns.labels, *features])))
    numeric = [c for c in features if frame[c].dtype.kind in "biuf"]
    if named and len(numeric) < len(features):
        bad = next(c for c in features if c not in numeric)
        raise UserError(
            f"--subclasses column {bad!r} holds {frame[bad].dtype} values; the "
            "sub-classes are found on numeric columns"
        )
    if not numeric:
        raise UserError(
            "--subclasses found no numeric column besides the label, group and "
            "probability columns; store the features (or embeddings) beside the "
            "predictions, or name them: --subclasses COL [COL ...]"
        )
    X = frame[numeric].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        index = int(np.argwhere(bad)[0][1])
        raise UserError(
            f"--subclasses column {numeric[index]!r} has {int(bad[:, index].sum())} "
            "missing or infinite values; fill them or leave the column out"
        )
    y_true = frame[columns.true].to_numpy()
    y_pred = frame[columns.pred].to_numpy()
    section, report = subclass_section(
        X, y_true, {columns.pred: y_pred}, random_state=seed
    )
    section["features"] = numeric
    return section, report
