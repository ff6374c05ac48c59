"""The sub-class section of ``audit --subclasses`` and ``report --subclasses``.

:func:`subclass_section` runs :func:`~skclassgap.subclass.subclass_report`
on the rows' features and one model's predictions, and returns the JSON-able
section: the sub-class gap and the worst sub-classes, each with its recall
under every set of predictions given (the audit adds the lead strategy's, so
that the reader sees whether the fix reaches the sub-population the class
recall hides). :func:`section_lines` and :func:`section_html` render it.
"""

import html

import numpy as np

# Sub-classes listed (and drawn) in the section, worst first.
N_WORST = 5
# Fewest rows of a listed sub-class: subclass_report's own floor (min_size),
# below which a sub-class is neither the worst nor counted in the gap.
MIN_SUPPORT = 5
METHOD_NOTE = (
    "sub-classes found without labels: per class, a Gaussian mixture of the "
    "rows' standardised features (first 10 principal components, the count "
    "by BIC, at most 10)"
)
LEGEND = (
    "rows: the sub-class's rows; share: of its class's rows; recall: the share "
    "predicted as their class; class recall: over all the class's rows; row: "
    "the position (from 0) of the row nearest the sub-class's centre, a row to "
    "look at"
)


def _label(value):
    """A JSON-able class or sub-class label (numbers stay numbers)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def subclass_section(X, y_true, predictions, *, random_state):
    """The sub-class section, and the report behind it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric features of the rows the sub-classes are found on.
    y_true : ndarray of shape (n_samples,)
        True labels.
    predictions : dict
        Name -> predicted labels; the first entry's errors are the ones the
        report describes, the others get a recall column each.
    random_state : int or None
        Seed of the discovery.

    Returns
    -------
    section : dict
        ``{"note", "n_subclasses", "gap", "worst", "worst_subclasses"}``;
        each of ``worst_subclasses`` holds ``class``, ``subclass``,
        ``support``, ``share``, ``recall``, ``class_recall``,
        ``representative`` and ``recall_by`` (name -> recall).
    report : SubclassReport
    """
    from skclassgap.subclass import subclass_report

    names = list(predictions)
    report, labels = subclass_report(
        X,
        y_true,
        predictions[names[0]],
        min_size=MIN_SUPPORT,
        random_state=random_state,
        return_labels=True,
    )
    worst = report.worst_subclasses(N_WORST, min_support=MIN_SUPPORT)
    rows = []
    for (cls, sub), row in zip(worst.index, worst.itertuples(index=False), strict=True):
        mask = (y_true == cls) & (labels == sub)
        recall_by = {
            name: float(np.mean(np.asarray(pred)[mask] == cls))
            for name, pred in predictions.items()
        }
        rows.append(
            {
                "class": _label(cls),
                "subclass": _label(sub),
                "support": int(row.support),
                "share": float(row.share),
                "recall": float(row.recall),
                "class_recall": float(row.class_recall),
                "representative": int(row.representative),
                "recall_by": recall_by,
            }
        )
    section = {
        "note": METHOD_NOTE,
        "predictions": names,
        "n_subclasses": int(len(report.table)),
        "n_classes": int(report.class_recall.shape[0]),
        "gap": float(report.gap),
        "worst": [_label(v) for v in report.worst],
        "worst_subclasses": rows,
    }
    return section, report


def _table(section):
    names = section["predictions"]
    header = ["class", "sub-class", "rows", "share", "class recall"]
    header += [f"recall ({name})" for name in names] + ["row"]
    body = [
        [
            str(r["class"]),
            str(r["subclass"]),
            str(r["support"]),
            f"{r['share']:.3f}",
            f"{r['class_recall']:.3f}",
            *(f"{r['recall_by'][name]:.3f}" for name in names),
            str(r["representative"]),
        ]
        for r in section["worst_subclasses"]
    ]
    return header, body


def summary_line(section):
    """One line: how many sub-classes, the gap and the worst one."""
    worst = section["worst_subclasses"]
    first = section["predictions"][0]
    text = (
        f"{section['n_subclasses']} sub-classes in {section['n_classes']} classes; "
        f"sub-class gap of {first}'s recall {section['gap']:.3f}"
    )
    if worst:
        w = worst[0]
        text += (
            f"; worst: class {w['class']!s} sub-class {w['subclass']!s} "
            f"({w['support']} rows), recall {w['recall']:.3f} where the class's "
            f"is {w['class_recall']:.3f}"
        )
    return text


def section_lines(section):
    """The section as text lines."""
    lines = [f"sub-classes ({section['note']}):", "  " + summary_line(section)]
    header, body = _table(section)
    if body:
        widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]
        for cells in [header, *body]:
            lines.append(
                "  " + "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
            )
    lines.append(LEGEND)
    return lines


def section_html(section, report):
    """The section as HTML parts: a sentence, the table and the figure."""
    from skclassgap.cli._html import figure, png, table
    from skclassgap.plotting import SubclassDisplay

    header, body = _table(section)
    parts = [
        "<h2>Sub-classes</h2>",
        f"<p>{html.escape(section['note'][:1].upper() + section['note'][1:])}.<br>"
        f"{html.escape(summary_line(section))}.</p>",
    ]
    if body:
        parts.append(table(header, body, name_columns=2))
        display = SubclassDisplay.from_report(
            report, n=N_WORST * 2, min_support=MIN_SUPPORT
        )
        parts.append(
            figure(
                png(display.figure_),
                "The worst sub-classes' recall (bars, from 0) and the recall of "
                "their whole class (black tick): the distance between them is what "
                "the class recall hides.",
            )
        )
    parts.append(f"<p class='note'>{html.escape(LEGEND)}.</p>")
    return parts
