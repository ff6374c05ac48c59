"""The report from the counts: per-class table, headline numbers, JSON-able result.

The headline holds the registry's headline metrics
(:func:`~skclassgap.metrics._registry.summary_from_counts`), then what only a
report of stored predictions has: the largest prediction bias, the log loss
(with probability columns) and the worst (group, class) cell (with groups).
"""

import math

import numpy as np
import pandas as pd

from skclassgap import __version__
from skclassgap.cli._io import to_python
from skclassgap.metrics._grouped import overall_counts
from skclassgap.metrics._registry import summary_from_counts
from skclassgap.metrics._report import grouped_report_frame, report_frame


def records(frame):
    """A report DataFrame as JSON-able records, index levels first."""
    flat = frame.reset_index()
    rows = []
    for row in flat.itertuples(index=False):
        record = {}
        for column, value in zip(flat.columns, row, strict=True):
            value = to_python(value)
            if isinstance(value, float) and not math.isfinite(value):
                value = None if math.isnan(value) else str(value)
            record[str(column)] = value
        rows.append(record)
    return rows


def _add_probabilities(table, headline, overall, sums, proba_classes):
    """Per-class mean probability of the true class, log loss and probability
    bias, and the overall log loss."""
    position = pd.Index(proba_classes).get_indexer(pd.Index(overall.labels).astype(str))
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


def _worst_cell(counts):
    """The per (group, class) table and its observed cell of smallest recall."""
    cells = grouped_report_frame(counts, None, 0.0)
    observed = cells[cells["support"] > 0]
    worst = observed["recall"].idxmin()
    return cells, {
        "group": to_python(worst[0]),
        "class": to_python(worst[1]),
        "recall": float(observed.loc[worst, "recall"]),
        "support": to_python(observed.loc[worst, "support"]),
    }


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
    headline["most_predicted_class"] = to_python(top)
    headline["max_prediction_bias"] = float(observed[top])
    if sums is not None:
        _add_probabilities(table, headline, overall, sums, proba_classes)
    cells = None
    if counts.groups is not None:
        cells, headline["worst_cell"] = _worst_cell(counts)
    return table, cells, headline


def build_result(path, fmt, columns, engine, table, cells, headline):
    """The JSON-able result of the report (``engine``: name, blocks, memory)."""
    name, n_blocks, memory = engine
    return {
        "skclassgap_version": __version__,
        "command": "report",
        "data": {
            "source": str(path),
            "format": fmt,
            "n_rows": to_python(table["support"].sum()),
            "n_classes": len(table),
            "engine": name,
            "n_blocks": int(n_blocks),
            "memory": memory,
            "true": columns.true,
            "pred": columns.pred,
            "group": columns.group,
            "proba_prefix": columns.proba_prefix,
            "proba_columns": columns.proba,
        },
        "headline": headline,
        "per_class": records(table),
        "per_group_class": None if cells is None else records(cells),
    }
