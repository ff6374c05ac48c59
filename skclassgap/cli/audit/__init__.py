"""``skclassgap audit``: cross-validate a model and mitigations, report per class.

The wing's modules, in the order a run goes through them: ``_parser``
(options), ``_command`` (checks, then run and write), ``_data`` and
``_clean`` (read and clean the table), ``_preprocess`` and ``_leakage``,
``_strategies`` and ``_models`` (what is compared), ``_folds`` and
``_progress`` (the fits), ``_run`` (the audit), ``_measure`` (metrics,
ranking, spectra), ``_result`` (the JSON-able result and its story),
``_describe`` (the preprocessing section), ``_render_text`` and
``_render_html``.
"""

from skclassgap.cli.audit._parser import add_parser

__all__ = ["add_parser"]
