"""HTML pieces both commands' pages share: the page, its style, tables, figures,
warnings and legends.

Pages are self-contained: the style is inline and figures are inline PNGs.
"""

import base64
import html
import io

from skclassgap.cli._tables import legend

CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #f2f4f7; } td.name, th.name { text-align: left; }
tr.best td { background: #e8f5e9; font-weight: bold; }
figure { margin: 1em 0; } figcaption { font-size: .9em; color: #555; }
img { max-width: 100%; } .note { color: #666; font-size: .9em; }
pre { background: #f6f8fa; padding: .6em; font-size: .85em;
      white-space: pre-wrap; overflow-wrap: anywhere; }
.warning { background: #fff4e5; border-left: 4px solid #e07b00; padding: .5em .9em;
           margin: 1em 0; }
.warning p { margin: .3em 0; }
.verdict { background: #eef5ff; border-left: 4px solid #1f77b4; padding: .5em .9em; }
"""


def page(command, source, body, version):
    """A whole page: ``skclassgap COMMAND`` on ``source``, then ``body`` (HTML
    strings, one per line), then the version."""
    esc = html.escape
    return "\n".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>skclassgap {command}: {esc(source)}</title>",
            f"<style>{CSS}</style></head><body>",
            f"<h1>skclassgap {command}</h1>",
            *body,
            f"<p class='note'>skclassgap {esc(version)}</p></body></html>",
        ]
    )


def table(header, rows, *, best_row=None, name_columns=1):
    """A table; the first ``name_columns`` columns are left-aligned names and
    row ``best_row`` is highlighted."""
    esc = html.escape
    head = "".join(
        f'<th class="name">{esc(str(h))}</th>'
        if i < name_columns
        else f"<th>{esc(str(h))}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for r, row in enumerate(rows):
        cls = ' class="best"' if r == best_row else ""
        cells = "".join(
            f'<td class="name">{esc(str(c))}</td>'
            if i < name_columns
            else f"<td>{esc(str(c))}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def frame_table(frame):
    """A DataFrame as a table: its index levels as name columns (a nameless
    single index is ``class``), then its columns, floats with three decimals."""
    names = [name if name is not None else "class" for name in frame.index.names]
    header = [*map(str, names), *map(str, frame.columns)]
    rows = []
    for label, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        levels = label if isinstance(label, tuple) else (label,)
        rows.append(
            [*levels, *(f"{v:.3f}" if isinstance(v, float) else v for v in row)]
        )
    return table(header, rows, name_columns=frame.index.nlevels)


def png(figure):
    """A matplotlib figure as an inline ``<img>`` (base64 PNG); the figure is
    closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def figure(img, caption):
    """An image with its caption."""
    return f"<figure>{img}<figcaption>{html.escape(caption)}</figcaption></figure>"


def warnings_box(lines, title="Check these columns first"):
    """A highlighted box of warnings, each line in full; empty without lines."""
    if not lines:
        return ""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f"<div class='warning'><b>{html.escape(title)}</b>{body}</div>"


def legend_note(columns):
    """The legend of a per-class table's columns, as a note paragraph."""
    text = legend(columns)
    return f"<p class='note'>{html.escape(text)}.</p>" if text else ""


def axis_note(ax):
    """A sentence saying where the value axis of bars starts when it is not 0."""
    bottom = ax.get_ylim()[0]
    return "" if bottom <= 0 else f" The vertical axis starts at {bottom:.2f}, not 0."


def per_class_figure(scores, *, name, other_scores=None, other_name=None, caption=None):
    """Per-class bars of a per-class report (and of a second one), as
    ``(img, caption)``; the caption ends by saying where the value axis starts
    when it is not 0."""
    from skclassgap.plotting import ClassGapDisplay

    display = ClassGapDisplay(
        scores, name=name, other_scores=other_scores, other_name=other_name
    ).plot()
    if caption is None and other_scores is None:
        caption = (
            f"Per-class recall, precision and F1 of {name}; dashed lines and the "
            "arrow mark the recall gap, the worst class is red."
        )
    elif caption is None:
        caption = f"Per-class recall of {name} and of {other_name}."
    return png(display.figure_), caption + axis_note(display.ax_)
