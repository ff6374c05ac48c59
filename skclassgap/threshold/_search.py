"""Exact searches on fixed out-of-fold scores: binary thresholds, per-class offsets.

Both searches take integer class codes ``y`` in ``[0, K)``, float64 sample
weights ``w`` and an objective that is either count-based (a ``from_counts``
function of ``(tp, support, predicted)``, vectorised over leading axes, with a
sign so that larger is better) or a label callable ``(y_true, y_pred)``.

Kernels or NumPy: below ``KERNEL_MIN_ROWS["threshold"]`` = 10,000 rows the
searches run the NumPy twins of the numba kernels of
:mod:`skclassgap._kernels.threshold` (its ``NUMPY_TWINS`` table), which give
bit-identical results (same float operations in the same order), so that a
first fit never waits seconds for compilation. The benchmark behind the value
is quoted where it is defined, in :mod:`skclassgap._kernels._config`.
"""

import numpy as np

from skclassgap._kernels import threshold as _kernels
from skclassgap._kernels._config import KERNEL_MIN_ROWS


def _impl(kernel, n_rows):
    """``kernel`` of skclassgap._kernels.threshold, or its NumPy twin below
    ``KERNEL_MIN_ROWS["threshold"]`` rows."""
    if n_rows >= KERNEL_MIN_ROWS["threshold"]:
        return kernel
    return _kernels.NUMPY_TWINS[kernel]


# A label callable is evaluated at most at this many candidates per 1-D search.
MAX_CALLABLE_CANDIDATES = 512
# Candidate regions of one offset sweep scored per batch (bounds memory to
# ``_REGION_BATCH * K`` counts whatever the number of rows).
_REGION_BATCH = 1 << 16
# Rounds of coordinate ascent over all classes, at most.
MAX_ROUNDS = 100
# Smallest gain that counts as an improvement.
_TOL = 1e-12


class CountObjective:
    """A count-based objective: ``sign * from_counts(tp, support, predicted)``."""

    def __init__(self, from_counts, sign, monotone=False, recall_summary=False):
        self.from_counts = from_counts
        self.sign = sign
        # Nondecreasing in every class's true positives when the errors it
        # moves between classes are fixed (all per-class recall, precision and
        # F1 summaries; not class gaps): lets the binary search skip
        # thresholds that cannot be optimal.
        self.monotone = monotone
        # A function of the per-class recalls alone, every class weighing the
        # same: offsets tuned for it are held to the balanced accuracy of the
        # prior correction (see balanced_guard_choice).
        self.recall_summary = recall_summary

    def __call__(self, tp, support, predicted):
        with np.errstate(divide="ignore", invalid="ignore"):
            values = self.sign * np.asarray(
                self.from_counts(tp, support, predicted), dtype=np.float64
            )
        return np.where(np.isnan(values), -np.inf, values)


class LabelObjective:
    """A label callable ``func(y_true, y_pred)`` and the labels of the codes."""

    def __init__(self, func, classes):
        self.func = func
        self.classes = classes

    def __call__(self, codes_true, codes_pred):
        value = float(self.func(self.classes[codes_true], self.classes[codes_pred]))
        return -np.inf if np.isnan(value) else value


def _midpoints(lo, hi):
    """Points strictly above ``lo`` and at most ``hi`` (``hi`` when adjacent floats)."""
    mid = 0.5 * lo + 0.5 * hi
    return np.where(mid > lo, mid, hi)


class BinaryCounts:
    """Cumulative counts at every distinct score, from one pass over sorted scores.

    ``below[g]`` and ``below_pos[g]`` are the (weighted) numbers of rows and of
    positive rows among the ``g`` lowest distinct scores, g = 0..G:
    candidate ``g`` predicts those rows negative and the others positive.
    """

    def __init__(self, scores, y, w):
        if np.all(w == 1.0):
            # Unit weights: sorting each class's scores by value (no argsort)
            # and merging them gives the counts at every distinct score in O(n).
            is_pos = y == 1
            neg, pos = scores[~is_pos], scores[is_pos]
            neg.sort()
            pos.sort()
            merge = _impl(_kernels._merge_sorted_counts, scores.shape[0])
            self.distinct, self.below, self.below_pos = merge(neg, pos)
        else:
            order = np.argsort(scores, kind="stable")
            s = scores[order]
            ends = np.append(np.flatnonzero(s[1:] != s[:-1]) + 1, s.shape[0])
            self.distinct = s[ends - 1]
            ws = w[order]
            pos = np.where(y[order] == 1, ws, 0.0)
            self.below = np.concatenate(([0.0], np.cumsum(ws)[ends - 1]))
            self.below_pos = np.concatenate(([0.0], np.cumsum(pos)[ends - 1]))

    @property
    def n_candidates(self):
        return self.below.shape[0]

    def thresholds(self, index=None):
        """Thresholds of candidates ``index`` (all when None), increasing.

        ``-inf`` (all positive), mid-points between neighbouring distinct
        scores, ``+inf`` (all negative).
        """
        if index is None:
            index = np.arange(self.n_candidates)
        index = np.asarray(index)
        inner = (index > 0) & (index < self.n_candidates - 1)
        out = np.where(index == 0, -np.inf, np.inf)
        lo = self.distinct[index[inner] - 1]
        out[inner] = _midpoints(lo, self.distinct[index[inner]])
        return out

    def values(self, objective, index=None):
        """Count objective at candidates ``index`` (all when None)."""
        below, below_pos = self.below, self.below_pos
        total, total_pos = below[-1], below_pos[-1]
        if index is not None:
            below, below_pos = below[index], below_pos[index]
        tp = np.column_stack((below - below_pos, total_pos - below_pos))
        predicted = np.column_stack((below, total - below))
        support = np.array([total - total_pos, total_pos])
        return objective(tp, np.broadcast_to(support, tp.shape).copy(), predicted)

    def may_be_optimal(self):
        """Candidates where a monotone objective can peak.

        Candidate ``g`` is kept when its last negative group holds a negative
        row (or g = 0) and its first positive group holds a positive row (or
        g = G): passing a group of positives only into the positive side, or
        of negatives only into the negative side, never lowers such an
        objective, so one of the kept candidates is optimal.
        """
        mixed = _impl(_kernels._mixed_candidates, self.below.shape[0])
        return mixed(self.below, self.below_pos)


def binary_search(scores, y, w, objective):
    """Best threshold of ``scores >= t`` for ``objective``.

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Scores of the positive class (code 1); finite.
    y : ndarray of shape (n,)
        Codes 0 (negative) or 1 (positive).
    w : ndarray of shape (n,)
        Weights.
    objective : CountObjective or LabelObjective
        Count-based objective, scored at every candidate that may be optimal
        (every distinct score unless ``objective.monotone``), or a label
        callable evaluated at (at most ``MAX_CALLABLE_CANDIDATES``) evenly
        spread candidates.

    Returns
    -------
    counts : BinaryCounts
        Counts and thresholds of every candidate (for the full curve).
    index : ndarray of int
        Candidates evaluated.
    values : ndarray of float
        Objective at those candidates (larger is better).
    best : int
        Candidate of the optimum: the first evaluated one reaching the largest value.
    """
    counts = BinaryCounts(scores, y, w)
    if not isinstance(objective, CountObjective):
        index = _spread(counts.n_candidates)
        values = np.array(
            [
                objective(y, (scores >= t).astype(np.int64))
                for t in counts.thresholds(index)
            ]
        )
    elif objective.monotone:
        index = counts.may_be_optimal()
        values = counts.values(objective, index)
    else:
        index = np.arange(counts.n_candidates)
        values = counts.values(objective)
    return counts, index, values, int(index[best_index(values)])


def _spread(n_candidates):
    """At most ``MAX_CALLABLE_CANDIDATES`` indices spread evenly over ``range(n)``."""
    if n_candidates <= MAX_CALLABLE_CANDIDATES:
        return np.arange(n_candidates)
    spread = np.linspace(0, n_candidates - 1, MAX_CALLABLE_CANDIDATES).round()
    return np.unique(spread).astype(np.int64)


def best_index(values):
    """First index of the largest value."""
    return int(np.argmax(values))


def _offset_candidates(distinct):
    """Offsets of the regions ``(u[g-1], u[g])`` of one class, g = 0..G.

    Region 0 lies below every breakpoint, region G above. A region between two
    adjacent floats has no point strictly inside: its offset is NaN (skipped).
    """
    margin_lo = max(1.0, abs(distinct[0]) * 1e-6)
    margin_hi = max(1.0, abs(distinct[-1]) * 1e-6)
    lo, hi = distinct[:-1], distinct[1:]
    mid = 0.5 * lo + 0.5 * hi
    inner = np.where((mid > lo) & (mid < hi), mid, np.nan)
    return np.concatenate(
        ([distinct[0] - margin_lo], inner, [distinct[-1] + margin_hi])
    )


def _rank_keys(values, tp, support):
    """Rank keys of candidates: the objective, then the per-class recalls sorted
    ascending (leximin).

    Among offsets of equal objective the one whose worst recall is highest,
    then whose second worst is, and so on, ranks first. This moves max-min
    objectives (worst-class recall, class gaps) off their plateaus: when two
    classes share the worst recall, raising one of them leaves the objective
    unchanged but ranks higher, and the next step can raise the other.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        recalls = np.sort(np.nan_to_num(tp / support), axis=-1)
    values = np.asarray(values, dtype=np.float64)
    return np.concatenate((values[..., None], recalls), axis=-1)


def best_key_index(keys):
    """First row of ``keys`` that is lexicographically largest (to ``_TOL``)."""
    rows = np.arange(keys.shape[0])
    for col in range(keys.shape[1]):
        column = keys[rows, col]
        rows = rows[column >= column.max() - _TOL]
        if rows.shape[0] == 1:
            break
    return int(rows[0])


def key_improves(new, old):
    """Whether rank key ``new`` is lexicographically larger than ``old`` (by more
    than ``_TOL`` in the first entry where they differ)."""
    for a, b in zip(new, old, strict=True):
        if a > b + _TOL:
            return True
        if a < b - _TOL:
            return False
    return False


def _sweep_class(scores, offsets, k, y, w, support, objective):
    """Best offset of class ``k`` with the others fixed: (rank key, offset)."""
    n_classes = scores.shape[1]
    n = scores.shape[0]
    b, a = _impl(_kernels._class_breakpoints, n)(scores, offsets, k)
    order = np.argsort(b, kind="stable")
    bs = b[order]
    ends = np.append(np.flatnonzero(bs[1:] != bs[:-1]) + 1, bs.shape[0])
    candidates = _offset_candidates(bs[ends - 1])
    if not isinstance(objective, CountObjective):
        keep = _spread(candidates.shape[0])
        keep = keep[~np.isnan(candidates[keep])]
        trial = offsets.copy()
        keys = np.empty((keep.shape[0], n_classes + 1))
        for pos, g in enumerate(keep):
            trial[k] = candidates[g]
            keys[pos] = _label_key(scores, trial, y, w, objective)
        best = best_key_index(keys)
        return keys[best], candidates[keep[best]]
    tp, predicted = _impl(_kernels._base_counts, n)(y, w, a, n_classes)
    best_key = _rank_keys(objective(tp, support, predicted), tp, support)
    best_offset = candidates[0]
    order = order.astype(np.int64)
    for start in range(0, ends.shape[0], _REGION_BATCH):
        group_end = ends[start : start + _REGION_BATCH]
        bounds = np.concatenate(([ends[start - 1] if start else 0], group_end))
        tp_out = np.empty((group_end.shape[0], n_classes))
        pred_out = np.empty_like(tp_out)
        _impl(_kernels._offset_count_path, n)(
            order, bounds.astype(np.int64), y, w, a, k, tp, predicted, tp_out, pred_out
        )
        values = objective(tp_out, support, pred_out)
        region = candidates[start + 1 : start + 1 + group_end.shape[0]]
        values = np.where(np.isnan(region), -np.inf, values)
        keys = _rank_keys(values, tp_out, support)
        best = best_key_index(keys)
        if key_improves(keys[best], best_key):
            best_key, best_offset = keys[best], region[best]
    return best_key, best_offset


def _label_key(scores, offsets, y, w, objective):
    """Rank key of a label callable: its value, then the sorted recalls."""
    pred = np.argmax(scores + offsets, axis=1)
    n_classes = scores.shape[1]
    hit = pred == y
    tp = np.bincount(y[hit], weights=w[hit], minlength=n_classes)
    support = np.bincount(y, weights=w, minlength=n_classes)
    return _rank_keys(objective(y, pred), tp, support)


def evaluate_offsets(scores, offsets, y, w, objective):
    """Objective of ``argmax(scores + offsets)`` from the actual predictions."""
    return float(offset_key(scores, offsets, y, w, objective)[0])


def offset_key(scores, offsets, y, w, objective):
    """Rank key of ``argmax(scores + offsets)`` from the actual predictions: the
    objective, then (count objectives) the sorted per-class recalls."""
    if not isinstance(objective, CountObjective):
        return _label_key(scores, offsets, y, w, objective)
    offset_counts = _impl(_kernels._offset_counts, scores.shape[0])
    tp, predicted = offset_counts(scores, offsets, y, w)
    support = np.bincount(y, weights=w, minlength=scores.shape[1])
    return _rank_keys(objective(tp, support, predicted), tp, support)


def offset_search(scores, y, w, objective, start=None):
    """Coordinate ascent on per-class offsets, each step an exact 1-D sweep.

    Steps are ranked by the objective, then by the sorted per-class recalls
    (leximin; see :func:`_rank_keys`); a step is taken
    only when it ranks higher than the current offsets, so the objective never
    drops below the start's and the search ends.

    Parameters
    ----------
    scores : ndarray of shape (n, K)
        C-contiguous, finite float64 scores (log-probabilities or decision values).
    y : ndarray of shape (n,)
        int64 codes in ``[0, K)``.
    w : ndarray of shape (n,)
        float64 weights.
    objective : CountObjective or LabelObjective
        The objective (larger is better).
    start : ndarray of shape (K,), default=None
        Offsets to start from; zeros when None.

    Returns
    -------
    offsets : ndarray of shape (K,)
        Offsets reached; ``start`` when no step improves.
    key : ndarray
        Rank key of ``argmax(scores + offsets)``: its objective first, at least
        the start's.
    n_rounds : int
        Rounds over all classes run (the last one found no gain).
    """
    n_classes = scores.shape[1]
    support = np.bincount(y, weights=w, minlength=n_classes)
    offsets = np.zeros(n_classes) if start is None else np.array(start, dtype=float)
    current = offset_key(scores, offsets, y, w, objective)
    n_rounds = 0
    for n_rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007
        improved = False
        for k in range(n_classes):
            key, offset = _sweep_class(scores, offsets, k, y, w, support, objective)
            if not key_improves(key, current):
                continue
            trial = offsets.copy()
            trial[k] = offset
            # The sweep's counts assume exact arithmetic; accept the step only
            # if the actual predictions confirm the gain.
            actual = offset_key(scores, trial, y, w, objective)
            if key_improves(actual, current):
                offsets, current, improved = trial, actual, True
        if not improved:
            break
    return offsets, current, n_rounds


# Bootstrap replicates of the noise rule, and rows per chunk.
N_BOOTSTRAP = 100
# A gain counts as real when it exceeds this many bootstrap standard errors
# (chosen on the studies of benchmarks/study_priors.py: 1 kept offsets tuned
# to noise of 25-row classes, 2 did not).
NOISE_SE = 2.0
_BOOTSTRAP_CHUNK = 1 << 14


def bootstrap_values(scores, y, w, objective, offset_list, seed=0):
    """Objective of each offset vector on Poisson-bootstrap replicates of the rows.

    Returns an array of shape (len(offset_list), N_BOOTSTRAP). Row weights are
    ``w`` times independent Poisson(1) draws, made chunk by chunk (memory
    ``N_BOOTSTRAP * _BOOTSTRAP_CHUNK``) from a generator seeded with ``seed``.
    """
    n, n_classes = scores.shape
    onehot_true = np.zeros((n, n_classes))
    onehot_true[np.arange(n), y] = 1.0
    preds = [np.argmax(scores + o, axis=1) for o in offset_list]
    shape = (len(offset_list), N_BOOTSTRAP, n_classes)
    tp, predicted = np.zeros(shape), np.zeros(shape)
    support = np.zeros(shape[1:])
    rng = np.random.default_rng(seed)
    for start in range(0, n, _BOOTSTRAP_CHUNK):
        rows = slice(start, min(start + _BOOTSTRAP_CHUNK, n))
        draws = rng.poisson(1.0, size=(N_BOOTSTRAP, rows.stop - start)) * w[rows]
        support += draws @ onehot_true[rows]
        for c, pred in enumerate(preds):
            onehot_pred = np.zeros((rows.stop - start, n_classes))
            onehot_pred[np.arange(rows.stop - start), pred[rows]] = 1.0
            predicted[c] += draws @ onehot_pred
            tp[c] += draws @ (onehot_pred * onehot_true[rows])
    return objective(tp, np.broadcast_to(support, tp.shape).copy(), predicted)


def noise_rule_choice(scores, y, w, objective, offset_list, values):
    """Index of the first (most regularised) offsets whose objective is within
    ``NOISE_SE`` bootstrap standard errors of the best (a k-standard-error rule).

    ``offset_list`` is ordered from the most to the least regularised and
    ``values`` holds their objectives on the rows. The standard error of the
    best's gain over a candidate is the spread of that gain over bootstrap
    replicates of the rows (paired: both scored on the same replicate); a
    candidate whose gain is within ``NOISE_SE`` standard errors is as good as
    the best,
    given the noise of the rows. Label callables take the best.
    """
    best = int(np.argmax(values))
    if not isinstance(objective, CountObjective) or best == 0:
        return best
    boot = bootstrap_values(scores, y, w, objective, offset_list)
    for c in range(best):
        gain = boot[best] - boot[c]
        gain = gain[np.isfinite(gain)]
        if gain.size < 2 or values[best] - values[c] <= NOISE_SE * gain.std(ddof=1):
            return c
    return best


def balanced_guard_choice(scores, y, w, guard, reference, offset_list, chosen):
    """Index of the offsets kept once the balanced-accuracy guard is applied.

    ``offset_list`` runs from the most to the least regularised (the offsets
    ``reference``, the prior correction, first when present) and ``chosen``
    is the noise rule's pick. Offsets are admissible when ``guard`` (the
    balanced accuracy, larger is better) on the rows is not below the
    reference's. The result is the first admissible index going from
    ``chosen`` back toward the start of the list; when none of
    ``0..chosen`` is admissible (possible only when the reference is not in
    the list), the one of them with the highest guard value.

    Returns
    -------
    index : int
        Index into ``offset_list``, at most ``chosen``.
    """
    floor = evaluate_offsets(scores, reference, y, w, guard)
    values = [evaluate_offsets(scores, o, y, w, guard) for o in offset_list]
    for c in range(chosen, -1, -1):
        if values[c] >= floor - _TOL:
            return c
    return int(np.argmax(values[: chosen + 1]))
