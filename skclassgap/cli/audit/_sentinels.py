"""Sentinel values: a number in a numeric column that stands for "missing".

Files often write a missing number as -999, 9999 or -1. Read as a number, it
drags means, scalings and split points; read as a category, it is a level.
The audit names such a value, with a ``--na-values`` hint, when it

- covers more than :data:`MIN_SHARE` of the column's non-missing values (and
  at least two rows), and
- lies far outside the column's other values: beyond their range by more
  than :data:`FAR_IQRS` interquartile ranges of those other values (their
  range when the interquartile range is 0; a column whose other values are
  all equal is not judged), or, for the markers files commonly use
  (:data:`COMMON_MARKERS`), anywhere beyond their range (a negative marker
  only below a column of non-negative values).

Only the column's extremes can lie outside the other values, so the smallest
and the largest value are tested, then the next ones once a sentinel is
removed (a column may hold both -999 and -99).
"""

import numpy as np

from skclassgap.cli.audit._clean import NUMERIC

MIN_SHARE = 0.01
FAR_IQRS = 3.0
COMMON_MARKERS = frozenset({-1, -9, -99, -999, -9999, -99999, 999, 9999, 99999, 999999})
# Sentinels looked for at each end of a column.
MAX_PER_SIDE = 3


def _far(value, others, side):
    """Whether ``value`` lies far outside ``others`` on ``side``."""
    low, high = float(others.min()), float(others.max())
    q1, q3 = np.percentile(others, [25, 75])
    scale = float(q3 - q1) or (high - low)
    if scale <= 0:
        return False
    gap = low - value if side == "low" else value - high
    if gap > FAR_IQRS * scale:
        return True
    common = value in COMMON_MARKERS and (value > 0 or low >= 0)
    return bool(common and gap > 0)


def column_sentinels(values):
    """Sentinel values of one numeric column (NaN ignored), each with its count.

    Returns a list of ``(value, count)``, lowest side first.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    n = len(values)
    found = []
    rest = values
    for side in ("low", "high"):
        for _ in range(MAX_PER_SIDE):
            if len(rest) < 2:
                break
            value = float(rest.min() if side == "low" else rest.max())
            hit = rest == value
            count = int(hit.sum())
            others = rest[~hit]
            if count < 2 or count <= MIN_SHARE * n or len(others) < 2:
                break
            if not _far(value, others, side):
                break
            found.append((value, count))
            rest = others
    return found


def _number(value):
    """``-999`` rather than ``-999.0``."""
    return int(value) if float(value).is_integer() else float(value)


def find_sentinels(cleaned):
    """Sentinels of every numeric column of the cleaned table, as dicts:
    column, value, count, share (of the non-missing values) and the range of
    the column's other values."""
    out = []
    for column, kind in cleaned.kinds.items():
        if kind != NUMERIC:
            continue
        values = cleaned.X[column].to_numpy(dtype=np.float64, na_value=np.nan)
        present = values[~np.isnan(values)]
        found = column_sentinels(present)
        if not found:
            continue
        rest = present[~np.isin(present, [v for v, _ in found])]
        for value, count in found:
            out.append(
                {
                    "column": str(column),
                    "value": _number(value),
                    "count": count,
                    "share": count / len(present),
                    "others_low": _number(rest.min()),
                    "others_high": _number(rest.max()),
                }
            )
    return out


def sentinel_lines(sentinels, csv):
    """One line of the preprocessing text per sentinel, with the hint."""
    lines = []
    for s in sentinels:
        where = "below" if s["value"] < s["others_low"] else "above"
        hint = (
            f"rerun with --na-values {s['value']}"
            if csv
            else "replace it by a missing value in the file (--na-values applies "
            "to CSV files)"
        )
        lines.append(
            f"  sentinel? {s['column']!r}: {s['value']} in {s['count']} rows "
            f"({100 * s['share']:.1f} %), far {where} its other values "
            f"({s['others_low']} to {s['others_high']}), used as a number; if it "
            f"marks a missing value, {hint}"
        )
    return lines
