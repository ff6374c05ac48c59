"""``skclassgap report``: per-class gaps of predictions stored in files.

The wing's modules, in the order a run goes through them: ``_parser``
(options), ``_command`` (the steps), ``_read`` (locate the data, read the
metadata, choose the engine), ``_count`` (one counting function for pandas
and Dask), ``_result`` (per-class table, headline, JSON-able result),
``_render_text`` and ``_render_html``.
"""

from skclassgap.cli.report._parser import add_parser

__all__ = ["add_parser"]
