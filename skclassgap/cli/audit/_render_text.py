"""The audit printed on stdout, and the rows the HTML page shares with it.

Headline labels and the comparison table's column labels are read from the
metric registry (:mod:`skclassgap.metrics._registry`).
"""

import math

from skclassgap.cli._tables import interval_note, legend, with_intervals
from skclassgap.cli.audit._clean import plural
from skclassgap.cli.audit._measure import N_BOOT
from skclassgap.cli.audit._result import (
    FIT_NOTE,
    HEADLINE_NOTE,
    POOLED_NOTE,
    SPECTRAL_LEGEND,
    TABLE_NOTE,
)
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


def level_text(confidence):
    """``"95 %"``."""
    return f"{100 * confidence:g} %"


def interval_text(interval):
    """``+0.756 [+0.60, +0.91]``: the mean, then the bounds with two decimals (three
    when the interval is narrower than 0.1)."""
    mean, low, high = interval["mean"], interval["low"], interval["high"]
    if low is None or high is None:
        return f"{mean + 0.0:+.3f} [no interval]"
    decimals = 2 if high - low >= 0.1 else 3
    return f"{mean + 0.0:+.3f} [{low + 0.0:+.{decimals}f}, {high + 0.0:+.{decimals}f}]"


def folds_text(cv, details=""):
    """``5-fold stratified cross-validation repeated 5 times (25 folds)``, with
    ``details`` inside the parentheses."""
    text = f"{cv['n_splits']}-fold stratified cross-validation"
    inside = [details] if details else []
    if cv["n_repeats"] > 1:
        text += f" repeated {cv['n_repeats']} times"
        inside.insert(0, f"{cv['n_folds']} folds")
    return text + (f" ({'; '.join(inside)})" if inside else "")


def comparison_rows(result):
    """Rows of the strategy table: rank, name, the change of the objective against
    the baseline with its interval, the fold mean of every metric, fit seconds."""
    columns = result["metric_columns"]
    verdict = result["verdict"]
    change = (
        f"{_column_label(verdict['column'])} change "
        f"[{level_text(verdict['confidence'])}]"
    )
    header = ["rank", "strategy", change, *(_column_label(c) for c in columns), "fit s"]
    rows = []
    for name in result["ranking"]:
        outcome = result["strategies"][name]
        cells = [f"{outcome['metrics'][c]['mean']:.3f}" for c in columns]
        delta = (
            "(reference)" if name == "baseline" else interval_text(outcome["change"])
        )
        rows.append(
            [
                str(outcome["rank"]),
                name,
                delta,
                *cells,
                f"{outcome['fit_seconds']:.1f}",
            ]
        )
    return header, rows


def table_text(header, rows, name_columns=2):
    """Rows as aligned text: names left, numbers right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(w) if i < name_columns else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def story_lines(result):
    """The closing lines: the class the baseline fails; the best strategy, named
    only when its interval against the baseline excludes 0 on the improving side,
    or that none is distinguishable and the closest one; and, when the first two
    strategies cannot be told apart, that they cannot."""
    facts, verdict = result["story"], result["verdict"]
    name = verdict["objective"]
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
    lead = verdict["lead"]
    if lead is None:
        return [first, "no mitigation ran"]
    level = level_text(verdict["confidence"])
    change = (
        f"{name} {verdict['baseline_value']:.3f} -> {verdict['lead_value']:.3f}, "
        f"change {interval_text(verdict['change'])}"
    )
    over = f"{level} interval over {verdict['n_folds']} folds"
    if verdict["best"] is None:
        lines = [
            first,
            f"no strategy is distinguishable from the baseline on {name} at the "
            f"{level} level; the closest, {lead}: {change} ({over})",
        ]
    else:
        second = f"best by {name}: {lead}, {change} ({over})"
        if not facts["all_classes_equal"]:
            second += (
                f"; recall of class {worst!r} {facts['worst_class_recall']:.3f} -> "
                f"{facts['lead_worst_class_recall']:.3f}"
            )
        lines = [first, second]
    first_two = verdict["first_two"]
    if first_two is not None and not first_two["distinguishable"]:
        a, b = first_two["names"]
        lines.append(
            f"{a} and {b} are not distinguishable from each other on {name} at the "
            f"{level} level (difference {interval_text(first_two['difference'])})"
        )
    return lines


def headline_rows(result):
    """(label, pooled, fold mean) of the baseline's headline numbers, in the
    registry's order; a pooled value that belongs to a class names it, unless
    the classes are all equal."""
    numbers = result["baseline"]["headline"]
    fold_mean = result["baseline"].get("fold_mean", {})
    rows = []
    for metric in headline_metrics():
        suffix = (
            f" (class {numbers[metric.class_key]})"
            if metric.class_key is not None and not numbers["all_classes_equal"]
            else ""
        )
        rows.append(
            (
                metric.label,
                f"{_fmt(numbers[metric.name])}{suffix}",
                _fmt(fold_mean.get(metric.name)),
            )
        )
    return rows


def _strategy_lines(result):
    cv = result["cv"]
    header, rows = comparison_rows(result)
    verdict = result["verdict"]
    out = [
        f"strategies, {folds_text(cv)}, the same folds for every strategy, ranked "
        f"by {result['objective']['name']}:",
        table_text(header, rows),
        f"change: the paired per-fold change of {verdict['objective']} against the "
        f"baseline, [{level_text(verdict['confidence'])} interval] by the corrected "
        "resampled t-test; a strategy whose interval against the first of its rank "
        f"includes 0 shares that rank; other columns: {TABLE_NOTE}; "
        + FIT_NOTE.format(n_folds=cv["n_folds"]),
    ]
    for status in ("merged", "declined", "failed"):
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


def _headline_lines(result):
    rows = headline_rows(result)
    width = max(len(pooled) for _, pooled, _ in rows)
    out = [
        f"baseline headline (pooled: {HEADLINE_NOTE}; fold mean: over the "
        f"{result['cv']['n_folds']} folds):",
        f"{'':>20}  {'pooled':>{width}}  fold mean",
    ]
    out += [
        f"{label:>20}: {pooled:>{width}}  {mean:>9}" for label, pooled, mean in rows
    ]
    out.append(POOLED_NOTE.format(n_folds=result["cv"]["n_folds"]))
    return out


def render_text(run, pm="±"):
    """The report printed on stdout (``pm``: kept for callers; the table now
    shows intervals, not spreads)."""
    result = run.result
    data, cv = result["data"], result["cv"]
    report = run.report
    out = [
        f"data: {data['source']}: {data['n_rows']} rows, "
        f"{plural(data['n_columns_read'], 'feature column')}, "
        f"{data['n_classes']} classes (target {data['target']!r})",
        "preprocessing (decisions made once on the whole table; imputation, scaling "
        "and encoding fitted in each training fold):",
        result["preprocessing"]["text"],
        f"model: {result['model']['name']}, "
        + folds_text(cv, f"shuffled, random state {cv['random_state']}"),
        "",
        "baseline per class (out-of-fold predictions, first repetition):",
        with_intervals(report).to_string(),
        legend(["prediction_bias", "fp_share"]),
        interval_note(result["verdict"]["confidence"], N_BOOT),
        "",
    ]
    out += _headline_lines(result)
    out.append("")
    spectral = result["spectral"]
    if spectral["status"] == "ok":
        out.append("spectral imbalance of the preprocessed features, per class:")
        out.append(run.spectral_table.to_string(float_format=lambda v: f"{v:.3f}"))
        out.append(legend_spectral(run.spectral_table.columns))
    else:
        out.append(f"spectral imbalance: {spectral['status']} ({spectral['note']})")
    out.append("")
    out += _strategy_lines(result)
    out.append("")
    out.extend(story_lines(result))
    return "\n".join(out)


def legend_spectral(columns):
    """The spectral table's legend, for the columns it has."""
    return "; ".join(
        f"{c}: {SPECTRAL_LEGEND[c]}" for c in columns if c in SPECTRAL_LEGEND
    )
