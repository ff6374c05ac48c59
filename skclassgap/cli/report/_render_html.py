"""The HTML page of ``skclassgap report``: tables with their legend, and the
per-class figure the audit's page also draws (when matplotlib is installed)."""

import html

from skclassgap.cli._html import (
    figure,
    frame_table,
    legend_note,
    page,
    per_class_figure,
)
from skclassgap.cli._tables import interval_note, with_intervals
from skclassgap.cli.report._render_text import headline_lines


def _figure(table):
    """The per-class figure, or a note saying how to get it."""
    try:
        import matplotlib
    except ImportError:
        return (
            "<p class='note'>Figures need matplotlib: pip install "
            "'skclassgap[plot]'.</p>"
        )
    matplotlib.use("Agg")
    observed = table[table["support"] > 0]  # a class only predicted has no recall
    return figure(*per_class_figure(observed, name="the predictions"))


def render_html(result, table, cells):
    """A self-contained HTML page of the report."""
    esc = html.escape
    data = result["data"]
    columns = [c for c in table.columns if not str(c).endswith(("_low", "_high"))]
    intervals = result.get("intervals")
    parts = [
        f"<p><b>Data</b>: {esc(data['source'])} ({data['format']}), "
        f"{data['n_rows']} rows, {data['n_classes']} classes, read with "
        f"{esc(data['engine'])}. True labels <code>{esc(data['true'])}</code>, "
        f"predictions <code>{esc(data['pred'])}</code>.</p>",
        "<h2>Headline</h2>",
        "<pre>" + esc("\n".join(headline_lines(result["headline"]))) + "</pre>",
        "<h2>Per class</h2>",
        frame_table(with_intervals(table)),
        legend_note(columns),
    ]
    if intervals is not None:
        note = interval_note(intervals["level"], intervals["n_boot"])
        parts.append(f"<p class='note'>{esc(note)}.</p>")
    parts.append(_figure(table))
    if cells is not None:
        parts += [
            f"<h2>Per group x class (<code>{esc(data['group'])}</code>)</h2>",
            frame_table(with_intervals(cells)),
        ]
    return page("report", data["source"], parts, result["skclassgap_version"])
