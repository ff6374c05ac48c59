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
from skclassgap.metrics._bootstrap import resample_cells
from skclassgap.metrics._grouped import overall_counts
from skclassgap.metrics._registry import summary_from_counts
from skclassgap.metrics._report import (
    grouped_report_frame,
    interval_columns,
    report_frame,
)

# Bootstrap resamples of --ci, and their seed (the intervals repeat exactly).
N_BOOT = 1000
SEED = 0


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


def _with_intervals(table, cells, ci):
    """``table`` (one row per class) with the bootstrap intervals drawn from the
    (true, predicted) ``cells`` (a Series of counts) of the same rows, seeded
    with :data:`SEED`: those of ``per_class_report(..., ci=ci,
    n_boot=N_BOOT, random_state=SEED)`` on the rows."""
    labels = pd.Index(table.index)
    t = labels.get_indexer(cells.index.get_level_values("true"))
    p = labels.get_indexer(cells.index.get_level_values("pred"))
    k = len(labels)
    t, p = np.where(t < 0, k, t), np.where(p < 0, k, p)
    counts = cells.to_numpy(dtype=np.int64)
    rng = np.random.default_rng(SEED)
    resampled = resample_cells(t, p, counts, k, N_BOOT, rng)
    return interval_columns(table, resampled, ci, 0.0)


def _grouped_intervals(table, cells, ci):
    """The per (group, class) table with intervals, each group's rows resampled
    within the group (stratified by true class)."""
    parts = []
    for group in table.index.get_level_values("group").unique():
        rows = table.xs(group, level="group")
        rows.index.name = "class"
        mine = cells.xs(group, level="group")
        parts.append(_with_intervals(rows, mine, ci))
    groups = table.index.get_level_values("group").unique()
    return pd.concat(parts, keys=groups, names=["group", "class"])


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


def build_report(counts, sums, proba_classes, cells=None, ci=None):
    """The per-class table, headline numbers and, with groups, the cell table.

    With ``ci`` (and the (group, true, predicted) ``cells`` counts), both
    tables get bootstrap intervals at that level: :data:`N_BOOT` resamples
    stratified by true class, drawn from the cell counts (the rows are never
    needed), seeded with :data:`SEED` (each table and each group with the
    same seed); per group, within the group's rows.
    """
    overall = overall_counts(counts)
    table = report_frame(
        overall.tp,
        overall.support,
        overall.predicted,
        pd.Index(overall.labels, name="class"),
        0.0,
    )
    if ci is not None:
        levels = ["true", "pred"]
        table = _with_intervals(table, cells.groupby(level=levels).sum(), ci)
    headline = summary_from_counts(overall)
    observed = table["prediction_bias"][overall.in_true]
    top = observed.idxmax()
    headline["most_predicted_class"] = to_python(top)
    headline["max_prediction_bias"] = float(observed[top])
    if sums is not None:
        _add_probabilities(table, headline, overall, sums, proba_classes)
    grouped = None
    if counts.groups is not None:
        grouped, headline["worst_cell"] = _worst_cell(counts)
        if ci is not None:
            grouped = _grouped_intervals(grouped, cells, ci)
    return table, grouped, headline


def build_result(path, fmt, columns, engine, table, cells, headline, ci=None):
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
        "intervals": None
        if ci is None
        else {
            "level": ci,
            "method": "bootstrap stratified by true class (within each group)",
            "n_boot": N_BOOT,
            "random_state": SEED,
        },
        "per_class": records(table),
        "per_group_class": None if cells is None else records(cells),
    }
