"""Tests of the HTML pieces both commands' pages share (``skclassgap.cli._html``)."""

from html.parser import HTMLParser

import pandas as pd

from skclassgap.cli._html import (
    CSS,
    axis_note,
    frame_table,
    legend_note,
    page,
    table,
    warnings_box,
)


class _Cells(HTMLParser):
    """The text of every header and data cell, with its class."""

    def __init__(self):
        super().__init__()
        self.cells, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._open = (tag, dict(attrs).get("class"))

    def handle_data(self, data):
        if self._open is not None:
            self.cells.append((*self._open, data))
            self._open = None


def _cells(text):
    parser = _Cells()
    parser.feed(text)
    return parser.cells


def test_frame_table_names_index_levels_and_rounds_values_only():
    """Check that index levels are left-aligned name columns (a nameless index is
    'class'), values are rounded to three decimals and labels are kept as they
    are."""
    frame = pd.DataFrame({"recall": [0.123456, 1.0], "support": [3, 4]}, index=[0.5, 2])
    cells = _cells(frame_table(frame))
    assert cells[:3] == [
        ("th", "name", "class"),
        ("th", None, "recall"),
        ("th", None, "support"),
    ]
    assert cells[3:6] == [
        ("td", "name", "0.5"),
        ("td", None, "0.123"),
        ("td", None, "3"),
    ]
    cells_table = frame.set_axis(
        pd.MultiIndex.from_tuples([("north", "a"), ("<b>", "b")], names=["g", "c"])
    )
    cells = _cells(frame_table(cells_table))
    assert [c[2] for c in cells[:4]] == ["g", "c", "recall", "support"]
    assert [c[1] for c in cells[4:8]] == ["name", "name", None, None]
    assert "&lt;b&gt;" in frame_table(cells_table)


def test_table_marks_the_best_row():
    """Check that only the best row carries the highlight class."""
    text = table(["name", "value"], [["a", 1], ["b", 2]], best_row=1)
    assert text.count('class="best"') == 1
    assert '<tr class="best"><td class="name">b</td><td>2</td></tr>' in text


def test_page_is_one_document_with_escaped_source():
    """Check the page frame: doctype, escaped title, heading, body, version."""
    text = page("report", "<data>.csv", ["<p>body</p>"], "9.9")
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>skclassgap report: &lt;data&gt;.csv</title>" in text
    assert "<h1>skclassgap report</h1>\n<p>body</p>\n" in text
    assert text.endswith("<p class='note'>skclassgap 9.9</p></body></html>")


def test_warnings_box_shows_every_line_in_full_and_escaped():
    """Check that each warning is one paragraph, whole and escaped, and that no
    warning gives no box."""
    long = "warning: 'code' alone predicts the target " + "x" * 300 + " --drop it"
    text = warnings_box([long, "<b>"])
    assert text.startswith("<div class='warning'>")
    assert f"<p>{long.replace(chr(39), '&#x27;')}</p>" in text
    assert "<p>&lt;b&gt;</p>" in text
    assert warnings_box([]) == ""


def test_code_blocks_wrap_long_lines():
    """Check that preformatted blocks wrap instead of scrolling sideways."""
    rule = CSS[CSS.index("pre {") :]
    rule = rule[: rule.index("}")]
    assert "white-space: pre-wrap" in rule and "overflow-x" not in rule


def test_axis_note_says_where_bars_start():
    """Check that a value axis starting above 0 is named, and one at 0 is not."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_ylim(0.0, 1.0)
    assert axis_note(ax) == ""
    ax.set_ylim(0.8, 1.0)
    assert axis_note(ax) == " The vertical axis starts at 0.80, not 0."
    plt.close(fig)


def test_legend_note_explains_known_columns_only():
    """Check that the legend names the columns it knows, in the given order."""
    text = legend_note(["recall", "unknown", "fp_share"])
    assert text.startswith("<p class='note'>recall: share of the class&#x27;s rows")
    assert "fp_share: the class&#x27;s share of all false positives" in text
    assert "unknown" not in text
