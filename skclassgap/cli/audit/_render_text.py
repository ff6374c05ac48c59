"""The audit printed on stdout, and the rows the HTML page shares with it.

Headline labels and the comparison table's column labels are read from the
metric registry (:mod:`skclassgap.metrics._registry`).
"""

import math

from skclassgap.cli.audit._clean import plural
from skclassgap.cli.audit._result import HEADLINE_NOTE, PER_CLASS_LEGEND, TABLE_NOTE
from skclassgap.metrics._registry import METRICS, headline_metrics


def plus_minus(stream):
    """``"±"`` when the stream can print it, else ``"+/-"``."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "±".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "+/-"
    return "±"


def _fmt(value):
    return (
        "nan"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.3f}")
    )


def _column_label(column):
    """The short label of a metric column (its name when the registry has none)."""
    labels = {metric.name: metric.column_label for metric in METRICS.values()}
    return labels.get(column, column)


def comparison_rows(result, pm="±"):
    """Rows of the strategy table: rank, name, mean ± std per metric, fit seconds."""
    columns = result["metric_columns"]
    ranked = result["ranking"]
    header = ["rank", "strategy", *(_column_label(c) for c in columns), "fit s"]
    rows = []
    for name in ranked:
        outcome = result["strategies"][name]
        cells = [
            f"{outcome['metrics'][c]['mean']:.3f}{pm}{outcome['metrics'][c]['std']:.3f}"
            for c in columns
        ]
        rows.append(
            [str(outcome["rank"]), name, *cells, f"{outcome['fit_seconds']:.1f}"]
        )
    return header, rows


def _table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(w) if i < 2 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def story_lines(result, pm="±"):
    """Two lines: the class the baseline fails, and what the best mitigation
    changes on the objective (mean and spread of the per-fold differences)."""
    facts = result["story"]
    name = result["objective"]["name"]
    worst = facts["worst_class"]
    n_rows = result["data"]["n_rows"]
    if facts["all_classes_equal"]:
        first = (
            f"baseline: every class has the same recall, "
            f"{facts['worst_class_recall']:.3f}"
        )
    else:
        first = (
            f"baseline: worst class {worst!r} ({facts['worst_class_support']} of "
            f"{n_rows} rows), recall {facts['worst_class_recall']:.3f}"
        )
    best = facts["best"]
    if best is None:
        return [first, "no mitigation ran"]
    change = (
        f"{name} {facts['baseline_value']:.3f} -> {facts['best_value']:.3f}, change "
        f"{facts['change_mean']:+.3f}{pm}{facts['change_std']:.3f} over "
        f"{facts['n_folds']} folds"
    )
    if not facts["beats_baseline"]:
        second = (
            f"no mitigation beat the baseline on {name}; the closest, {best}: {change}"
        )
    else:
        second = (
            f"best by {name}: {best}, {change}; recall of class {worst!r} "
            f"{facts['worst_class_recall']:.3f} -> "
            f"{facts['best_worst_class_recall']:.3f}"
        )
    return [first, second]


def headline_rows(result):
    """(label, value) of the baseline's headline numbers, in the registry's order;
    a value that belongs to a class names it, unless the classes are all equal."""
    numbers = result["baseline"]["headline"]
    rows = []
    for metric in headline_metrics():
        suffix = (
            f" (class {numbers[metric.class_key]})"
            if metric.class_key is not None and not numbers["all_classes_equal"]
            else ""
        )
        rows.append((metric.label, f"{_fmt(numbers[metric.name])}{suffix}"))
    return rows


def _strategy_lines(result, pm):
    cv = result["cv"]
    header, rows = comparison_rows(result, pm)
    out = [
        f"strategies, {cv['n_splits']}-fold CV, {TABLE_NOTE.format(pm=pm)}, "
        f"ranked by {result['objective']['name']} (equal means share a rank):",
        _table(header, rows),
    ]
    for status in ("declined", "failed"):
        names = [
            f"{name} ({o['note']})"
            for name, o in result["strategies"].items()
            if o["status"] == status
        ]
        if names:
            out.append(f"{status}: " + "; ".join(names))
    notes = [
        f"{name}: {o['note']}"
        for name, o in result["strategies"].items()
        if o["status"] == "ok" and o["note"]
    ]
    if notes:
        out.append("settings: " + "; ".join(notes))
    return out


def render_text(run, pm="±"):
    """The report printed on stdout."""
    result = run.result
    data, cv = result["data"], result["cv"]
    out = [
        f"data: {data['source']}: {data['n_rows']} rows, "
        f"{plural(data['n_columns_read'], 'feature column')}, "
        f"{data['n_classes']} classes (target {data['target']!r})",
        "preprocessing (decisions made once on the whole table; imputation, scaling "
        "and encoding fitted in each training fold):",
        result["preprocessing"]["text"],
        f"model: {result['model']['name']}, {cv['n_splits']}-fold stratified "
        f"cross-validation (shuffled, random state {cv['random_state']})",
        "",
        "baseline per class (out-of-fold predictions):",
        run.report.to_string(float_format=lambda v: f"{v:.3f}"),
        PER_CLASS_LEGEND,
        "",
        f"baseline headline ({HEADLINE_NOTE}):",
    ]
    out += [f"{label:>20}: {value}" for label, value in headline_rows(result)]
    out.append("")
    spectral = result["spectral"]
    if spectral["status"] == "ok":
        out.append("spectral imbalance of the preprocessed features, per class:")
        out.append(run.spectral_table.to_string(float_format=lambda v: f"{v:.3f}"))
    else:
        out.append(f"spectral imbalance: {spectral['status']} ({spectral['note']})")
    out.append("")
    out += _strategy_lines(result, pm)
    out.append("")
    out.extend(story_lines(result, pm))
    return "\n".join(out)
