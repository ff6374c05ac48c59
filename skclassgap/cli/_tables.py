"""Per-class tables both commands show: intervals beside values, one legend.

A per-class report with bootstrap intervals has ``<metric>_low`` and
``<metric>_high`` beside a metric; tables show them as one cell,
``0.750 [0.594, 0.875]``. The legend of the columns is written once, here,
and read by the text and HTML of ``audit`` and ``report``.
"""

import math

import pandas as pd

# What each per-class column means, in the order tables show them.
COLUMN_LEGEND = {
    "support": "true rows of the class",
    "predicted": "rows predicted as the class",
    "precision": "share of the rows predicted as the class that are of it",
    "recall": "share of the class's rows predicted as it",
    "f1": "harmonic mean of precision and recall",
    "prediction_bias": "predicted / support (> 1: the class attracts predictions)",
    "fp_share": "the class's share of all false positives",
    "mean_proba": "mean predicted probability of the true class over its rows",
    "log_loss": "mean negative log of that probability",
    "proba_bias": "sum of the class's predicted probabilities / support",
}


def legend(columns):
    """The legend of ``columns`` (those the legend knows), one string."""
    return "; ".join(f"{c}: {COLUMN_LEGEND[c]}" for c in columns if c in COLUMN_LEGEND)


def interval_note(ci, n_boot):
    """The sentence that says what the brackets are."""
    return (
        f"[low, high]: {100 * ci:g} % bootstrap interval ({n_boot} resamples of "
        "the rows, stratified by true class)"
    )


def _number(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.3f}"


def with_intervals(frame):
    """A frame of text cells: every metric that has ``_low``/``_high`` columns
    becomes ``value [low, high]``; other floats get three decimals."""
    columns = {}
    for name in frame.columns:
        if name.endswith(("_low", "_high")) and name.rsplit("_", 1)[0] in frame:
            continue
        values = frame[name]
        low, high = f"{name}_low", f"{name}_high"
        if low in frame and high in frame:
            columns[name] = [
                f"{_number(v)} [{_number(lo)}, {_number(hi)}]"
                for v, lo, hi in zip(values, frame[low], frame[high], strict=True)
            ]
        elif values.dtype.kind == "f":
            columns[name] = [
                str(int(v))
                if name in ("support", "predicted") and v.is_integer()
                else _number(v)
                for v in values
            ]
        else:
            columns[name] = values.tolist()
    return pd.DataFrame(columns, index=frame.index)


def has_intervals(frame):
    """Whether a per-class frame carries interval columns."""
    return any(str(c).endswith("_low") for c in frame.columns)
