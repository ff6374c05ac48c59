"""Tables (CSV, Markdown) and the rank figure from the per-fit rows."""

import numpy as np
import pandas as pd

from benchmarks.realdata import _stats
from benchmarks.realdata._runner import GREATER_IS_BETTER, SCORES

SHORT = {
    "g_mean": "g-mean",
    "macro_f1": "macro F1",
    "balanced_accuracy": "bal. acc.",
    "class_gap": "class gap",
    "worst_class_recall": "worst recall",
}


def per_dataset(folds, datasets):
    """Mean scores over folds per (data set, model, method), with data set facts.

    A (data set, model, method) with any failed fold gets NaN scores (it is a
    failure on that data set, not a partial result); ``n_failed`` counts them.
    """
    folds = folds.copy()
    folds["failed"] = folds["error"].fillna("") != ""
    grouped = folds.groupby(["dataset", "model", "method"], sort=False)
    table = grouped[list(SCORES)].mean()
    table[list(SCORES)] = table[list(SCORES)].where(grouped["failed"].sum() == 0)
    table["g_mean_std"] = grouped["g_mean"].std()
    table["fit_time"] = grouped["fit_time"].median()
    table["fit_cpu"] = grouped["fit_cpu"].median()
    table["n_failed"] = grouped["failed"].sum().astype(int)
    table["error"] = grouped["error"].agg(lambda e: next((x for x in e if x), ""))
    table = table.reset_index()
    facts = pd.DataFrame(
        [
            {
                "dataset": d.name,
                "n_samples": d.X.shape[0],
                "n_features": d.X.shape[1],
                "n_minority": d.n_minority,
                "imbalance_ratio": round(d.imbalance_ratio, 4),
            }
            for d in datasets
        ]
    )
    return facts.merge(table, on="dataset")


def _pivot(table, model, score):
    sub = table[table["model"] == model]
    return sub.pivot(index="dataset", columns="method", values=score)


def _fmt(x, digits=3):
    return (
        "—"
        if x is None or (isinstance(x, float) and np.isnan(x))
        else f"{x:.{digits}f}"
    )


def _p(x):
    if x is None or np.isnan(x):
        return "—"
    return f"{x:.2g}" if x >= 1e-3 else f"{x:.1e}"


def _markdown(frame):
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def rank_table(table, model, methods):
    """Markdown: mean ranks per score, means, W/T/L vs baseline, failures, fit time."""
    names = [m.name for m in methods]
    ranks, counts = {}, {}
    for score in SCORES:
        pivot = _pivot(table, model, score)[names]
        ranks[score], counts[score] = _stats.mean_ranks(pivot, GREATER_IS_BETTER[score])
    sub = table[table["model"] == model]
    complete = {
        score: _pivot(table, model, score)[names].dropna()
        for score in ("g_mean", "class_gap")
    }
    rows = []
    for name in names:
        m = sub[sub["method"] == name]
        row = {"method": name}
        for score in SCORES:
            row[f"rank {SHORT[score]}"] = _fmt(ranks[score][name], 2)
        row["mean g-mean"] = _fmt(complete["g_mean"][name].mean())
        row["mean class gap"] = _fmt(complete["class_gap"][name].mean())
        for score in ("g_mean", "class_gap"):
            if name == "baseline":
                row[f"W/T/L {SHORT[score]}"] = "—"
                continue
            pivot = _pivot(table, model, score)
            wins, ties, losses = _stats.win_tie_loss(
                pivot[name], pivot["baseline"], GREATER_IS_BETTER[score]
            )
            row[f"W/T/L {SHORT[score]}"] = f"{wins}/{ties}/{losses}"
        row["failed sets"] = int((m["n_failed"] > 0).sum())
        row["median fit CPU s"] = _fmt(m["fit_cpu"].median(), 4)
        rows.append(row)
    n_used = counts["g_mean"]
    stat, p = _stats.friedman(_pivot(table, model, "g_mean")[names])
    cd = _stats.critical_difference(len(names), n_used) if n_used else np.nan
    note = (
        f"Mean ranks and means over the {n_used} data sets where every method ran "
        f"on every fold (1 = best; class gap ranked lower-is-better). Friedman test on "
        f"g-mean: chi2 = {_fmt(stat, 1)}, p = {_p(p)}; Nemenyi critical difference "
        f"(alpha 0.05, {len(names)} methods): {_fmt(cd, 2)} ranks. W/T/L: data sets "
        f"where the method is better / equal to {_stats.TIE_DECIMALS} decimals / "
        f"worse than the baseline."
    )
    return _markdown(pd.DataFrame(rows)), note


def versus_baseline(table, model, methods):
    """Rows of Wilcoxon tests of every mitigation vs the baseline.

    One row per (score, mitigation), for g-mean and class gap.
    """
    rows = []
    for score in ("g_mean", "class_gap"):
        pivot = _pivot(table, model, score)
        for method in methods:
            if method.name == "baseline":
                continue
            test = _stats.wilcoxon(pivot[method.name], pivot["baseline"])
            wins, ties, losses = _stats.win_tie_loss(
                pivot[method.name], pivot["baseline"], GREATER_IS_BETTER[score]
            )
            rows.append(
                {
                    "model": model,
                    "score": SHORT[score],
                    "method": method.name,
                    "n": test["n"],
                    "mean diff": test["mean_diff"],
                    "median diff": test["median_diff"],
                    "W/T/L": f"{wins}/{ties}/{losses}",
                    "p": test["p"],
                }
            )
    return rows


def parity(table, folds, model, methods):
    """Rows comparing each of our methods with its peer: quality and fit time."""
    rows = []
    names = {m.name for m in methods}
    for method in methods:
        if method.peer is None:
            continue
        peer = method.peer
        for score in ("g_mean", "class_gap", "balanced_accuracy"):
            row = {
                "model": model,
                "ours": method.name,
                "peer": peer,
                "score": SHORT[score],
            }
            if peer not in names:
                rows.append({**row, "n": 0, "p": np.nan})
                continue
            pivot = _pivot(table, model, score)
            test = _stats.wilcoxon(pivot[method.name], pivot[peer])
            wins, ties, losses = _stats.win_tie_loss(
                pivot[method.name], pivot[peer], GREATER_IS_BETTER[score]
            )
            ratios = _stats.time_ratios(
                folds[folds["model"] == model], method.name, peer
            )
            row.update(
                {
                    "n": test["n"],
                    "mean diff": test["mean_diff"],
                    "median diff": test["median_diff"],
                    "W/T/L": f"{wins}/{ties}/{losses}",
                    "p": test["p"],
                }
            )
            if score == "g_mean" and ratios.size:
                q1, q2, q3 = np.percentile(ratios, [25, 50, 75])
                row["fit CPU ratio ours/peer, median [IQR]"] = (
                    f"{q2:.2f} [{q1:.2f}, {q3:.2f}]"
                )
            rows.append(row)
    return rows


def test_table(rows):
    """Markdown of Wilcoxon rows with Holm-adjusted p over the whole family."""
    if not rows:
        return "(no comparison available: the methods are not installed)"
    frame = pd.DataFrame(rows)
    frame.insert(
        frame.columns.get_loc("p") + 1, "Holm p", _stats.holm(frame["p"].to_numpy())
    )
    for column in ("mean diff", "median diff"):
        if column in frame:
            frame[column] = frame[column].map(lambda x: _fmt(x, 4))
    frame["p"] = frame["p"].map(_p)
    frame["Holm p"] = frame["Holm p"].map(_p)
    return _markdown(frame.fillna("—"))


def rank_figure(table, methods, path):
    """Mean ranks with Nemenyi CD intervals, per model, for g-mean and class gap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(table["model"]))
    scores = ("g_mean", "class_gap")
    names = [m.name for m in methods]
    origin = {m.name: m.origin for m in methods}
    fig, axes = plt.subplots(
        len(models),
        len(scores),
        squeeze=False,
        figsize=(6.5 * len(scores), 0.35 * len(names) * len(models) + 1.5),
    )
    for i, model in enumerate(models):
        for j, score in enumerate(scores):
            ax = axes[i, j]
            ranks, n = _stats.mean_ranks(
                _pivot(table, model, score)[names], GREATER_IS_BETTER[score]
            )
            ranks = ranks.sort_values(ascending=False)
            cd = _stats.critical_difference(len(names), n) if n else 0.0
            y = np.arange(len(ranks))
            colors = [
                "tab:red" if origin[m] == "ours" else "tab:blue" for m in ranks.index
            ]
            ax.errorbar(
                ranks.to_numpy(), y, xerr=cd / 2, fmt="none", ecolor="0.7", capsize=3
            )
            ax.scatter(ranks.to_numpy(), y, c=colors, zorder=3)
            ax.set_yticks(y, ranks.index)
            ax.set_xlabel("mean rank (1 = best)")
            ax.set_title(f"{model}: {SHORT[score]} ({n} data sets, CD = {cd:.2f})")
            ax.invert_xaxis()
            ax.grid(axis="x", alpha=0.3)
    fig.suptitle(
        "Mean ranks; bars span ± CD/2: non-overlapping bars differ at 5% "
        "(Nemenyi). Red: skclassgap, blue: peers.",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown_to_rst(text):
    """The summary's Markdown as reStructuredText, for ``.. include::`` in the docs.

    Handles what the summary uses: ``#``/``##`` headings (underlined with
    ``-`` and ``~`` so the file nests under a page's ``=`` title), pipe tables
    (as ``list-table``), inline code (double backquotes) and plain paragraphs.
    """
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            title = line.lstrip("#").strip().replace("`", "")
            out += [title, ("-" if level == 1 else "~") * len(title)]
        elif line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(
                    [c.strip() for c in lines[i].strip().strip("|").split("|")]
                )
                i += 1
            rows = [block[0]] + block[2:]
            out += [".. list-table::", "   :header-rows: 1", ""]
            for row in rows:
                cells = [_rst_inline(c) or r"\ " for c in row]
                out.append(f"   * - {cells[0]}")
                out += [f"     - {c}" for c in cells[1:]]
            out.append("")
            continue
        else:
            out.append(_rst_inline(line))
        i += 1
    return "\n".join(out) + "\n"


def _rst_inline(text):
    parts = text.split("`")
    return "".join(
        f"``{p}``" if k % 2 else p.replace("*", r"\*") for k, p in enumerate(parts)
    )
