"""The preprocessing section of the report: every decision, as data and text."""

from skclassgap.cli.audit._clean import (
    CATEGORICAL,
    DATETIME,
    HIGH_CARDINALITY,
    NUMERIC,
    plural,
)
from skclassgap.cli.audit._leakage import (
    LEAKAGE_THRESHOLD,
    SUSPICIOUS_THRESHOLD,
    leakage_warnings,
    ranking,
)
from skclassgap.cli.audit._preprocess import STEPS_TEXT, datetime_features
from skclassgap.cli.audit._sentinels import sentinel_lines

KIND_LABELS = {
    NUMERIC: "numeric",
    DATETIME: "datetime",
    CATEGORICAL: "categorical",
    HIGH_CARDINALITY: "high cardinality",
}
# Columns named in one line of text before "...".
SHOWN_COLUMNS = 6


def _names(columns):
    shown = ", ".join(columns[:SHOWN_COLUMNS])
    return shown + (", ..." if len(columns) > SHOWN_COLUMNS else "")


def _missing_line(missing, markers):
    read = (
        "read as missing: pandas' markers (empty, NA, N/A, NaN, null, None, ...) "
        "and " + ", ".join(map(repr, markers))
        if markers is not None
        else "typed input, its own missing values"
    )
    if not missing:
        return f"  missing values: none ({read})"
    worst = sorted(missing.items(), key=lambda item: -item[1])
    detail = ", ".join(f"{c} {n}" for c, n in worst[:SHOWN_COLUMNS])
    detail += ", ..." if len(worst) > SHOWN_COLUMNS else ""
    total = sum(missing.values())
    return (
        f"  missing values: {total} in {plural(len(missing), 'column')} ({detail}), "
        f"imputed in each training fold ({read})"
    )


def _decision_line(decision, features):
    line = f"  {decision['action']} {decision['column']!r}: {decision['reason']}"
    derived = features.get(decision["column"])
    if decision["reason"] == "text read as datetimes" and derived:
        line += f" -> {', '.join(derived)}"
    return line


def _leakage_line(column, score, level):
    if level == "warning":
        return (
            f"  warning: {column!r} alone predicts the target almost perfectly out "
            f"of fold (balanced accuracy {score:.3f}, at or above "
            f"{LEAKAGE_THRESHOLD:.2f}); if it is derived from the target (an ID "
            "sorted by class, a copy of the label), --drop it"
        )
    return (
        f"  suspicious: {column!r} alone predicts the target out of fold with "
        f"balanced accuracy {score:.3f} (at or above {SUSPICIOUS_THRESHOLD:.2f}); "
        "if it is only known after the outcome, --drop it"
    )


def _ranking_line(ranked):
    shown = ", ".join(f"{c} {s:.3f}" for c, s in ranked[:SHOWN_COLUMNS])
    more = ", ..." if len(ranked) > SHOWN_COLUMNS else ""
    return (
        "  each column alone, out-of-fold balanced accuracy, highest first: "
        f"{shown}{more}"
    )


def describe_preprocessing(data, preparation, n_features_out, scores, sentinels=()):
    """What the cleaning decided and what each fold fits, for text, JSON and HTML.

    ``preparation`` is the preparation step fitted on the whole table (it names
    the datetime features); ``scores`` the single-feature balanced accuracies;
    ``sentinels`` the sentinel values of numeric columns
    (:func:`~skclassgap.cli.audit._sentinels.find_sentinels`). The warnings
    (leakage, suspicious columns, sentinels) are also returned apart, for the
    top of the HTML page.
    """
    cleaned = data.cleaned
    kinds = cleaned.kinds
    columns = {k: [c for c, kind in kinds.items() if kind == k] for k in KIND_LABELS}
    features = datetime_features(preparation)
    leaks = leakage_warnings(scores)
    lines = [_missing_line(data.missing, data.markers)]
    lines += [_decision_line(d, features) for d in cleaned.decisions]
    for kind, label in KIND_LABELS.items():
        if columns[kind]:
            lines.append(
                f"  {label} ({plural(len(columns[kind]), 'column')}: "
                f"{_names(columns[kind])}): {STEPS_TEXT[kind]}"
            )
    lines.append(
        f"  {plural(len(kinds), 'column')} in, {plural(n_features_out, 'feature')} out"
    )
    ranked = ranking(scores)
    if ranked:
        lines.append(_ranking_line(ranked))
    warnings = [_leakage_line(*leak) for leak in leaks]
    warnings += sentinel_lines(sentinels, csv=data.markers is not None)
    lines += warnings
    categories = {
        c: int(cleaned.X[c].nunique())
        for c in columns[CATEGORICAL] + columns[HIGH_CARDINALITY]
    }
    return {
        "missing_markers": data.markers,
        "missing_values": data.missing,
        "decisions": cleaned.decisions,
        "columns": columns,
        "steps": {k: STEPS_TEXT[k] for k in KIND_LABELS if columns[k]},
        "categories": categories,
        "datetime_features": features,
        "n_features_out": int(n_features_out),
        "single_feature_balanced_accuracy": {c: float(s) for c, s in scores.items()},
        "single_feature_ranking": [
            {"column": c, "balanced_accuracy": float(s)} for c, s in ranked
        ],
        "leakage_threshold": LEAKAGE_THRESHOLD,
        "suspicious_threshold": SUSPICIOUS_THRESHOLD,
        "leakage": [
            {"column": c, "balanced_accuracy": float(s), "level": level}
            for c, s, level in leaks
        ],
        "sentinels": list(sentinels),
        "warnings": [line.strip() for line in warnings],
        "text": "\n".join(lines),
    }
