"""The self-contained HTML page of ``skclassgap audit``: the text's tables, and
figures as inline PNGs."""

import html

import numpy as np

from skclassgap.cli._html import figure, frame_table, page, png, table
from skclassgap.cli.audit._clean import plural
from skclassgap.cli.audit._render_text import (
    comparison_rows,
    headline_rows,
    story_lines,
)
from skclassgap.cli.audit._result import HEADLINE_NOTE, PER_CLASS_LEGEND, TABLE_NOTE


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


def _comparison_figures(run):
    """The baseline against the top-ranked mitigation, and every strategy."""
    from skclassgap.plotting import ClassGapDisplay

    result, y = run.result, run.y
    ranked = [n for n in result["ranking"] if n != "baseline"]
    if not ranked:
        return []
    other = ranked[0]
    display = ClassGapDisplay.from_predictions(
        y,
        run.predictions["baseline"],
        y_pred_other=run.predictions[other],
        labels=np.unique(y),
        name="baseline",
        other_name=other,
    )
    return [
        (
            png(display.figure_),
            "Per-class recall of the baseline and of the top-ranked mitigation "
            f"({other}).",
        ),
        (png(_strategy_figure(result)), "Every strategy under the same folds."),
    ]


def _figures(run):
    """The report's figures as (html, caption) pairs."""
    from skclassgap.plotting import ClassGapDisplay, SpectrumDisplay

    result, y = run.result, run.y
    display = ClassGapDisplay.from_predictions(
        y, run.predictions["baseline"], labels=np.unique(y), name="baseline"
    )
    out = [
        (
            png(display.figure_),
            "Baseline per-class recall, precision and F1 (out-of-fold); dashed "
            "lines and the arrow mark the recall gap, the worst class is red.",
        )
    ]
    out += _comparison_figures(run)
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
                png(display.figure_),
                f"Eigenvalues of each class's covariance as shares of its variance, "
                f"log-log; the baseline's worst class ({worst}) is drawn thick. A "
                "class with n rows has at most n - 1 non-zero eigenvalues, so small "
                "classes' lines end early.",
            )
        )
    return out


def _mitigations(result):
    header, rows = comparison_rows(result, "±")
    best_row = next((i for i, r in enumerate(rows) if r[1] == result["best"]), None)
    parts = [
        "<h2>Mitigations</h2>",
        "<p>Each strategy is a Pipeline cross-validated on the same folds; "
        f"{html.escape(TABLE_NOTE.format(pm='±'))}, ranked by "
        f"<b>{html.escape(result['objective']['name'])}</b>; equal means share a "
        "rank.</p>",
        table(header, rows, best_row=best_row, name_columns=2),
        "<p><b>"
        + "<br>".join(html.escape(line) for line in story_lines(result))
        + "</b></p>",
    ]
    others = [
        [name, o["status"], o["note"]]
        for name, o in result["strategies"].items()
        if o["status"] != "ok" or o["note"]
    ]
    if others:
        parts.append(table(["strategy", "status", "note"], others, name_columns=3))
    return parts


def render_html(run):
    """The audit as one HTML page."""
    import matplotlib

    matplotlib.use("Agg")
    result = run.result
    esc = html.escape
    data, cv = result["data"], result["cv"]
    parts = [
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
        table(["headline", "value"], headline_rows(result)),
        "<p>Per class, from the out-of-fold predictions:</p>",
        frame_table(run.report),
        f"<p class='note'>{esc(PER_CLASS_LEGEND)}.</p>",
        "<h2>Spectral imbalance</h2>",
    ]
    spectral = result["spectral"]
    if spectral["status"] == "ok":
        parts.append(frame_table(run.spectral_table))
    else:
        parts.append(
            f"<p class='note'>Summary table {esc(spectral['status'])}: "
            f"{esc(spectral['note'])}.</p>"
        )
    parts += _mitigations(result)
    parts.append("<h2>Figures</h2>")
    parts.extend(figure(img, caption) for img, caption in _figures(run))
    return page("audit", data["source"], parts, result["skclassgap_version"])
