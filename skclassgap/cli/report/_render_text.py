"""The report printed on stdout.

The headline lists the registry's headline metrics
(:func:`~skclassgap.metrics._registry.headline_metrics`) in their order and
with their labels, then :data:`EXTRAS`, then the worst cell.
"""

from skclassgap.cli._tables import interval_note, legend, with_intervals
from skclassgap.metrics._registry import headline_metrics

# Headline numbers only a report of stored predictions has: (key, label, key
# of the class the value belongs to). Absent keys are not printed.
EXTRAS = [
    ("max_prediction_bias", "max prediction bias", "most_predicted_class"),
    ("log_loss", "log loss", None),
]


def headline_lines(headline):
    """``label: value`` lines of the headline numbers."""
    rows = [(m.name, m.label, m.class_key) for m in headline_metrics()] + EXTRAS
    lines = []
    for key, label, class_key in rows:
        if key not in headline:
            continue
        value = f"{headline[key]:.3f}"
        if class_key is not None:
            value += f" (class {headline[class_key]!r})"
        lines.append(f"{label:>20}: {value}")
    if "worst_cell" in headline:
        cell = headline["worst_cell"]
        lines.append(
            f"{'worst cell':>20}: group {cell['group']!r}, class {cell['class']!r}: "
            f"recall {cell['recall']:.3f} (support {cell['support']})"
        )
    return lines


def _columns_line(data):
    line = f"columns: true {data['true']!r}, predicted {data['pred']!r}"
    if data["group"]:
        line += f", group {data['group']!r}"
    if data["proba_columns"]:
        line += (
            f", {len(data['proba_columns'])} probability columns "
            f"{data['proba_prefix']}*"
        )
    return line


def table_lines(table):
    """A per-class table as text: ``value [low, high]`` cells with intervals."""
    return with_intervals(table).to_string()


def legend_lines(result, table):
    """The column legend of the per-class table, and what the brackets are."""
    columns = [c for c in table.columns if not str(c).endswith(("_low", "_high"))]
    lines = [legend(columns)]
    intervals = result.get("intervals")
    if intervals is not None:
        group = "; per group x class: within the group's rows"
        lines.append(
            interval_note(intervals["level"], intervals["n_boot"])
            + (group if result["data"]["group"] else "")
        )
    return lines


def render_text(result, table, cells):
    """The report printed on stdout."""
    data = result["data"]
    out = [
        f"data: {data['source']} ({data['format']}): {data['n_rows']} rows, "
        f"{data['n_classes']} classes; read with {data['engine']} "
        f"({data['n_blocks']} blocks; {data['memory']})",
        _columns_line(data),
        "",
        "per class:",
        table_lines(table),
        *legend_lines(result, table),
        "",
        *headline_lines(result["headline"]),
    ]
    if cells is not None:
        out += [
            "",
            f"per group x class (group column {data['group']!r}):",
            table_lines(cells),
        ]
    return "\n".join(out)
