"""The self-contained HTML page of ``skclassgap audit``: the warnings first, the
text's tables, the verdict, and figures as inline PNGs."""

import html

import numpy as np

from skclassgap.cli._html import (
    figure,
    frame_table,
    legend_note,
    page,
    per_class_figure,
    png,
    table,
    warnings_box,
)
from skclassgap.cli._tables import interval_note, with_intervals
from skclassgap.cli.audit._clean import plural
from skclassgap.cli.audit._measure import N_BOOT
from skclassgap.cli.audit._render_text import (
    comparison_rows,
    folds_text,
    headline_rows,
    legend_spectral,
    level_text,
    story_lines,
)
from skclassgap.cli.audit._result import FIT_NOTE, HEADLINE_NOTE, POOLED_NOTE


def _change_figure(result):
    """Each strategy's change against the baseline with its interval (a dot and
    a line), best on top, a vertical line at 0."""
    import matplotlib.pyplot as plt

    verdict = result["verdict"]
    names = [n for n in result["ranking"] if n != "baseline"]
    changes = [result["strategies"][n]["change"] for n in names]
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(names) + 1.4), layout="constrained")
    y = np.arange(len(names))[::-1]
    for yi, name, change in zip(y, names, changes, strict=True):
        color = (
            "#2e7d32"
            if name == result["best"]
            else ("#1f77b4" if change["improves"] else "#7f7f7f")
        )
        low = change["mean"] if change["low"] is None else change["low"]
        high = change["mean"] if change["high"] is None else change["high"]
        ax.plot([low, high], [yi, yi], color=color, linewidth=2.5)
        ax.plot([change["mean"]], [yi], "o", color=color)
        ax.text(high, yi + 0.18, f" {change['mean']:+.3f}", fontsize=8, va="bottom")
    ax.axvline(0.0, color="#c00000", linewidth=1)
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.set_ylim(-0.7, len(names) - 0.3)
    direction = "right" if verdict["greater_is_better"] else "left"
    ax.set_xlabel(
        f"change of {verdict['column']} against the baseline, mean and "
        f"{level_text(verdict['confidence'])} interval over {verdict['n_folds']} "
        f"folds (better to the {direction})"
    )
    ax.set_title(f"Strategies ranked by {verdict['objective']}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _figures(run):
    """The report's figures as (html, caption) pairs."""
    from skclassgap.metrics import per_class_report
    from skclassgap.plotting import SpectrumDisplay

    result, y = run.result, run.y
    out = [per_class_figure(run.report, name="the baseline")]
    others = [n for n in result["ranking"] if n != "baseline"]
    if others:
        other = result["verdict"]["lead"]
        scores = per_class_report(
            y, run.predictions[other], labels=np.unique(y), zero_division=0.0
        )
        which = "best" if other == result["best"] else "closest"
        out.append(
            per_class_figure(
                run.report,
                name="baseline",
                other_scores=scores,
                other_name=other,
                caption=f"Per-class recall of the baseline and of the {which} "
                f"strategy, {other}.",
            )
        )
        out.append(
            (
                png(_change_figure(result)),
                "Every strategy under the same folds: the change of the objective "
                "against the baseline (dot) and its interval (line); an interval "
                "that crosses the red line at 0 is not distinguishable from the "
                "baseline.",
            )
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
                png(display.figure_),
                f"Eigenvalues of each class's covariance as shares of its variance, "
                f"log-log; the baseline's worst class ({worst}) is drawn thick. A "
                "class with n rows has at most n - 1 non-zero eigenvalues, so small "
                "classes' lines end early.",
            )
        )
    return out


def _verdict_box(result):
    lines = "<br>".join(html.escape(line) for line in story_lines(result))
    return f"<div class='verdict'><b>Verdict</b><br>{lines}</div>"


def _mitigations(result):
    header, rows = comparison_rows(result)
    best_row = next((i for i, r in enumerate(rows) if r[1] == result["best"]), None)
    verdict = result["verdict"]
    parts = [
        "<h2>Mitigations</h2>",
        f"<p>Each strategy is a Pipeline cross-validated on the same folds "
        f"({html.escape(folds_text(result['cv']))}), ranked by "
        f"<b>{html.escape(result['objective']['name'])}</b>. <i>change</i>: the "
        "paired per-fold change against the baseline and its "
        f"{level_text(verdict['confidence'])} interval (corrected resampled t); a "
        "strategy whose interval against the first of its rank includes 0 shares "
        "that rank. Other columns: means over the folds. "
        f"{html.escape(FIT_NOTE.format(n_folds=result['cv']['n_folds']))}.</p>",
        table(header, rows, best_row=best_row, name_columns=2),
        _verdict_box(result),
    ]
    others = [
        [name, o["status"], o["note"]]
        for name, o in result["strategies"].items()
        if o["status"] != "ok" or o["note"]
    ]
    if others:
        parts.append(table(["strategy", "status", "note"], others, name_columns=3))
    return parts


def _headline(result):
    rows = headline_rows(result)
    return [
        f"<p>Headline numbers of the baseline. Pooled: {html.escape(HEADLINE_NOTE)}; "
        f"fold mean: over the {result['cv']['n_folds']} folds.</p>",
        table(["headline", "pooled", "fold mean"], rows),
        "<p class='note'>"
        + html.escape(POOLED_NOTE.format(n_folds=result["cv"]["n_folds"]))
        + "</p>",
    ]


def render_html(run):
    """The audit as one HTML page."""
    import matplotlib

    matplotlib.use("Agg")
    result = run.result
    esc = html.escape
    data, cv = result["data"], result["cv"]
    shuffled = f"shuffled, random state {cv['random_state']}"
    parts = [
        warnings_box(result["preprocessing"]["warnings"]),
        f"<p><b>Data</b>: {esc(data['source'])}: {data['n_rows']} rows, "
        f"{plural(data['n_columns_read'], 'feature column')}, {data['n_classes']} "
        "classes (target "
        f"<code>{esc(data['target'])}</code>).<br><b>Model</b>: "
        f"<code>{esc(result['model']['estimator'])}</code>, "
        f"{esc(folds_text(cv, shuffled))}.</p>",
        _verdict_box(result),
        "<h2>Preprocessing</h2>",
        "<p>Decisions made once on the whole table; imputation, scaling and "
        "encoding fitted in each training fold.</p>",
        f"<pre>{esc(result['preprocessing']['text'])}</pre>",
        "<h2>Baseline</h2>",
        *_headline(result),
        "<p>Per class, from the out-of-fold predictions (first repetition):</p>",
        frame_table(with_intervals(run.report)),
        legend_note(
            [c for c in run.report.columns if not c.endswith(("_low", "_high"))]
        ),
        f"<p class='note'>{esc(interval_note(result['verdict']['confidence'], N_BOOT))}"
        ".</p>",
        "<h2>Spectral imbalance</h2>",
    ]
    spectral = result["spectral"]
    if spectral["status"] == "ok":
        parts.append(frame_table(run.spectral_table))
        parts.append(
            f"<p class='note'>{esc(legend_spectral(run.spectral_table.columns))}.</p>"
        )
    else:
        parts.append(
            f"<p class='note'>Summary table {esc(spectral['status'])}: "
            f"{esc(spectral['note'])}.</p>"
        )
    parts += _mitigations(result)
    parts.append("<h2>Figures</h2>")
    parts.extend(figure(img, caption) for img, caption in _figures(run))
    return page(
        "audit", data["source"], [p for p in parts if p], result["skclassgap_version"]
    )
