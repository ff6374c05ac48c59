"""The embedded data sets ``skclassgap audit --example NAME`` offers.

Names and one-line summaries only (``--help`` lists them without importing
the loaders); :func:`skclassgap.datasets.load_audit_default` loads them.
The first is the default.
"""

EXAMPLES = {
    "abalone19": "UCI abalone, '19 rings' against the rest: 4,174 rows, 8 features "
    "(Sex categorical), 32 rare rows",
    "digits": "scikit-learn's digits, classes 1, 5, 8, 9 made rare: 1,187 rows, "
    "64 pixels, 10 classes",
}
DEFAULT_EXAMPLE = next(iter(EXAMPLES))
