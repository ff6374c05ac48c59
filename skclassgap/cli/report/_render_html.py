"""The HTML page of ``skclassgap report`` (tables only)."""

import html

from skclassgap.cli._html import frame_table, page
from skclassgap.cli.report._render_text import headline_lines


def render_html(result, table, cells):
    """A self-contained HTML page of the report."""
    esc = html.escape
    data = result["data"]
    parts = [
        f"<p><b>Data</b>: {esc(data['source'])} ({data['format']}), "
        f"{data['n_rows']} rows, {data['n_classes']} classes, read with "
        f"{esc(data['engine'])}. True labels <code>{esc(data['true'])}</code>, "
        f"predictions <code>{esc(data['pred'])}</code>.</p>",
        "<h2>Headline</h2>",
        "<pre>" + esc("\n".join(headline_lines(result["headline"]))) + "</pre>",
        "<h2>Per class</h2>",
        frame_table(table),
    ]
    if cells is not None:
        parts += [
            f"<h2>Per group x class (<code>{esc(data['group'])}</code>)</h2>",
            frame_table(cells),
        ]
    return page("report", data["source"], parts, result["skclassgap_version"])
