"""The preprocessing section of the report: every decision, as data and text."""

from skclassgap.cli.audit._clean import (
    CATEGORICAL,
    DATETIME,
    HIGH_CARDINALITY,
    NUMERIC,
    plural,
)
from skclassgap.cli.audit._leakage import LEAKAGE_THRESHOLD, leakage_warnings
from skclassgap.cli.audit._preprocess import STEPS_TEXT, datetime_features

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


def describe_preprocessing(data, preparation, n_features_out, scores):
    """What the cleaning decided and what each fold fits, for text, JSON and HTML.

    ``preparation`` is the preparation step fitted on the whole table (it names
    the datetime features); ``scores`` the single-feature balanced accuracies.
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
    lines += [
        f"  warning: {column!r} alone predicts the target almost perfectly out of "
        f"fold (balanced accuracy {score:.3f}); if it is derived from the target "
        "(an ID sorted by class, a copy of the label), --drop it"
        for column, score in leaks
    ]
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
        "leakage_threshold": LEAKAGE_THRESHOLD,
        "leakage": [{"column": c, "balanced_accuracy": float(s)} for c, s in leaks],
        "text": "\n".join(lines),
    }
