"""Tests of the HTML pieces both commands' pages share (``skclassgap.cli._html``)."""

from html.parser import HTMLParser

import pandas as pd

from skclassgap.cli._html import frame_table, page, table


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
