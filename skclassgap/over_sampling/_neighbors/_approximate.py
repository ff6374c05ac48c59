"""Approximate neighbours for large searches, with a measured recall.

The exact engine costs ``n^2 d`` per self-join. Above a measured size an
approximate k-nearest-neighbour graph is cheaper; this module builds one
with pynndescent (the ``ann`` extra, imported only when used) and gives
the samplers one call that picks the search, runs it, and checks it:

- :func:`approximate_kneighbors_within` -- each row's ``k`` nearest other
  rows from NN-descent's graph: pynndescent proposes ``n_neighbors``
  candidates per row, and the exact ranking of the engine orders them
  (ties to the lower index), so that a row whose candidates hold its true
  ``k`` nearest gets the exact answer;
- :func:`estimate_recall` -- the fraction of exact neighbours found, on a
  sample of rows searched exactly, counted on distances (ties count);
- :func:`estimate_intrinsic_dim` and :func:`choose_neighbors` -- the
  ``"auto"`` rule: approximate only where it was measured faster at
  recall >= 0.99 (size, ``k`` and the data's intrinsic dimension);
- :func:`plan_within` and :func:`search_within` -- what a sampler calls:
  the search its ``neighbors`` parameter resolves to (when exact, the
  sampler runs its own exact path unchanged), then that search, the
  estimated recall, and the ``min_recall`` check (an error, or the exact
  search, by ``on_low_recall``).

Why pynndescent: measured against hnswlib and faiss (IVF) on the
self-join at 1e5 rows (``python -m benchmarks.study_ann``), it reached
recall 0.99 with the least CPU time on every data set, and it adds no
dependency (numba, scikit-learn, scipy, joblib are ours already). Its
costs: about 40 CPU seconds of numba compilation on the first call in a
process (its main kernels are not cached), counted in the ``"auto"``
rule; and a graph that depends on the number of threads (its work is
split by thread), so results repeat for the same ``random_state`` and
``n_jobs``, not across thread counts.
"""

import inspect
import numbers
import warnings
from typing import NamedTuple

import numba
import numpy as np
from scipy import sparse

from skclassgap.over_sampling._neighbors._screen import n_threads
from skclassgap.over_sampling._neighbors._search import (
    kneighbors,
    kneighbors_within,
    rank_candidates,
)

ANN_EXTRA = "pip install 'skclassgap[ann]'"
NEIGHBORS_OPTIONS = ("auto", "exact", "approximate")
ON_LOW_RECALL_OPTIONS = ("raise", "exact")
# Parameters this module sets itself; ``params`` may not.
_OWN_PARAMS = ("data", "metric", "metric_kwds", "random_state", "n_jobs", "verbose")
_U64 = 2.0**-53
_CHUNK = 256  # query rows whose candidate distances are computed at once
# Values are scaled by a power of two into this range before the float32
# copy pynndescent works on (it cannot represent 1e300, nor tell 1e-300
# from 0); the candidates are then ranked on the original values.
_F32_RANGE = 2.0**60


def import_pynndescent():
    """Import pynndescent, or say in one line how to install it."""
    try:
        import pynndescent
    except ImportError:
        raise ImportError(
            "neighbors='approximate' needs pynndescent, which is not installed. "
            f"Install the extra: {ANN_EXTRA}"
        ) from None
    return pynndescent


def default_params(k):
    """pynndescent parameters of the approximate search for ``k`` neighbours.

    ``n_neighbors`` is the width of the graph NN-descent builds (more
    candidates per row) and ``max_candidates`` the number of neighbours
    and reverse neighbours each row joins per iteration (the cheaper knob:
    doubling it from pynndescent's default ``min(60, n_neighbors)`` raised
    the recall more per second than widening the graph). Measured at
    ``k = 5`` and ``10`` (user guide, "Approximate neighbours"); larger
    ``k`` get a graph three times as wide as ``k + 1``.
    """
    width = max(30, 3 * (k + 1))
    return {"n_neighbors": width, "max_candidates": 2 * width}


def _float32_rows(X):
    """A float32 copy of ``X`` for the library, scaled by a power of two."""
    values = X.data if sparse.issparse(X) else X
    top = float(np.abs(values).max()) if values.size else 0.0
    shift = 0
    if top > _F32_RANGE or 0.0 < top < 1.0 / _F32_RANGE:
        shift = -int(np.frexp(top)[1])
    if sparse.issparse(X):
        X = sparse.csr_matrix(X, dtype=np.float64, copy=True)
        X.data = np.ldexp(X.data, shift).astype(np.float32)
        X.sort_indices()
        return X.astype(np.float32)
    if shift == 0 and X.dtype == np.float32 and X.flags.c_contiguous:
        return X
    return np.ascontiguousarray(np.ldexp(X.astype(np.float64), shift), np.float32)


def _check_params(params, pynndescent):
    params = {} if params is None else dict(params)
    accepted = set(inspect.signature(pynndescent.NNDescent).parameters) - set(
        _OWN_PARAMS
    )
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise ValueError(
            f"params holds {unknown!r}, which pynndescent.NNDescent does not take "
            f"from skclassgap; accepted: {sorted(accepted)!r} (random_state and "
            "n_jobs come from the sampler's own parameters)."
        )
    return params


def approximate_kneighbors_within(X, k, *, random_state=None, n_jobs=None, params=None):
    """Indices of the ``k`` nearest other rows of every row, approximately.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Finite values; ``n_samples > k``.
    k : int
        Number of neighbours (the row itself not counted).
    random_state : int, RandomState instance or None, default=None
        Seeds pynndescent's random projection trees and NN-descent. The
        result is the same for the same ``random_state`` and the same
        number of threads (pynndescent splits its work by thread).
    n_jobs : int, default=None
        Threads of pynndescent and of the exact ranking, counted as for
        the exact search (``None``: ``OMP_NUM_THREADS`` if set, else every
        core).
    params : dict, default=None
        Parameters of ``pynndescent.NNDescent`` that replace the defaults
        of :func:`default_params` (e.g. ``{"n_neighbors": 40,
        "max_candidates": 120}`` for a higher recall on data of high
        intrinsic dimension).

    Returns
    -------
    ind : int64 ndarray of shape (n_samples, k)
        Row indices, nearest first by exact distance among the candidates
        the graph holds (equal distances: lower index first). A row whose
        graph holds fewer than ``k`` other rows is searched exactly, and
        so are sets of at most twice the graph's width (exact lists).
    """
    pynndescent = import_pynndescent()
    params = {**default_params(k), **_check_params(params, pynndescent)}
    n = X.shape[0]
    params["n_neighbors"] = max(int(params["n_neighbors"]), k + 1)
    if n <= 2 * params["n_neighbors"]:
        # The graph would hold most rows: the exact search is as cheap.
        return kneighbors_within(X, k, n_jobs=n_jobs)
    seed = np.random.RandomState(
        np.random.default_rng(_seed(random_state)).integers(2**31 - 1)
    )
    # pynndescent sets numba's thread count, which cannot exceed the pool's.
    threads = min(n_threads(n_jobs), numba.config.NUMBA_NUM_THREADS)
    with warnings.catch_warnings():
        # "Failed to correctly find n_neighbors for some samples": those
        # rows are searched exactly below.
        warnings.filterwarnings("ignore", message="Failed to correctly find")
        graph = pynndescent.NNDescent(
            _float32_rows(X),
            metric="euclidean",
            random_state=seed,
            n_jobs=threads,
            **params,
        ).neighbor_graph[0]
    cand = np.asarray(graph, dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    valid = (cand >= 0) & (cand != rows[:, None])
    few = np.flatnonzero(valid.sum(axis=1) < k)
    cand[few] = -1
    cand[few, : k + 1] = np.arange(k + 1)  # placeholders, replaced below
    ind = rank_candidates(X, X, cand, k, exclude=rows, n_jobs=n_jobs)
    if few.size:
        ind[few] = kneighbors(X[few], X, k, exclude=few, n_jobs=n_jobs)
    return ind


def _seed(random_state):
    """An integer seed from ``random_state`` (int, RandomState or None)."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        return random_state
    return int(random_state.randint(2**31 - 1))


def _sq_dists(X, rows, cols):
    """Float64 squared distances of ``X[rows[q]]`` to ``X[cols[q, j]]``."""
    Q = _dense(X[rows])[:, None, :]
    C = _dense(X[cols.ravel()]).reshape(*cols.shape, -1)
    diff = C - Q
    return np.einsum("qjd,qjd->qj", diff, diff)


def _dense(X):
    return (
        X.toarray().astype(np.float64)
        if sparse.issparse(X)
        else np.asarray(X, dtype=np.float64)
    )


def recall_against(X, rows, found, exact):
    """Fraction of exact neighbours found, counted on distances.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    rows : int ndarray of shape (n_queries,)
        The query rows (rows of ``X``).
    found : int ndarray of shape (n_queries, k)
        Neighbours found for each query row; ``-1`` means none.
    exact : int ndarray of shape (n_queries, k)
        The exact ``k`` nearest other rows of each query, nearest first.

    Returns
    -------
    recall : float
        Mean over the queries of the number of distinct rows of ``found``
        (the query itself not counted) whose squared distance is at most
        the exact ``k``-th nearest one's, capped at ``k``, divided by ``k``.
        Distances are computed in float64 from coordinate differences and
        compared within their rounding error, so that a row tied with the
        k-th neighbour (a duplicate, a lattice) counts as found.
    """
    rows = np.asarray(rows, dtype=np.int64)
    found = np.asarray(found, dtype=np.int64)
    exact = np.asarray(exact, dtype=np.int64)
    n_q, k = exact.shape
    if n_q == 0:
        return 1.0
    slack = 1.0 + 2.0 * (X.shape[1] + 2) * _U64
    hits = 0
    for s in range(0, n_q, _CHUNK):
        r = rows[s : s + _CHUNK]
        f = np.sort(found[s : s + _CHUNK], axis=1)
        valid = (f >= 0) & (f != r[:, None])
        valid[:, 1:] &= f[:, 1:] != f[:, :-1]  # each row once
        kth = _sq_dists(X, r, exact[s : s + _CHUNK, -1:])
        dist = _sq_dists(X, r, np.where(valid, f, 0))
        near = valid & (dist <= kth * slack)
        hits += int(np.minimum(near.sum(axis=1), k).sum())
    return hits / (n_q * k)


def estimate_recall(X, found, k, *, n_queries=1000, random_state=None, n_jobs=None):
    """Estimated recall of neighbour lists, from a sample searched exactly.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    found : int ndarray of shape (n_samples, k)
        Each row's neighbours (other rows), e.g. from
        :func:`approximate_kneighbors_within`.
    k : int
    n_queries : int, default=1000
        Rows drawn without replacement (all rows if fewer) and searched
        exactly with ``kneighbors(X[sample], X, k, exclude=sample)``.
    random_state : int, RandomState instance or None, default=None
        Draws the sample.
    n_jobs : int, default=None
        Threads of the exact search.

    Returns
    -------
    recall : float
        :func:`recall_against` on the sample: the fraction of the exact
        ``k`` nearest found, a found row counting when it is no farther
        than the exact ``k``-th (so ties and duplicates count). Its
        standard error is at most ``0.5 / sqrt(n_queries)``, and about
        ``sqrt(r (1 - r) / (n_queries k))`` when the misses are spread.
    """
    n = X.shape[0]
    rng = np.random.default_rng(_seed(random_state))
    rows = np.sort(rng.choice(n, size=min(n_queries, n), replace=False))
    exact = kneighbors(X[rows], X, k, exclude=rows, n_jobs=n_jobs)
    return recall_against(X, rows, np.asarray(found)[rows], exact)


def estimate_intrinsic_dim(X, *, n_queries=300, n_neighbors=20, random_state=None):
    """Local intrinsic dimension of the data, from a sample searched exactly.

    The maximum-likelihood estimate of Levina and Bickel (2004) at each
    sampled row, ``-1 / mean_j log(r_j / r_k)`` over its ``k =
    n_neighbors`` nearest other rows (``r_j`` their distances), and the
    median over the rows. Rows with a zero ``r_k`` (duplicates) are left
    out. The search costs ``n_queries x n_samples x n_features``, about a
    third of :func:`estimate_recall`'s.

    Returns
    -------
    dim : float
        ``inf`` when no sampled row has ``k`` distinct other rows.
    """
    n = X.shape[0]
    k = min(n_neighbors, n - 1)
    rng = np.random.default_rng(_seed(random_state))
    rows = np.sort(rng.choice(n, size=min(n_queries, n), replace=False))
    ind = kneighbors(X[rows], X, k, exclude=rows)
    dist = np.sqrt(_sq_dists(X, rows, ind))
    keep = dist[:, -1] > 0
    if k < 2 or not keep.any():
        return float("inf")
    ratio = dist[keep, :-1] / dist[keep, -1:]
    with np.errstate(divide="ignore"):
        mean_log = np.mean(np.log(ratio), axis=1)
    return float(np.median(-1.0 / np.minimum(mean_log, -1e-300)))


# The switch of neighbors="auto" (user guide, "Approximate neighbours"):
# approximate search from this much exact work (n_rows^2 x n_features) on,
# with pynndescent's first-call compilation counted, for k up to _AUTO_MAX_K
# and data whose intrinsic dimension is at most _AUTO_MAX_DIM.
_AUTO_MIN_WORK = 5e12
_AUTO_MAX_K = 10
_AUTO_MAX_DIM = 30.0
AUTO_MIN_RECALL = 0.99


def choose_neighbors(n_rows, n_features, k, *, intrinsic_dim=None):
    """The search ``neighbors="auto"`` runs: ``"exact"`` or ``"approximate"``.

    Approximate only where it was measured faster than the exact search at
    recall >= 0.99 with the default parameters, its first-call compilation
    (about 40 CPU seconds per process) included: ``n_rows^2 x n_features
    >= 5e12`` (about 5e5 rows of 20 features, 2.2e5 of 100, 1.1e5 of 384),
    ``k <= 10``, an intrinsic dimension of at most 30 when given (see
    :func:`estimate_intrinsic_dim`; above it NN-descent's defaults missed
    the recall), and pynndescent installed.

    Parameters
    ----------
    n_rows, n_features, k : int
    intrinsic_dim : float, default=None
        Estimated intrinsic dimension of the rows, if known.

    Returns
    -------
    method : {"exact", "approximate"}
    """
    if float(n_rows) ** 2 * n_features < _AUTO_MIN_WORK or k > _AUTO_MAX_K:
        return "exact"
    if intrinsic_dim is not None and intrinsic_dim > _AUTO_MAX_DIM:
        return "exact"
    try:
        import_pynndescent()
    except ImportError:
        return "exact"
    return "approximate"


def _seeds(random_state):
    """Seeds of the approximate search, the recall sample and the dimension
    sample, drawn from ``random_state`` in that order."""
    rng = np.random.default_rng(_seed(random_state))
    return tuple(int(s) for s in rng.integers(2**31 - 1, size=3))


def _plan(X, k, neighbors, dim_seed):
    if neighbors != "auto":
        return neighbors
    n, d = X.shape
    if sparse.issparse(X) or choose_neighbors(n, d, k) == "exact":
        return "exact"
    dim = estimate_intrinsic_dim(X, random_state=dim_seed)
    return choose_neighbors(n, d, k, intrinsic_dim=dim)


def plan_within(X, k, neighbors="auto", *, random_state=None):
    """The search :func:`search_within` runs first: ``"exact"`` or ``"approximate"``.

    ``"auto"`` resolves by :func:`choose_neighbors` (sparse rows: exact), on
    an intrinsic dimension estimated from a sample only when the size
    qualifies; below the switch this costs nothing but the arithmetic. A
    sampler asks first so that, when the answer is ``"exact"``, it runs its
    own exact path unchanged (e.g. a search combined with another one), and
    passes the answer to :func:`search_within` otherwise.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    k : int
    neighbors : {"auto", "exact", "approximate"}, default="auto"
    random_state : int, RandomState instance or None, default=None
        As passed to :func:`search_within` (an int: the same choice).

    Returns
    -------
    method : {"exact", "approximate"}
    """
    if neighbors not in NEIGHBORS_OPTIONS:
        raise ValueError(
            f"neighbors must be one of {NEIGHBORS_OPTIONS!r}; got {neighbors!r}."
        )
    return _plan(X, k, neighbors, _seeds(random_state)[2])


class Neighbors(NamedTuple):
    """Result of :func:`search_within`.

    ``ind`` the neighbour indices, ``method`` the search that produced them
    (``"exact"`` or ``"approximate"``), ``recall`` the estimated recall of
    the approximate search (None when it did not run).
    """

    ind: np.ndarray
    method: str
    recall: float | None


def search_within(
    X,
    k,
    *,
    neighbors="auto",
    min_recall=None,
    on_low_recall="raise",
    random_state=None,
    n_jobs=None,
    params=None,
    n_queries=1000,
    method=None,
):
    """Each row's ``k`` nearest other rows, by the search ``neighbors`` names.

    The one call a sampler makes in place of ``kneighbors_within``; it
    stores ``result.recall`` as ``neighbor_recall_``.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    k : int
    neighbors : {"auto", "exact", "approximate"}, default="auto"
        ``"exact"``: :func:`kneighbors_within`. ``"approximate"``:
        :func:`approximate_kneighbors_within`, its recall estimated on
        ``n_queries`` rows. ``"auto"``: approximate where
        :func:`choose_neighbors` says so (dense rows; the intrinsic
        dimension estimated on a sample when the size qualifies), with a
        minimum recall of ``min_recall`` or, when None, 0.99: below it,
        a warning and the exact search, whatever ``on_low_recall``.
    min_recall : float in [0, 1] or None, default=None
        Lowest estimated recall accepted from the approximate search.
    on_low_recall : {"raise", "exact"}, default="raise"
        With ``neighbors="approximate"``, below ``min_recall``: raise a
        ``ValueError``, or warn and run the exact search instead.
    random_state : int, RandomState instance or None, default=None
        Seeds the approximate search and the samples of rows searched
        exactly (recall, intrinsic dimension).
    n_jobs : int, default=None
        Threads of both searches (see :func:`approximate_kneighbors_within`).
    params : dict, default=None
        pynndescent parameters, see :func:`approximate_kneighbors_within`.
    n_queries : int, default=1000
        Rows searched exactly to estimate the recall.
    method : {"exact", "approximate"}, default=None
        The search :func:`plan_within` chose for the same ``X``, ``k``,
        ``neighbors`` and ``random_state``, when the caller asked first
        (so that the sample of its ``"auto"`` rule is not searched twice);
        None: chosen here.

    Returns
    -------
    result : Neighbors
        ``(ind, method, recall)``: ``recall`` is the approximate search's
        estimated recall, also when the exact search replaced it; None when
        only the exact search ran.
    """
    if neighbors not in NEIGHBORS_OPTIONS:
        raise ValueError(
            f"neighbors must be one of {NEIGHBORS_OPTIONS!r}; got {neighbors!r}."
        )
    if on_low_recall not in ON_LOW_RECALL_OPTIONS:
        raise ValueError(
            f"on_low_recall must be one of {ON_LOW_RECALL_OPTIONS!r}; got "
            f"{on_low_recall!r}."
        )
    n = X.shape[0]
    search_seed, sample_seed, dim_seed = _seeds(random_state)
    if method is None:
        method = _plan(X, k, neighbors, dim_seed)
    if neighbors == "auto":
        if min_recall is None:
            min_recall = AUTO_MIN_RECALL
        on_low_recall = "exact"
    if method == "exact":
        return Neighbors(kneighbors_within(X, k, n_jobs=n_jobs), "exact", None)
    ind = approximate_kneighbors_within(
        X, k, random_state=search_seed, n_jobs=n_jobs, params=params
    )
    recall = estimate_recall(
        X, ind, k, n_queries=n_queries, random_state=sample_seed, n_jobs=n_jobs
    )
    if min_recall is None or recall >= min_recall:
        return Neighbors(ind, "approximate", recall)
    message = (
        f"The approximate neighbour search found an estimated {recall:.4f} of the "
        f"exact neighbours (on {min(n_queries, n)} rows), below "
        f"min_recall={min_recall}."
    )
    if on_low_recall == "raise":
        raise ValueError(
            f"{message} Widen its graph (params={{'n_neighbors': 40, "
            "'max_candidates': 120}}), lower min_recall, pass "
            "on_low_recall='exact' to fall back to the exact search, or use "
            "neighbors='exact'."
        )
    warnings.warn(f"{message} Ran the exact search instead.", UserWarning, stacklevel=2)
    return Neighbors(kneighbors_within(X, k, n_jobs=n_jobs), "exact", recall)
