"""The audit's verdict: paired intervals, shared ranks, the winner or none.

Every strategy is scored on the same folds (``--cv`` stratified folds,
repeated ``--repeats`` times with other shuffles), so two strategies are
compared by their per-fold differences on the objective. The interval of
the mean difference is the corrected resampled t interval of Nadeau and
Bengio (2003), :func:`~skclassgap.metrics._paired.corrected_paired_interval`,
at ``--confidence``.

Why this interval and not a bootstrap over folds: the folds are few (25 by
default) and not independent. Training sets of k-fold cross-validation
overlap in ``(k - 2) / (k - 1)`` of their rows, and each repetition reuses
every row, so the per-fold differences are positively correlated. A
bootstrap over folds treats them as independent draws and gives intervals
that are too narrow (it resamples the folds' spread, which understates the
spread of the mean); with five or ten folds its percentiles are also coarse.
The corrected t interval widens the variance of the mean from ``s^2 / J`` to
``(1 / J + n_test / n_train) s^2`` to account for the overlap (Bouckaert and
Frank, 2004, recommend it for repeated cross-validation).

A strategy is named best only when its interval against the baseline
excludes 0 in the improving direction. Strategies whose paired interval
against their group's leader includes 0 share the leader's rank
(:func:`~skclassgap.metrics._paired.shared_ranks`).
"""

import numpy as np

from skclassgap.metrics._paired import corrected_paired_interval, shared_ranks

METHOD = "corrected resampled t (Nadeau and Bengio, 2003)"


def fold_ratio(n_splits):
    """``n_test / n_train`` of one fold of ``n_splits``-fold cross-validation."""
    return 1.0 / (n_splits - 1)


def interval_dict(interval):
    """A :class:`PairedInterval` as a JSON-able dict (NaN bounds become None)."""
    return {
        key: (None if np.isnan(value) else float(value))
        for key, value in interval._asdict().items()
    }


class Comparison:
    """Paired intervals between strategies scored on the same folds.

    Parameters
    ----------
    folds : dict
        Strategy name -> per-fold objective values, every array over the same
        folds in the same order.
    greater_is_better : bool
    ratio : float
        ``n_test / n_train`` of one fold.
    confidence : float
    """

    def __init__(self, folds, greater_is_better, ratio, confidence):
        self.folds = {n: np.asarray(v, dtype=np.float64) for n, v in folds.items()}
        self.greater = greater_is_better
        self.ratio = ratio
        self.confidence = confidence

    def interval(self, a, b):
        """The interval of ``a``'s score minus ``b``'s, fold by fold."""
        return corrected_paired_interval(
            self.folds[a] - self.folds[b], self.ratio, self.confidence
        )

    def improves(self, a, b):
        """Whether ``a`` is better than ``b``: the interval excludes 0 on the
        improving side."""
        interval = self.interval(a, b)
        return bool(interval.low > 0 if self.greater else interval.high < 0)

    def distinguishable(self, a, b):
        """Whether the interval of ``a`` against ``b`` excludes 0."""
        return self.interval(a, b).excludes_zero

    def order(self):
        """Names, best fold mean first (ties keep the given order)."""
        sign = -1.0 if self.greater else 1.0
        names = list(self.folds)
        means = {n: np.nanmean(self.folds[n]) for n in names}
        return sorted(names, key=lambda n: (sign * means[n], names.index(n)))

    def ranks(self, order):
        """Shared ranks: indistinguishable from the group's leader, same rank."""
        return shared_ranks(order, self.distinguishable)


def verdict(comparison, baseline="baseline"):
    """The facts of the closing lines from per-fold scores.

    Returns a dict: ``order`` (names, best mean first), ``ranks``,
    ``changes`` (name -> interval against the baseline, for every other
    strategy), ``best`` (the best-ranked strategy whose interval against the
    baseline excludes 0 on the improving side, or None), ``lead`` (``best``,
    else the best-ranked other strategy: the closest to the baseline's
    improvement; None without other strategies) and ``first_two`` (the lead
    and the next other strategy in the order, with the interval of their
    difference, or None).
    """
    order = comparison.order()
    ranks = comparison.ranks(order)
    others = [n for n in order if n != baseline]
    changes = {n: comparison.interval(n, baseline) for n in others}
    winners = [n for n in others if comparison.improves(n, baseline)]
    best = winners[0] if winners else None
    lead = best if best is not None else (others[0] if others else None)
    runner = next((n for n in others if n != lead), None)
    first_two = None
    if lead is not None and runner is not None:
        difference = comparison.interval(lead, runner)
        first_two = {
            "names": [lead, runner],
            "difference": difference,
            "distinguishable": difference.excludes_zero,
        }
    return {
        "order": order,
        "ranks": ranks,
        "changes": changes,
        "best": best,
        "lead": lead,
        "first_two": first_two,
    }


def verdict_result(facts, comparison, *, objective, column, n_splits, baseline):
    """The JSON-able ``verdict`` entry of the audit's result."""
    first_two = facts["first_two"]
    lead = facts["lead"]
    folds = comparison.folds
    return {
        "objective": objective,
        "column": column,
        "greater_is_better": comparison.greater,
        "confidence": comparison.confidence,
        "method": METHOD,
        "n_folds": int(len(folds[baseline])),
        "n_splits": int(n_splits),
        "test_train_ratio": comparison.ratio,
        "best": facts["best"],
        "lead": lead,
        "baseline_value": float(np.nanmean(folds[baseline])),
        "lead_value": None if lead is None else float(np.nanmean(folds[lead])),
        "change": None if lead is None else interval_dict(facts["changes"][lead]),
        "first_two": None
        if first_two is None
        else {
            "names": first_two["names"],
            "difference": interval_dict(first_two["difference"]),
            "distinguishable": first_two["distinguishable"],
        },
    }


def same_predictions(fits, names, n_folds):
    """Strategy -> the earlier strategy whose predictions it repeats on every fold.

    ``fits[name, i]`` is ``(predictions, seconds, error)`` of fold ``i``;
    strategies with a failed fold are left out. Two names for one set of
    predictions are one strategy: the later one is reported as merged into
    the earlier one (in the order of ``names``).
    """
    kept, same = [], {}
    for name in names:
        if any(fits[name, i][0] is None for i in range(n_folds)):
            continue
        match = next(
            (
                k
                for k in kept
                if all(
                    np.array_equal(fits[k, i][0], fits[name, i][0])
                    for i in range(n_folds)
                )
            ),
            None,
        )
        if match is None:
            kept.append(name)
        else:
            same[name] = match
    return same


def judge(outcomes, column, greater_is_better, args, baseline="baseline"):
    """Rank the strategies that ran and state the verdict.

    Sets ``rank`` on every outcome that ran and ``change`` (the interval
    against the baseline, and whether it ``improves``) on every one but the
    baseline. Returns the names best first and the JSON-able verdict.
    """
    folds = {
        name: outcome["metrics"][column]["folds"]
        for name, outcome in outcomes.items()
        if outcome["status"] == "ok"
    }
    comparison = Comparison(
        folds, greater_is_better, fold_ratio(args.cv), args.confidence
    )
    facts = verdict(comparison, baseline)
    for name, rank in facts["ranks"].items():
        outcomes[name]["rank"] = rank
    outcomes[baseline]["change"] = None
    for name, interval in facts["changes"].items():
        outcomes[name]["change"] = {
            **interval_dict(interval),
            "improves": comparison.improves(name, baseline),
        }
    result = verdict_result(
        facts,
        comparison,
        objective=args.objective,
        column=column,
        n_splits=args.cv,
        baseline=baseline,
    )
    return facts["order"], result
