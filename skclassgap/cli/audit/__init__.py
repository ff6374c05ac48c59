"""``skclassgap audit``: cross-validate a model and mitigations, report per class.

The wing's modules, in the order a run goes through them: ``_parser``
(options), ``_command`` (checks, then run and write), ``_data`` and
``_clean`` (read and clean the table), ``_preprocess`` and ``_leakage``,
``_strategies`` and ``_models`` (what is compared), ``_folds`` and
``_progress`` (the fits), ``_run`` (the audit), ``_measure`` (metrics,
headline, spectra), ``_verdict`` (paired intervals, shared ranks, the
winner or none), ``_result`` (the JSON-able result and its story, whose
schema is ``_schema``), ``_sentinels`` and ``_describe`` (the preprocessing
section and its warnings), ``_render_text`` and ``_render_html``.
"""

from skclassgap.cli.audit._parser import add_parser

__all__ = ["add_parser"]
