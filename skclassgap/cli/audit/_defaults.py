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


# --threads auto: one OpenMP thread per fit below THREADS_ROWS rows (the audit's
# many small fits gain nothing from a thread team, and lose much to one on a
# busy machine), every available core from THREADS_ROWS rows on, where the
# fits (histogram gradient boosting on tens of thousands of rows and more) are
# long enough to share. BLAS stays at one thread under auto: the BLAS work of
# the audit's fits (logistic regression's matrix-vector products) measured
# slower with two threads. An integer --threads sets both.
THREADS_AUTO = "auto"
THREADS_ROWS = 50_000


def available_cores():
    """Cores this process may run on (its CPU affinity and cgroup quota)."""
    from joblib import cpu_count

    return max(1, int(cpu_count()))


def resolve_threads(threads, n_rows, n_jobs=1, cores=None):
    """``(openmp, blas)`` threads of each fit for ``--threads`` on ``n_rows`` rows.

    ``threads`` is ``"auto"`` or a positive integer (kept for both pools);
    ``"auto"`` gives 1 below :data:`THREADS_ROWS` rows and otherwise the
    ``cores`` (default: :func:`available_cores`) shared among the ``n_jobs``
    worker processes, at least 1 each, with one BLAS thread.
    """
    if threads != THREADS_AUTO:
        return int(threads), int(threads)
    if n_rows < THREADS_ROWS:
        return 1, 1
    cores = available_cores() if cores is None else cores
    return max(1, cores // max(1, n_jobs)), 1
