"""Defaults of the audit that its parser and its run both read (imports
nothing, so that ``--help`` stays fast and no module imports the parser)."""

# Repetitions of the stratified k-fold cross-validation, each with other
# shuffles, when --repeats is not given: MAX_REPEATS (5 x 5 = 25 folds keep the
# default audit, abalone19 with every strategy, under a minute on two cores),
# fewer on larger tables so that rows x repetitions stays within REPEAT_ROWS
# (at least one repetition): the run time grows with both.
MAX_REPEATS = 5
REPEAT_ROWS = 50_000
DEFAULT_CONFIDENCE = 0.95


def auto_repeats(n_rows):
    """Repetitions for a table of ``n_rows`` rows when ``--repeats`` is not given."""
    return max(1, min(MAX_REPEATS, REPEAT_ROWS // max(n_rows, 1)))
