"""Numpydoc blocks written once and filled into every docstring that shares them.

A docstring names a shared block by a placeholder, an identifier in braces
that ends a line: alone on its line for parameters, attributes and
paragraphs, after the label for a reference (``.. [1] {chawla2002}``). The
decorator :data:`shared_docs` (a :class:`DocBlocks`) replaces each
placeholder by its block; the block's lines after the first are indented
like the placeholder's line, and lines that follow the placeholder carry on
from the block (a parameter can add a sentence of its own below a shared
description). A placeholder that names no block raises ``KeyError`` at
import, so a typo never reaches the rendered documentation. Braces elsewhere
(``{array-like, sparse matrix}``, ``{"fit", "original"}``, doctests) are
left alone.

Blocks are grouped by the objects that share them: samplers (over- and
under-sampling), meta-estimators and their forwarded methods, metrics, and
references. A family of objects that needs more blocks adds them with
:meth:`DocBlocks.extended`.
"""

import re
import textwrap
from collections.abc import Mapping

# An identifier in braces ending a line, after the line's indentation and any
# text (a citation label).
_PLACEHOLDER = re.compile(
    r"^(?P<indent>[ \t]*)(?P<lead>.*?)\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}[ \t]*$",
    flags=re.MULTILINE,
)


def placeholders(doc):
    """Names of the placeholders left in a docstring (none once filled)."""
    return [m["name"] for m in _PLACEHOLDER.finditer(doc or "")]


def _nested(block, pending):
    """Whether ``block`` still names a block that names others."""
    return any(name in pending for name in placeholders(block))


class DocBlocks(Mapping):
    """Named numpydoc blocks, and a decorator that fills them into docstrings.

    Parameters
    ----------
    **blocks : str
        Block name -> text, written flush left (it is dedented); the lines
        of a parameter's description indented by four spaces.
    """

    def __init__(self, **blocks):
        self._blocks = {
            name: textwrap.dedent(text).strip("\n") for name, text in blocks.items()
        }
        # A block may be built of other blocks: fill them in, innermost first.
        for _ in range(len(self._blocks)):
            pending = {n: b for n, b in self._blocks.items() if placeholders(b)}
            if not pending:
                break
            self._blocks.update(
                {n: self.fill(b) for n, b in pending.items() if not _nested(b, pending)}
            )
        else:
            raise ValueError("shared docstring blocks refer to each other in a cycle")

    def __getitem__(self, name):
        return self._blocks[name]

    def __iter__(self):
        return iter(self._blocks)

    def __len__(self):
        return len(self._blocks)

    def extended(self, **blocks):
        """A new set with these blocks added (or replaced)."""
        return DocBlocks(**self._blocks, **blocks)

    def fill(self, doc):
        """``doc`` with every placeholder replaced by its block."""

        def replace(match):
            name = match["name"]
            if name not in self._blocks:
                raise KeyError(
                    f"docstring placeholder {{{name}}} names no shared block; the "
                    f"blocks are {sorted(self._blocks)}."
                )
            first, *rest = self._blocks[name].split("\n")
            indent = match["indent"]
            lines = [indent + match["lead"] + first]
            lines += [indent + line if line else "" for line in rest]
            return "\n".join(lines)

        return _PLACEHOLDER.sub(replace, doc)

    def __call__(self, obj):
        """Fill the placeholders of ``obj.__doc__`` (a class or function) in place
        and return ``obj``; nothing to do without a docstring (``python -OO``)."""
        if obj.__doc__:
            obj.__doc__ = self.fill(obj.__doc__)
        return obj


def _features_in(seen, condition=""):
    return f"""
    n_features_in_ : int
        Number of features seen {seen}{condition}.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen {seen}, when they are all strings{condition}.
    """


def _validated_neighbors(param):
    return f"""
    The validated ``{param}``, as imbalanced-learn stores it: a
    :class:`~sklearn.neighbors.NearestNeighbors` with ``n_neighbors =
    {param} + 1`` (the row itself counted) for an int, in which case the
    built-in exact search is used, or a clone of the given estimator.
    """


def _response_sections(returns):
    """Parameters and Returns of a method that answers for samples ``X``."""
    return f"""
    Parameters
    ----------
    {{X_samples}}

    Returns
    -------
    {returns}
    """


# -- samplers -------------------------------------------------------------------

_SAMPLERS = {
    "over_sampling_strategy": """
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling, with
        imbalanced-learn's over-sampling semantics: a float is the wanted
        minority/majority ratio (binary only); ``"minority"``, ``"not
        minority"``, ``"not majority"``, ``"all"``, ``"auto"`` (= ``"not
        majority"``) name the classes to equalise with the majority; a dict
        maps class to wanted count (at least the class's count); a callable
        takes ``y`` and returns such a dict.
    """,
    "under_sampling_strategy": """
    sampling_strategy : float, str, dict or callable, default="auto"
        Number of rows wanted per class after resampling, with
        imbalanced-learn's under-sampling semantics: a float ``r`` in ``(0,
        1]`` is the wanted minority/majority ratio (binary only: the majority
        keeps ``int(n_minority / r)`` rows); ``"majority"``, ``"not
        minority"``, ``"not majority"``, ``"all"``, ``"auto"`` (= ``"not
        minority"``) name the classes to reduce to the minority's count; a
        dict maps class to wanted count (at most the class's count); a
        callable takes ``y`` and returns such a dict.
    """,
    "categorical_features": """
    categorical_features : "auto" or array-like, default="auto"
        The categorical columns: column indices, column names (DataFrame
        input) or a boolean mask; ``"auto"`` takes a DataFrame's category,
        object, string and bool columns, every column of a string or bool
        array, and the columns of an object array that do not hold only
        numbers (none of a numeric array). The other columns are continuous
        and must be numeric.
    """,
    "mixed_features_": """
    categorical_features_ : ndarray of shape (n_categorical,)
        Indices of the categorical columns.
    continuous_features_ : ndarray of shape (n_continuous,)
        Indices of the continuous columns.
    """,
    "sampler_random_state": """
    random_state : int, RandomState instance or None, default=None
        Seed of the draws. An int gives the same rows on every run.
    """,
    "neighbor_n_jobs": """
    n_jobs : int, default=None
        Threads of the exact neighbour search (``None``: as many as OpenMP
        would use, i.e. ``OMP_NUM_THREADS`` or every core; ``-1``: every
        core; passed to ``NearestNeighbors`` where that is used). Results do
        not depend on it.
    """,
    "over_sampling_strategy_": """
    sampling_strategy_ : dict
        Class label -> number of synthetic rows generated.
    """,
    "synthetic_sample_indices_": """
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Row of ``X`` copied by each output row; ``-1`` for synthetic rows (the
        input rows come first, in order, then the synthetic ones).
    """,
    "interpolation_provenance_": """
    parents_ : ndarray of shape (n_synthetic,)
        Row of ``X`` each synthetic row grows from.
    neighbors_ : ndarray of shape (n_synthetic,)
        Row of ``X`` it moves toward, one of the parent's nearest neighbours.
    gaps_ : ndarray of shape (n_synthetic,)
        Interpolation gap ``g`` in ``[0, 1)``: synthetic row ``t`` is ``X[p]
        + g * (X[q] - X[p])`` with ``p = parents_[t]``, ``q =
        neighbors_[t]``, ``g = gaps_[t]``.
    """,
    "nn_k_": "nn_k_ : estimator object" + _validated_neighbors("k_neighbors"),
    "nn_m_": "nn_m_ : estimator object" + _validated_neighbors("m_neighbors"),
    "nn_": "nn_ : estimator object" + _validated_neighbors("n_neighbors"),
    "features_in_fit_resample_": _features_in("in ``fit_resample``"),
    "sparse_input_note": """
    Sparse CSR (and CSC) input is accepted and returned as CSR (integer
    matrices keep their dtype, see below), with the neighbours, and so the
    provenance, of the dense run.
    """,
    "dask_over_sampling_note": """
    Dask arrays and DataFrames are accepted (with the ``dask`` extra): the
    rows of the classes to oversample are gathered (within a memory budget,
    the Dask setting ``"skclassgap.gather-budget"``, default 2 GiB), the
    output is a Dask collection of the input's blocks followed by the
    synthetic rows as new blocks, and it equals the in-memory output row for
    row for the same ``random_state``, whatever the partitioning.
    """,
    "integer_rule_note": """
    Output dtypes follow one rule for every sampler: the input rows come back
    unchanged, and an array, a sparse matrix or each DataFrame column keeps
    its dtype (float32 stays float32; nullable ``Int64``, ``Float64`` and
    ``boolean`` columns stay nullable). Synthetic values of an integer
    feature are rounded to the nearest integer by :func:`numpy.rint`, halves
    to the even integer (2.5 gives 2, 3.5 gives 4; imbalanced-learn truncates
    toward zero), and clipped to the dtype's range; a boolean feature counts
    as 0/1 and is True above one half, unless it is categorical (SMOTENC,
    SMOTEN and GaussianOverSampler take bool columns as categorical under
    ``categorical_features="auto"``). Values are computed in float32 when
    every numeric column is float32, in float64 otherwise (interpolation
    arithmetic is float64 in both cases).
    """,
}

# -- meta-estimators --------------------------------------------------------------

_META = {
    "fitted_estimator_": """
    estimator_ : estimator instance
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    """,
    "proba_prior": """
    proba_prior : {"fit", "original"}, default="fit"
        Class prior of ``predict_proba`` and ``predict_log_proba``. Resampled
        or reweighted training shifts the class prior the estimator learns to
        ``train_prior_``: ``"fit"`` returns its probabilities unchanged,
        ``"original"`` moves them back to the prior of the data passed to
        ``fit`` (``original_prior_``) by Bayes' rule, ``p(y|x) *
        original_prior_(y) / train_prior_(y)`` renormalised.
    """,
    "original_prior_": """
    original_prior_ : ndarray of shape (n_classes,)
        Class frequencies of ``y`` as passed to ``fit`` (weighted by
        ``sample_weight``).
    """,
    "features_in_fit_": _features_in("in ``fit``"),
    "features_in_estimator_": _features_in(
        "by ``estimator_``", " (only when ``estimator_`` has this attribute)"
    ),
    "fit_X_y": """
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data, as accepted by ``estimator``.
    y : array-like of shape (n_samples,)
        Class labels.
    """,
    "params_routed": """
    **params : dict
        Routed to ``estimator.fit`` (requires metadata routing to be enabled).
    """,
    "X_samples": """
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples, as accepted by ``estimator_``.
    """,
    "predict_returns": """
    y_pred : ndarray of shape (n_samples,)
        Predicted labels.
    """,
    "proba_returns": """
    proba : ndarray of shape (n_samples, n_classes)
        Probabilities, columns in the order of ``classes_``.
    """,
    "log_proba_returns": """
    log_proba : ndarray of shape (n_samples, n_classes)
        Log-probabilities, columns in the order of ``classes_``.
    """,
    "predict_sections": _response_sections("{predict_returns}"),
    "predict_proba_sections": _response_sections("{proba_returns}"),
    "predict_log_proba_sections": _response_sections("{log_proba_returns}"),
    "routing_sections": """
    Returns
    -------
    routing : MetadataRouter
        The routing of this object.
    """,
}

# -- metrics ----------------------------------------------------------------------

_METRICS = {
    "y_true_y_pred": """
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    """,
    "metric_sample_weight": """
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    """,
}

# -- references (follow a label: ``.. [1] {chawla2002}``) ---------------------------

_REFERENCES = {
    "chawla2002": """
    N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       synthetic minority over-sampling technique", Journal of Artificial
       Intelligence Research 16, 321-357, 2002.
    """,
    "moayeri2023": """
    M. Moayeri, W. Wang, S. Singla and S. Feizi, "Spuriosity Rankings:
       Sorting Data to Measure and Mitigate Biases", NeurIPS 2023,
       arXiv:2212.02648.
    """,
    "saerens2002": """
    M. Saerens, P. Latinne and C. Decaestecker, "Adjusting the outputs
       of a classifier to new a priori probabilities: a simple procedure",
       Neural Computation 14(1), 2002.
    """,
    "lipton2018": """
    Z. C. Lipton, Y.-X. Wang and A. J. Smola, "Detecting and correcting
       for label shift with black box predictors", ICML 2018,
       arXiv:1802.03916.
    """,
}

shared_docs = DocBlocks(**_SAMPLERS, **_META, **_METRICS, **_REFERENCES)
