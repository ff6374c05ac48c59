"""Exact searches and their kernels against brute-force references."""

import numpy as np
import pytest

from skclassgap._kernels import threshold as threshold_kernels
from skclassgap._kernels.threshold import (
    _class_breakpoints,
    _merge_sorted_counts,
    _mixed_candidates,
    _offset_counts,
)
from skclassgap.metrics import get_scorer_names
from skclassgap.metrics._scorer import label_metric
from skclassgap.threshold._search import (
    MAX_ROUNDS,
    BinaryCounts,
    CountObjective,
    LabelObjective,
    _sweep_class,
    balanced_guard_choice,
    best_index,
    binary_search,
    evaluate_offsets,
    key_improves,
    offset_search,
)
from tests.naive import (
    balanced_accuracy_naive,
    balanced_guard_naive,
    below_counts_naive,
    best_offset_naive,
    best_threshold_naive,
    class_breakpoints_naive,
    confusion_naive,
    mixed_candidates_naive,
)

NAMES = get_scorer_names()
# Hundreds of random cases for the main objectives, a few dozen for the rest.
MAIN = {"g_mean", "macro_f1", "worst_class_recall", "neg_class_gap"}


def _label_func(name):
    """Objective on label arrays through the public label metric (not the counts)."""
    metric = label_metric(name)
    sign = 1.0 if metric.greater_is_better else -1.0

    def func(y_true, y_pred):
        return sign * metric.score_func(y_true, y_pred, **metric.kwargs)

    return func


def _count_objective(name, monotone=False):
    metric = label_metric(name)
    sign = 1.0 if metric.greater_is_better else -1.0
    return CountObjective(metric.from_counts, sign, monotone=monotone)


def _curve(scores, y, w, objective):
    """Every candidate threshold and the count objective there, as
    ThresholdCalibrator builds ``thresholds_`` and ``objective_values_``."""
    counts = BinaryCounts(scores, y, w)
    return counts.thresholds(), counts.values(objective)


def _binary_case(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    y = rng.random(n) < rng.uniform(0.1, 0.9)
    y[:2] = [False, True]  # both classes present
    kind = seed % 3
    if kind == 0:  # many ties
        scores = rng.integers(0, 4, n).astype(float)
    elif kind == 1:  # continuous
        scores = rng.normal(size=n) + y
    else:  # constant
        scores = np.full(n, rng.normal())
    return scores, y.astype(np.int64)


@pytest.mark.parametrize("name", NAMES)
def test_binary_counts_match_brute_force(name):
    """Check that the curve's optimum equals a brute force over every threshold, on
    hundreds of random cases with ties and constant scores, and that the chosen
    threshold reproduces it through the label metric."""
    func = _label_func(name)
    for seed in range(200 if name in MAIN else 24):
        scores, y = _binary_case(seed)
        objective = _count_objective(name)
        thresholds, values = _curve(scores, y, np.ones(len(y)), objective)
        best = best_index(values)
        expected = best_threshold_naive(scores, y, func)
        assert values[best] == pytest.approx(expected, abs=1e-12)
        reached = func(y, (scores >= thresholds[best]).astype(int))
        assert reached == pytest.approx(expected, abs=1e-12)
        assert np.all(np.diff(thresholds) > 0)
        # The pruned search (monotone objectives) reaches the same optimum.
        monotone = not name.startswith("neg_class_gap")
        counts, index, found, chosen = binary_search(
            scores, y, np.ones(len(y)), _count_objective(name, monotone)
        )
        assert found.max() == pytest.approx(expected, abs=1e-12)
        reached = func(y, (scores >= counts.thresholds([chosen])[0]).astype(int))
        assert reached == pytest.approx(expected, abs=1e-12)


# Scores whose mid-point with the next float up rounds back down to them: no
# float lies strictly between the two, so the threshold must be the upper one.
ADJACENT_LOW = [1.0, -1.0, 0.0, 1e300]


@pytest.mark.parametrize("low", ADJACENT_LOW)
@pytest.mark.parametrize("kind", ["monotone", "every", "callable"])
def test_binary_search_splits_adjacent_floats(low, kind):
    """Check that a negative row at ``low`` and a positive row at the next float
    up are told apart: the best threshold is the upper score itself (a
    mid-point would round down to ``low`` and predict both rows positive), so
    ``scores >= threshold`` reproduces y and reaches g-mean 1."""
    scores = np.array([low, np.nextafter(low, np.inf)])
    y = np.array([0, 1])
    if kind == "callable":
        objective = LabelObjective(_label_func("g_mean"), np.array([0, 1]))
    else:
        objective = _count_objective("g_mean", monotone=kind == "monotone")
    counts, _, values, best = binary_search(scores, y, np.ones(2), objective)
    threshold = counts.thresholds([best])[0]
    assert threshold == scores[1]
    np.testing.assert_array_equal((scores >= threshold).astype(int), y)
    assert values.max() == 1.0
    assert np.all(np.diff(counts.thresholds()) > 0)


@pytest.mark.kernel
@pytest.mark.parametrize("n_neg, n_pos", [(0, 5), (5, 0), (1, 1), (30, 12)])
def test_merge_sorted_counts_matches_naive(n_neg, n_pos):
    """Check distinct values and counts at or below each against a double loop,
    with ties within and across the two arrays and one empty side."""
    rng = np.random.default_rng(n_neg + n_pos)
    neg = np.sort(rng.integers(0, 8, n_neg).astype(float))
    pos = np.sort(rng.integers(0, 8, n_pos).astype(float))
    values, below_neg, below_pos = below_counts_naive(neg, pos)
    distinct, below, below_pos_got = _merge_sorted_counts(neg, pos)
    np.testing.assert_array_equal(distinct, values)
    np.testing.assert_array_equal(below, np.r_[0.0, below_neg + below_pos])
    np.testing.assert_array_equal(below_pos_got, np.r_[0.0, below_pos])


@pytest.mark.kernel
@pytest.mark.parametrize("seed", range(6))
def test_mixed_candidates_matches_naive(seed):
    """Check the candidates kept for monotone objectives against a loop over groups."""
    scores, y = _binary_case(seed)
    neg, pos = np.sort(scores[y == 0]), np.sort(scores[y == 1])
    _, below, below_pos = _merge_sorted_counts(neg, pos)
    expected = mixed_candidates_naive(scores, y)
    np.testing.assert_array_equal(_mixed_candidates(below, below_pos), expected)


def test_binary_counts_curve_matches_label_metric():
    """Check that every point of the curve equals the label metric at that threshold."""
    scores, y = _binary_case(4)
    func = _label_func("macro_f1")
    w = np.ones(len(y))
    thresholds, values = _curve(scores, y, w, _count_objective("macro_f1"))
    expected = [func(y, (scores >= t).astype(int)) for t in thresholds]
    np.testing.assert_allclose(values, expected, atol=1e-12)
    assert thresholds[0] == -np.inf and thresholds[-1] == np.inf


def test_binary_search_callable_matches_count_objective():
    """Check that a label callable, evaluated at every candidate (fewer than
    MAX_CALLABLE_CANDIDATES), gives the count form's curve and optimum."""
    scores, y = _binary_case(7)
    classes = np.array(["neg", "pos"])
    func = _label_func("g_mean")
    w = np.ones(len(y))
    t_count, v_count = _curve(scores, y, w, _count_objective("g_mean"))
    counts, index, v_call, best = binary_search(
        scores, y, w, LabelObjective(func, classes)
    )
    np.testing.assert_array_equal(t_count, counts.thresholds(index))
    np.testing.assert_allclose(v_count, v_call, atol=1e-12)
    assert best == best_index(v_count)


def _multiclass_case(seed, n_classes=4, ties=False):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(n_classes, 40))
    y = rng.integers(0, n_classes, n)
    y[:n_classes] = np.arange(n_classes)
    if ties:
        scores = rng.integers(-2, 3, (n, n_classes)).astype(float)
        offsets = rng.integers(-1, 2, n_classes).astype(float)
    else:
        scores = rng.normal(size=(n, n_classes))
        scores[np.arange(n), y] += 1.0
        offsets = rng.normal(scale=0.5, size=n_classes)
    return np.ascontiguousarray(scores), y.astype(np.int64), offsets


@pytest.mark.kernel
@pytest.mark.parametrize("ties", [False, True])
def test_class_breakpoints_matches_naive(ties):
    """Check breakpoints and runner-up classes (first index on ties) against a loop."""
    scores, _, offsets = _multiclass_case(3, ties=ties)
    for k in range(scores.shape[1]):
        b, a = _class_breakpoints(scores, offsets, k)
        b_ref, a_ref = class_breakpoints_naive(scores, offsets, k)
        np.testing.assert_array_equal(b, b_ref)
        np.testing.assert_array_equal(a, a_ref)


@pytest.mark.kernel
def test_offset_counts_matches_confusion():
    """Check tp and predicted counts of argmax(scores + offsets) against a loop."""
    scores, y, offsets = _multiclass_case(5, ties=True)
    tp, predicted = _offset_counts(scores, offsets, y, np.ones(len(y)))
    pred = np.argmax(scores + offsets, axis=1)
    counts = confusion_naive(y, pred, list(range(scores.shape[1])))
    np.testing.assert_array_equal(tp, np.diag(counts))
    np.testing.assert_array_equal(predicted, counts.sum(axis=0))


@pytest.mark.kernel
@pytest.mark.parametrize("name", sorted(MAIN))
@pytest.mark.parametrize("ties", [False, True])
def test_sweep_class_matches_brute_force(name, ties):
    """Check that each one-dimensional sweep reaches the brute-force optimum over
    every region of the class's offset, and that its offset reproduces it."""
    func = _label_func(name)
    for seed in range(12):
        scores, y, offsets = _multiclass_case(seed, ties=ties)
        support = np.bincount(y, minlength=scores.shape[1]).astype(float)
        for k in range(scores.shape[1]):
            key, offset = _sweep_class(
                scores, offsets, k, y, np.ones(len(y)), support, _count_objective(name)
            )
            value = key[0]
            expected = best_offset_naive(scores, offsets, k, y, func)
            assert value == pytest.approx(expected, abs=1e-12)
            trial = offsets.copy()
            trial[k] = offset
            assert func(y, np.argmax(scores + trial, axis=1)) == pytest.approx(
                expected, abs=1e-12
            )


@pytest.mark.parametrize("name", ["g_mean", "worst_class_recall", "balanced_accuracy"])
def test_offset_search_is_coordinatewise_optimal(name):
    """Check that the search ends at a point no single offset can improve, never
    below the zero-offset objective, and that its value is the label metric's."""
    func = _label_func(name)
    for seed in range(10):
        scores, y, _ = _multiclass_case(seed)
        w = np.ones(len(y))
        offsets, key, n_rounds = offset_search(scores, y, w, _count_objective(name))
        value = key[0]
        zero = func(y, np.argmax(scores, axis=1))
        assert value >= zero - 1e-12
        reached = func(y, np.argmax(scores + offsets, axis=1))
        assert value == pytest.approx(reached, abs=1e-12)
        assert n_rounds < MAX_ROUNDS
        for k in range(scores.shape[1]):
            assert best_offset_naive(scores, offsets, k, y, func) <= value + 1e-12


# Rounds of the ascent on the seeded cases of _multiclass_case(0..9): the last
# round finds no gain, so one round means "no step at all".
_ROUNDS = {
    "g_mean": [2, 3, 2, 2, 2, 2, 2, 2, 2, 2],
    "worst_class_recall": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    "balanced_accuracy": [2, 3, 2, 4, 2, 2, 2, 2, 2, 2],
}


@pytest.mark.parametrize("name", sorted(_ROUNDS))
def test_offset_search_stops_when_no_step_gains(name):
    """Check that the ascent ends as soon as a round finds no strict gain: on
    seeded 4-class cases it runs the few rounds pinned in _ROUNDS (far below
    MAX_ROUNDS), and restarted from its own end point it runs one round and
    returns the same offsets and key. A search that counted ties as gains
    would keep stepping between equal points until MAX_ROUNDS."""
    objective = _count_objective(name)
    rounds = []
    for seed in range(10):
        scores, y, _ = _multiclass_case(seed)
        w = np.ones(len(y))
        offsets, key, n_rounds = offset_search(scores, y, w, objective)
        rounds.append(n_rounds)
        again, key_again, n_again = offset_search(scores, y, w, objective, offsets)
        assert n_again == 1
        np.testing.assert_array_equal(again, offsets)
        np.testing.assert_array_equal(key_again, key)
    assert rounds == _ROUNDS[name]


@pytest.mark.parametrize(
    "new, old, expected",
    [
        ([0.5, 0.1, 0.2], [0.5, 0.1, 0.2], False),  # equal keys
        ([0.5 + 1e-13, 0.1], [0.5, 0.1], False),  # within the tolerance
        ([0.5 - 1e-13, 0.3], [0.5, 0.1], True),  # tie within _TOL, then larger
        ([0.5, 0.3], [0.5, 0.1], True),  # tie, then larger
        ([0.5, 0.0], [0.5, 0.1], False),  # tie, then smaller
        ([0.6, 0.0], [0.5, 0.1], True),  # larger first entry wins
        ([0.4, 1.0], [0.5, 0.1], False),  # smaller first entry loses
    ],
)
def test_key_improves_is_strict(new, old, expected):
    """Check that a rank key improves only when, at the first entry differing
    by more than _TOL, it is larger: equal keys and ties are no gain."""
    assert key_improves(np.array(new), np.array(old)) is expected


def test_offset_search_callable_matches_count_objective():
    """Check that a label callable follows the same ascent as the count form."""
    scores, y, _ = _multiclass_case(11)
    w = np.ones(len(y))
    classes = np.array(["a", "b", "c", "d"])
    func = _label_func("g_mean")
    off_count, k_count, _ = offset_search(scores, y, w, _count_objective("g_mean"))
    off_call, k_call, _ = offset_search(scores, y, w, LabelObjective(func, classes))
    np.testing.assert_array_equal(off_count, off_call)
    np.testing.assert_allclose(k_count, k_call, atol=1e-12)
    v_call = k_call[0]
    assert evaluate_offsets(scores, off_call, y, w, _count_objective("g_mean")) == (
        pytest.approx(v_call, abs=1e-12)
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_counts_weighted_equal_repeated_rows(seed):
    """Check that integer weights give the curve of rows repeated that many times
    (the weighted argsort path against the unit-weight merge path)."""
    scores, y = _binary_case(seed)
    w = np.random.default_rng(seed).integers(1, 4, len(y))
    objective = _count_objective("macro_f1")
    t_w, v_w = _curve(scores, y, w.astype(float), objective)
    repeated = np.repeat(scores, w), np.repeat(y, w), np.ones(w.sum())
    t_r, v_r = _curve(*repeated, objective)
    np.testing.assert_array_equal(t_w, t_r)
    np.testing.assert_allclose(v_w, v_r, atol=1e-12)


def test_offset_search_leaves_max_min_plateau():
    """Check that worst-class recall moves past a plateau where no single offset
    raises the minimum: A and B both miss one row to C (margins 0.5 and 1.5) and
    C's rows sit 1.0 from A. Raising A alone (or lowering C by less than 1) keeps
    the minimum at B's 0.5, so a search that takes only gains stops there; the
    leximin ranking raises A first, then B, and reaches recall 1 everywhere."""
    scores = np.array(
        [
            [1.0, -5.0, -5.0],  # A, right
            [0.0, -5.0, 0.5],  # A, predicted C
            [-5.0, 1.0, -5.0],  # B, right
            [-5.0, 0.0, 1.5],  # B, predicted C
            *[[0.0, -5.0, 1.0]] * 4,  # C, right; flip to A past 1.0
        ]
    )
    y = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    w = np.ones(len(y))
    objective = _count_objective("worst_class_recall")
    assert evaluate_offsets(scores, np.zeros(3), y, w, objective) == 0.5
    offsets, key, n_rounds = offset_search(scores, y, w, objective)
    assert key[0] == 1.0
    np.testing.assert_array_equal(np.argmax(scores + offsets, axis=1), y)
    assert n_rounds == 2  # A and B raised in the first round, none in the second


def _twin_outputs(pick, scores, y, w, k):
    """Every kernel (``pick=_kernel``) or NumPy twin (``pick=_twin``) on one case."""

    def call(kernel, *args):
        return pick(kernel)(*args)

    n_classes = scores.shape[1]
    offsets = np.linspace(-0.3, 0.3, n_classes)
    b, a = call(threshold_kernels._class_breakpoints, scores, offsets, k)
    order = np.argsort(b, kind="stable").astype(np.int64)
    bs = b[order]
    ends = np.append(np.flatnonzero(bs[1:] != bs[:-1]) + 1, bs.shape[0])
    tp, predicted = call(threshold_kernels._base_counts, y, w, a, n_classes)
    half = ends.shape[0] // 2
    outs = [b, a, tp.copy(), predicted.copy()]
    for lo, hi in ((0, half), (half, ends.shape[0])):  # two chunks, state carried
        bounds = np.concatenate(([ends[lo - 1] if lo else 0], ends[lo:hi]))
        tp_out = np.empty((hi - lo, n_classes))
        pred_out = np.empty_like(tp_out)
        call(
            threshold_kernels._offset_count_path,
            order,
            bounds.astype(np.int64),
            y,
            w,
            a,
            k,
            tp,
            predicted,
            tp_out,
            pred_out,
        )
        outs += [tp_out, pred_out, tp.copy(), predicted.copy()]
    outs += list(call(threshold_kernels._offset_counts, scores, offsets, y, w))
    positive = y == 1
    neg, pos = np.sort(scores[~positive, 0]), np.sort(scores[positive, 0])
    merged = call(threshold_kernels._merge_sorted_counts, neg, pos)
    outs += [*merged, call(threshold_kernels._mixed_candidates, merged[1], merged[2])]
    return outs


def _kernel(kernel):
    return kernel


def _twin(kernel):
    return threshold_kernels.NUMPY_TWINS[kernel]


def test_numpy_twins_table_covers_every_kernel():
    """Check that NUMPY_TWINS maps every kernel of the module to a plain function
    of the same name plus "_numpy" (the naming is a convention, the table is
    what the searches read)."""
    kernels = {
        name: obj
        for name, obj in vars(threshold_kernels).items()
        if callable(obj) and getattr(obj, "__skclassgap_fastmath__", None) is not None
    }
    twins = threshold_kernels.NUMPY_TWINS
    assert set(twins) == set(kernels.values())
    for name, kernel in kernels.items():
        assert twins[kernel].__name__ == name + "_numpy"


@pytest.mark.kernel
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_numpy_twins_equal_kernels_bit_for_bit(seed, ties):
    """Check that each NumPy twin returns exactly the kernel's arrays (ties,
    fractional weights, count paths split in two chunks), so that the size at
    which the searches switch between them cannot change a result."""
    scores, y, _ = _multiclass_case(seed, ties=ties)
    w = np.random.default_rng(seed).uniform(0.1, 3.0, len(y))
    for k in range(scores.shape[1]):
        kernel = _twin_outputs(_kernel, scores, y, w, k)
        twin = _twin_outputs(_twin, scores, y, w, k)
        for got, expected in zip(twin, kernel, strict=True):
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected)


_FIRST_FIT = """
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    import skclassgap._kernels as kernels_package
    from skclassgap.threshold import ThresholdCalibrator
    import pkgutil, importlib

    X, y = make_classification(n_samples=1000, n_features=10, random_state=0)
    ThresholdCalibrator(LogisticRegression()).fit(X, y)
    X, y = make_classification(
        n_samples=600, n_features=10, n_informative=5, n_classes=4, random_state=0
    )
    ThresholdCalibrator(LogisticRegression(), objective="worst_class_recall").fit(X, y)
    compiled = []
    for info in pkgutil.iter_modules(kernels_package.__path__):
        module = importlib.import_module("skclassgap._kernels." + info.name)
        for name, obj in vars(module).items():
            if getattr(obj, "signatures", None):
                compiled.append(info.name + "." + name)
    print(sorted(compiled))
"""


@pytest.mark.slow
def test_threshold_calibrator_small_fit_compiles_no_kernel(tmp_path):
    """Check that in a fresh process with an empty numba cache, fitting on 1,000
    binary rows and 600 multiclass rows compiles no numba kernel at all (NumPy
    twins below KERNEL_MIN_ROWS), so the first fit never waits for numba."""
    import os
    import subprocess
    import sys
    import textwrap

    env = {**os.environ, "SKCLASSGAP_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_FIRST_FIT)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("reference_in_list", [True, False])
def test_balanced_guard_choice_matches_naive(seed, reference_in_list):
    """Check that the guard walks back from the noise rule's pick to the first
    offsets whose (weighted) balanced accuracy is not below the reference's,
    and takes the highest one when none is, as a loop over rows does."""
    scores, y, reference = _multiclass_case(seed, n_classes=5)
    rng = np.random.default_rng(seed)
    w = rng.integers(1, 4, len(y)).astype(float)
    offset_list = [reference + rng.normal(scale=1.0, size=5) for _ in range(5)]
    if reference_in_list:
        offset_list[0] = reference
    chosen = int(rng.integers(0, 5))
    guard = _count_objective("balanced_accuracy")
    got = balanced_guard_choice(scores, y, w, guard, reference, offset_list, chosen)
    assert got == balanced_guard_naive(scores, y, w, reference, offset_list, chosen)
    floor = balanced_accuracy_naive(y, np.argmax(scores + reference, axis=1), w)
    value = balanced_accuracy_naive(y, np.argmax(scores + offset_list[got], axis=1), w)
    if reference_in_list:
        assert value >= floor - 1e-12


def test_balanced_guard_choice_falls_back_to_highest_balanced_accuracy():
    """Check that without an admissible point the guard keeps the pick's side of
    the list and takes its highest balanced accuracy: rows of class k score 1 on
    k, so the reference (zeros) is perfect and pushing class 0 up costs recall
    to the others, more the further it is pushed."""
    y = np.repeat(np.arange(3), 4).astype(np.int64)
    scores = np.eye(3)[y] + np.linspace(0.0, 0.3, 12)[:, None] * [0.0, 1.0, -1.0]
    scores = np.ascontiguousarray(scores)
    w = np.ones(12)
    guard = _count_objective("balanced_accuracy")
    reference = np.zeros(3)
    offset_list = [np.array([b, 0.0, 0.0]) for b in (1.6, 1.15, 1.5, 1.05)]
    values = [
        balanced_accuracy_naive(y, np.argmax(scores + o, axis=1), w)
        for o in offset_list
    ]
    assert values[1] > values[0] and values[3] > values[1] and values[3] < 1.0
    assert balanced_guard_choice(scores, y, w, guard, reference, offset_list, 2) == 1
    assert balanced_guard_choice(scores, y, w, guard, reference, offset_list, 3) == 3
