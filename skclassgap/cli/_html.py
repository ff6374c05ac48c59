"""The self-contained HTML report of ``skclassgap audit``.

Tables and PNG figures are inline.
"""

import base64
import html
import io
from pathlib import Path

import numpy as np

from skclassgap.cli._clean import plural
from skclassgap.cli._errors import UserError
from skclassgap.cli._report import (
    HEADLINE_NOTE,
    PER_CLASS_LEGEND,
    TABLE_NOTE,
    comparison_rows,
    headline_rows,
    story_lines,
)

_CSS = """
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
pre { background: #f6f8fa; padding: .6em; font-size: .85em; overflow-x: auto; }
"""


def _png(figure):
    """A figure as an inline ``<img>`` (base64 PNG); the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _figure(img, caption):
    return f"<figure>{img}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _table(header, rows, *, best_row=None, name_columns=1):
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


def _frame_table(frame, fmt):
    header = [frame.index.name or "class", *map(str, frame.columns)]
    rows = [
        [label, *(fmt(v) if isinstance(v, float) else v for v in row)]
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]
    return _table(header, rows)


def _strategy_figure(result):
    """Objective mean ± std per strategy, best on top."""
    import matplotlib.pyplot as plt

    objective = result["objective"]
    column = objective["column"]
    names = result["ranking"]
    means = [result["strategies"][n]["metrics"][column]["mean"] for n in names]
    stds = [result["strategies"][n]["metrics"][column]["std"] for n in names]
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(names) + 1.3), layout="constrained")
    y = np.arange(len(names))[::-1]
    colors = [
        "#2e7d32"
        if n == result["best"]
        else ("#7f7f7f" if n == "baseline" else "#1f77b4")
        for n in names
    ]
    ax.barh(y, means, xerr=stds, color=colors, capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    low = min(m - s for m, s in zip(means, stds, strict=True))
    high = max(m + s for m, s in zip(means, stds, strict=True))
    pad = max(0.02, 0.1 * (high - low))
    ax.set_xlim(
        max(0.0, low - pad) if objective["greater_is_better"] else 0.0, high + 2 * pad
    )
    for yi, m, s in zip(y, means, stds, strict=True):
        ax.text(m + s + pad / 5, yi, f"{m:.3f}", va="center", ha="left", fontsize=8)
    direction = "higher" if objective["greater_is_better"] else "lower"
    ax.set_xlabel(
        f"{column}, mean and std over {result['cv']['n_splits']} folds "
        f"({direction} is better)"
    )
    ax.set_title(f"Strategies ranked by {objective['name']}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _figures(run):
    """The report's figures as (html, caption) pairs."""
    from skclassgap.plotting import ClassGapDisplay, SpectrumDisplay

    result, y = run.result, run.y
    labels = np.unique(y)
    out = []
    display = ClassGapDisplay.from_predictions(
        y, run.predictions["baseline"], labels=labels, name="baseline"
    )
    out.append(
        (
            _png(display.figure_),
            "Baseline per-class recall, precision and F1 (out-of-fold); dashed "
            "lines and the arrow mark the recall gap, the worst class is red.",
        )
    )
    ranked = [n for n in result["ranking"] if n != "baseline"]
    if ranked:
        other = ranked[0]
        display = ClassGapDisplay.from_predictions(
            y,
            run.predictions["baseline"],
            y_pred_other=run.predictions[other],
            labels=labels,
            name="baseline",
            other_name=other,
        )
        out.append(
            (
                _png(display.figure_),
                "Per-class recall of the baseline and of the top-ranked mitigation "
                f"({other}).",
            )
        )
        out.append(
            (_png(_strategy_figure(result)), "Every strategy under the same folds.")
        )
    counts = np.unique(y, return_counts=True)[1]
    if run.features.shape[1] <= 512 and counts.min() >= 2:
        worst = result["baseline"]["headline"]["worst_class"]
        display = SpectrumDisplay.from_data(
            run.features,
            y,
            highlight=[worst],
            normalize=True,
            title="Per-class covariance spectra of the preprocessed features",
        )
        out.append(
            (
                _png(display.figure_),
                f"Eigenvalues of each class's covariance as shares of its variance, "
                f"log-log; the baseline's worst class ({worst}) is drawn thick. A "
                "class with n rows has at most n - 1 non-zero eigenvalues, so small "
                "classes' lines end early.",
            )
        )
    return out


def render_html(run):
    """The report as one HTML string."""
    import matplotlib

    matplotlib.use("Agg")
    result = run.result
    esc = html.escape
    data, cv = result["data"], result["cv"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>skclassgap audit: {esc(data['source'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>skclassgap audit</h1>",
        f"<p><b>Data</b>: {esc(data['source'])}: {data['n_rows']} rows, "
        f"{plural(data['n_columns_read'], 'feature column')}, {data['n_classes']} "
        "classes (target "
        f"<code>{esc(data['target'])}</code>).<br><b>Model</b>: "
        f"<code>{esc(result['model']['estimator'])}</code>, {cv['n_splits']}-fold "
        "stratified cross-validation (shuffled, random state "
        f"{cv['random_state']}).</p>",
        "<h2>Preprocessing</h2>",
        "<p>Decisions made once on the whole table; imputation, scaling and "
        "encoding fitted in each training fold.</p>",
        f"<pre>{esc(result['preprocessing']['text'])}</pre>",
        "<h2>Baseline</h2>",
        f"<p>Headline numbers, {esc(HEADLINE_NOTE)}:</p>",
    ]
    parts.append(_table(["headline", "value"], headline_rows(result)))
    parts.append("<p>Per class, from the out-of-fold predictions:</p>")
    parts.append(_frame_table(run.report, lambda v: f"{v:.3f}"))
    parts.append(f"<p class='note'>{esc(PER_CLASS_LEGEND)}.</p>")
    spectral = result["spectral"]
    parts.append("<h2>Spectral imbalance</h2>")
    if spectral["status"] == "ok":
        parts.append(_frame_table(run.spectral_table, lambda v: f"{v:.3f}"))
    else:
        parts.append(
            f"<p class='note'>Summary table {esc(spectral['status'])}: "
            f"{esc(spectral['note'])}.</p>"
        )
    parts.append("<h2>Mitigations</h2>")
    header, rows = comparison_rows(result, "±")
    best_row = next((i for i, r in enumerate(rows) if r[1] == result["best"]), None)
    parts.append(
        "<p>Each strategy is a Pipeline cross-validated on the same folds; "
        f"{esc(TABLE_NOTE.format(pm='±'))}, ranked by "
        f"<b>{esc(result['objective']['name'])}</b>; equal means share a rank.</p>"
    )
    parts.append(_table(header, rows, best_row=best_row, name_columns=2))
    parts.append(
        "<p><b>" + "<br>".join(esc(line) for line in story_lines(result)) + "</b></p>"
    )
    others = [
        [name, o["status"], o["note"]]
        for name, o in result["strategies"].items()
        if o["status"] != "ok" or o["note"]
    ]
    if others:
        parts.append(_table(["strategy", "status", "note"], others, name_columns=3))
    parts.append("<h2>Figures</h2>")
    parts.extend(_figure(img, caption) for img, caption in _figures(run))
    parts.append(
        f"<p class='note'>skclassgap {esc(result['skclassgap_version'])}</p>"
        "</body></html>"
    )
    return "\n".join(parts)


def write_html(run, path):
    """Write the HTML report to ``path``."""
    text = render_html(run)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write --html {str(path)!r}: {exc.strerror}") from None
