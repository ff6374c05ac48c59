"""Exact k-nearest neighbours for the samplers, on any finite input.

:func:`kneighbors` returns, for every query row, the indices of its ``k``
nearest reference rows; :func:`kneighbors_within` does the same for a set
against itself (each row excluded from its own neighbours);
:func:`class_neighbors` gives both searches Borderline-SMOTE and ADASYN need
for one class. *Nearest* is meant exactly: rows are ordered by their squared
Euclidean distance ``D(q, r) = sum_t (q_t - r_t)^2`` evaluated in exact
(real) arithmetic on the stored values, and equal distances by the lower
row index. Every path below returns that same list, nearest first.

Scaling
    Values are first multiplied by one power of two when their largest
    magnitude lies outside ``[2**-100, 2**100]`` (:mod:`._scale`). That
    changes no order and keeps every difference, square and sum below far
    from overflow (``d 2**204`` at most). Scaling up is exact; scaling down
    may round values that become subnormal, by at most ``2**-1075`` each:
    distance intervals then widen by ``sqrt(d) 2**-1074`` in norm, and
    close candidates are compared on the original values.

Distances from differences, with intervals (``skclassgap._kernels.exact``)
    A candidate's distance is computed from coordinate differences in
    float64, never through norms (``||a||^2 - 2 a.b + ||b||^2`` cancels when
    the rows are far from the origin compared with their distance). Its
    error is at most ``gamma_{d+2} D + d 2^-1075``, so the exact distance lies
    in ``D^ (1 -+ 2 gamma_{d+3}) -+ d 2^-1018``; when error-free
    transformations show every operation was exact (integer data, short
    mantissas) the interval is the point ``D^``. Candidates whose intervals
    are disjoint are ordered by them; overlapping ones exactly: equal rows
    are tied, otherwise the sign of ``D(q, a) - D(q, b)`` is evaluated as
    an exact sum of floats (TwoSum differences, Dekker products, Shewchuk's
    expansion), which is valid while the non-zero parts lie within
    ``[2**-480, 2**480]``; beyond that (values some 10^144 apart), or after
    a lossy scaling, those queries are ranked with Python's
    ``fractions.Fraction`` on the original values.

Large dense input: float32 screening, certified (:mod:`._screen`)
    Rows are centred on the per-column median of a sample (any centre is
    correct; one in the bulk keeps one far row from spoiling the bound) and
    divided by a power of two ``s`` so that centred norms are at most 1.
    Float32 BLAS tiles give each pair a screening value ``v^`` and a numba
    kernel keeps, per query, the ``k + 4`` smallest. Write ``a = ||q||``,
    ``b = ||r||`` for centred, scaled rows and ``u = 2^-24``. Rounding the
    rows to float32 moves each coordinate by a relative ``u`` (plus
    ``2^-53`` for the float64 centring and ``2^-149`` absolute), the d-term
    dot product errs by ``gamma_d 2ab``,
    the norms by ``(u + gamma^64_{d+2}) a^2`` and ``b^2``, and the two
    float32 additions by ``u`` of at most ``(a + b)^2`` each, so that

        ``|v^ - D| <= c (a + b)^2 + eta``,
        ``c = (d + 10) u / (1 - (d + 10) u)``, ``eta = (d + 4) 2^-118``

    (``eta`` also covers BLAS flushing subnormal products to zero).
    Certificate: if ``D(q, r) <= T`` then ``b <= a + sqrt(T)`` (triangle
    inequality), so ``v^ <= T + c (2a + sqrt(T))^2 + eta`` (all in scaled
    units). The listed candidates are ranked exactly; with ``T`` the
    largest upper bound among the first k of them (so at least the k-th
    exact distance), every rejected row has ``v^`` at least the list's
    last value, and when that last value exceeds the bound for ``T`` every
    rejected row is farther than ``T``: the k nearest are all listed, and
    ranked exactly.
    The bound depends on the query's own norm, not on the largest row, so
    a few far rows do not spoil it for the others. Ties far beyond the list
    (integer lattices, binary rows) cannot be certified that way; but when
    every value is a multiple of 1/2, the centre of 1/4 and
    ``d M^2 <= 2^18`` (``M`` the largest centred magnitude), every quantity
    the screening forms is an integer number of sixteenths below ``2^24``:
    float32 arithmetic is exact, and since candidates reach a list in
    increasing reference index and a later equal value is not kept, each
    list holds its query's ``k + 4`` nearest by (distance, index). That is
    checked when some query is left unsettled, and then settles them all.
    A class searched against itself computes each pair of square tiles
    once and uses it for both blocks of rows (the screening value is
    symmetric).

Queries the screening cannot settle, and low dimension (:mod:`._rank`)
    Near-ties beyond the list (identifiers from 1e9 to 1e10 shared by many
    rows next to unit features, decimal grids) leave some queries
    unsettled; they are screened again with lists four times longer, which
    usually settles them. Float32 cannot separate neighbours at all when
    the data's spread is huge next to their distances (values 1e300
    apart). What is still unsettled, and every query when
    ``n_features <= 3``, goes to scikit-learn's k-d tree, built on the
    scaled float64 rows. The tree computes squared distances to rows
    and lower bounds to its boxes from coordinate differences, each within
    ``g D + h`` of the truth (``g = 2 gamma_{d+4}``, ``h = d 2^-1018``; the
    box bounds round one difference and one ``pow`` per term); it keeps a
    row only when its computed distance is below its current k'-th, and
    prunes a box only when the box's computed bound exceeds it. So every
    row it does not return is at least ``((1 - g) L - 2h) / (1 + g)`` away,
    ``L`` the largest lower bound among the returned rows; when that
    exceeds the upper bound of the k-th exact neighbour among them, they
    hold the k nearest. Otherwise the tree is asked for four times as many
    rows, up to all of them -- except in low dimension, where queries in
    large groups of tied rows (a lattice with many duplicates) are settled
    by exact screening lists when the rows' arithmetic is exact, after
    the tree has been asked for ``4 (k + 5)`` rows.

Sparse input
    CSR rows are screened in float64 from sparse products (no centring;
    ``c = (2 nnz + 8) 2^-53`` per the same argument, ``nnz`` the most
    non-zeros in a row, and exact for counts with ``nnz M^2 <= 2^47``) and
    ranked on the union of each query's and its candidates' columns;
    queries the certificate does not settle are searched by brute force
    from differences.

Small input: NumPy only (:mod:`._small`)
    Searches of at most ``_SMALL_WORK = 1e7`` (query, reference, feature)
    triples use NumPy alone -- the same screening argument in float64 on
    one BLAS product, distances from differences, the same intervals, and
    overlapping runs ordered in Python -- so that they never wait for numba
    (compiling the kernels takes 10-20 s once; loading them from the disk
    cache 0.7-1 s in every new process). The threshold comes from
    ``python -m benchmarks --only neighbors --full`` (2 shared cores): up to
    1e7 triples the NumPy path takes at most ~0.1 s per search (2-8 times
    the warm compiled path); at 1e8 it takes ~0.7 s, as long as loading the
    kernels, and the compiled path is 16 times faster. Both paths return
    the same neighbours on every input (tested).

Threads: query blocks (or block pairs) are spread over a thread pool; BLAS
runs single-threaded inside each tile and the numba kernels release the
GIL. Results do not depend on the number of threads. Peak extra memory is
one tile per thread plus the float32 copies of the rows and the
``n_queries x (k + 4)`` lists; no ``n x n`` matrix exists.
"""

from skclassgap.over_sampling._neighbors._search import (
    class_neighbors,
    kneighbors,
    kneighbors_within,
    merge_topk,
    rank_candidates,
)

__all__ = [
    "class_neighbors",
    "kneighbors",
    "kneighbors_within",
    "merge_topk",
    "rank_candidates",
]
