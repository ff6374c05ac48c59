"""Tests of the audit's verdict (``skclassgap.cli.audit._verdict``) and of its
closing lines (``skclassgap.cli.audit._render_text.story_lines``)."""

from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from skclassgap.cli.audit._render_text import story_lines
from skclassgap.cli.audit._verdict import judge, same_predictions

K = 5  # folds of one repetition
J = 25  # folds in all (5 repetitions)


def _args(confidence=0.95, cv=K):
    return SimpleNamespace(cv=cv, confidence=confidence, objective="g_mean")


def _outcomes(folds):
    return {
        name: {"status": "ok", "metrics": {"g_mean": {"folds": list(values)}}}
        for name, values in folds.items()
    }


def _direct(differences, k=K, confidence=0.95):
    """The corrected resampled t interval written out (Nadeau & Bengio, 2003)."""
    d = np.asarray(differences, dtype=float)
    n = len(d)
    var = (1 / n + 1 / (k - 1)) * np.sum((d - d.mean()) ** 2) / (n - 1)
    half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * np.sqrt(var)
    return d.mean(), d.mean() - half, d.mean() + half


def _result(folds, worst_recalls, confidence=0.95):
    """The parts of an audit result the closing lines read."""
    outcomes = _outcomes(folds)
    ranked, verdict = judge(outcomes, "g_mean", True, _args(confidence))
    lead = verdict["lead"]
    return {
        "data": {"n_rows": 1000},
        "strategies": outcomes,
        "ranking": ranked,
        "verdict": verdict,
        "story": {
            "worst_class": "rare",
            "worst_class_support": 40,
            "worst_class_recall": worst_recalls["baseline"],
            "all_classes_equal": False,
            "lead": lead,
            "lead_worst_class_recall": None if lead is None else worst_recalls[lead],
        },
    }


RNG = np.random.default_rng(0)
BASE = 0.60 + RNG.normal(0, 0.03, J)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_judge_intervals_equal_the_direct_formula(confidence):
    """Check that each strategy's change against the baseline, as the audit's
    result carries it, is the mean of the per-fold differences with the
    corrected resampled t interval computed by hand, at every level."""
    rng = np.random.default_rng(1)
    folds = {
        "baseline": BASE,
        "a": BASE + 0.05 + rng.normal(0, 0.02, J),
        "b": BASE - 0.01 + rng.normal(0, 0.05, J),
    }
    outcomes = _outcomes(folds)
    judge(outcomes, "g_mean", True, _args(confidence))
    for name in ("a", "b"):
        mean, low, high = _direct(folds[name] - folds["baseline"], K, confidence)
        change = outcomes[name]["change"]
        assert change["mean"] == pytest.approx(mean, rel=1e-12)
        assert change["low"] == pytest.approx(low, rel=1e-12)
        assert change["high"] == pytest.approx(high, rel=1e-12)
        assert change["improves"] == (low > 0)
    assert outcomes["baseline"]["change"] is None


def test_judge_shares_ranks_between_indistinguishable_strategies():
    """Check that strategies whose interval against the first of their rank
    includes 0 share its rank, and that a distinguishable one starts its own
    (competition ranking)."""
    folds = {
        "baseline": BASE,
        "a": BASE + 0.100,
        "b": BASE + 0.099 + np.tile([0.01, -0.01], J)[:J],  # a's twin
        "c": BASE + 0.050,
    }
    outcomes = _outcomes(folds)
    ranked, _ = judge(outcomes, "g_mean", True, _args())
    assert ranked == ["a", "b", "c", "baseline"]
    assert [outcomes[n]["rank"] for n in ranked] == [1, 1, 3, 4]


def test_story_lines_name_a_clear_winner_with_its_interval():
    """Check the closing lines when one strategy beats the baseline and is
    distinguishable from the next: its name, the fold means, the change and its
    interval as [low, high], the worst class's recall, and no tie line."""
    rng = np.random.default_rng(2)
    folds = {
        "baseline": BASE,
        "smote": BASE + 0.20 + rng.normal(0, 0.1, J),
        "threshold": BASE + 0.01 + rng.normal(0, 0.02, J),
    }
    result = _result(folds, {"baseline": 0.1, "smote": 0.7, "threshold": 0.3})
    lines = story_lines(result)
    mean, low, high = _direct(folds["smote"] - BASE)
    assert high - low >= 0.1  # bounds printed with two decimals
    assert result["verdict"]["best"] == "smote"
    assert lines[0] == "baseline: worst class 'rare' (40 of 1000 rows), recall 0.100"
    assert lines[1] == (
        f"best by g_mean: smote, g_mean {BASE.mean():.3f} -> "
        f"{folds['smote'].mean():.3f}, change {mean:+.3f} [{low:+.2f}, {high:+.2f}] "
        "(95 % interval over 25 folds); recall of class 'rare' 0.100 -> 0.700"
    )
    assert len(lines) == 2


def test_story_lines_name_no_winner_inside_the_noise():
    """Check that a best mean whose interval includes 0 is not called best: the
    lines say no strategy is distinguishable and name the closest with its
    interval."""
    rng = np.random.default_rng(3)
    folds = {
        "baseline": BASE,
        "logit_adjustment": BASE + 0.004 + rng.normal(0, 0.02, J),
        "class_weight": BASE - 0.03 + rng.normal(0, 0.02, J),
    }
    result = _result(folds, {"baseline": 0.8, "logit_adjustment": 0.8})
    lines = story_lines(result)
    mean, low, high = _direct(folds["logit_adjustment"] - BASE)
    assert low < 0 < high
    assert result["verdict"]["best"] is None
    assert result["verdict"]["lead"] == "logit_adjustment"
    decimals = 2 if high - low >= 0.1 else 3
    assert lines[1] == (
        "no strategy is distinguishable from the baseline on g_mean at the 95 % "
        f"level; the closest, logit_adjustment: g_mean {BASE.mean():.3f} -> "
        f"{folds['logit_adjustment'].mean():.3f}, change {mean:+.3f} "
        f"[{low:+.{decimals}f}, {high:+.{decimals}f}] (95 % interval over 25 folds)"
    )
    assert not any(line.startswith("best by") for line in lines)


def test_story_lines_say_when_the_first_two_tie():
    """Check that a winner whose interval against the runner-up includes 0 is
    named with a line saying the two are not distinguishable from each other,
    with the interval of their difference."""
    rng = np.random.default_rng(4)
    folds = {
        "baseline": BASE,
        "gaussian": BASE + 0.30 + rng.normal(0, 0.05, J),
        "smote": BASE + 0.29 + rng.normal(0, 0.05, J),
    }
    result = _result(folds, {"baseline": 0.0, "gaussian": 0.7, "smote": 0.6})
    lines = story_lines(result)
    first, second = result["ranking"][:2]
    mean, low, high = _direct(folds[first] - folds[second])
    assert low < 0 < high
    assert lines[1].startswith(f"best by g_mean: {first}, ")
    decimals = 2 if high - low >= 0.1 else 3
    assert lines[2] == (
        f"{first} and {second} are not distinguishable from each other on g_mean at "
        f"the 95 % level (difference {mean:+.3f} [{low:+.{decimals}f}, "
        f"{high:+.{decimals}f}])"
    )
    assert result["verdict"]["first_two"]["distinguishable"] is False


def test_judge_lower_is_better_objective_improves_downwards():
    """Check that for a lower-is-better column (class gap) the winner is the
    strategy whose interval lies below 0."""
    folds = {"baseline": BASE, "down": BASE - 0.2, "up": BASE + 0.2}
    outcomes = _outcomes(folds)
    ranked, verdict = judge(outcomes, "g_mean", False, _args())
    assert ranked == ["down", "baseline", "up"]
    assert verdict["best"] == "down"
    assert outcomes["down"]["change"]["improves"]
    assert not outcomes["up"]["change"]["improves"]


def test_same_predictions_merges_only_identical_folds():
    """Check that a strategy predicting exactly what an earlier one predicts on
    every fold is merged into it, and that one differing row keeps it apart."""
    pred = [np.array([0, 1, 1]), np.array([1, 0, 0])]
    other = [np.array([0, 1, 1]), np.array([1, 0, 1])]
    fits = {}
    for name, values in {"base": pred, "copy": pred, "near": other}.items():
        for i, v in enumerate(values):
            fits[name, i] = (v.copy(), 0.0, None)
    fits["broken", 0] = fits["broken", 1] = (None, 0.0, "ValueError")
    same = same_predictions(fits, ["base", "copy", "near", "broken"], 2)
    assert same == {"copy": "base"}
