"""The mitigations ``skclassgap audit`` compares: a registry of Pipeline factories.

Each strategy names the module it needs and a factory that builds an unfitted
estimator from the audit's preprocessor and base model. The module is imported
only when the strategy is built, so a strategy whose family is not installed
(or not merged yet) is reported as *unavailable* instead of failing the audit.
A factory may also decline a combination (e.g. class weights for a model that
takes neither ``class_weight`` nor ``sample_weight``) with a note.

Names the factories rely on (public contract of DESIGN.md):

- ``skclassgap.cost_sensitive.CostSensitiveClassifier(estimator, *,
  class_weight="balanced", random_state=...)``
- ``skclassgap.over_sampling.SMOTE(*, k_neighbors=..., random_state=...)``
- ``skclassgap.over_sampling.GaussianOverSampler(*, random_state=...)``
- ``skclassgap.compose.ResampledClassifier(estimator, *, sampler)``
- ``skclassgap.threshold.ThresholdCalibrator(estimator, *, objective=..., cv=...)``
- ``skclassgap.threshold.LogitAdjustedClassifier(estimator, *, tau=1.0)``
- ``skclassgap.spectral.SpectralBalancer()``
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass


def clone(estimator):
    """``sklearn.base.clone``, imported on first use (keeps ``--help`` fast)."""
    from sklearn.base import clone as sklearn_clone

    return sklearn_clone(estimator)


class StrategyUnavailable(Exception):
    """The strategy cannot run here; the message says why (shown as a note)."""


@dataclass(frozen=True)
class Context:
    """What every factory may use."""

    preprocessor: object
    model: object
    objective: str
    random_state: int
    min_train_class: int  # rows of the smallest class in a training fold


@dataclass(frozen=True)
class Built:
    """An unfitted estimator, the fit parameters it needs per fold, and a note."""

    estimator: object
    fit_params: Callable | None = None  # y_train -> dict of fit parameters
    note: str = ""


@dataclass(frozen=True)
class Strategy:
    """A named mitigation: summary, module to import lazily, factory."""

    name: str
    summary: str
    modules: tuple
    factory: Callable  # (context, *modules) -> Built


def _pipeline(context, *steps):
    from sklearn.pipeline import Pipeline

    return Pipeline([("preprocess", clone(context.preprocessor)), *steps])


def _baseline(context):
    return Built(_pipeline(context, ("model", clone(context.model))))


def _class_weight(context):
    from sklearn.utils.class_weight import compute_sample_weight
    from sklearn.utils.validation import has_fit_parameter

    model = clone(context.model)
    name = type(model).__name__
    if "class_weight" in model.get_params():
        model.set_params(class_weight="balanced")
        return Built(
            _pipeline(context, ("model", model)), note="class_weight='balanced'"
        )
    if has_fit_parameter(model, "sample_weight"):
        return Built(
            _pipeline(context, ("model", model)),
            fit_params=lambda y: {
                "model__sample_weight": compute_sample_weight("balanced", y)
            },
            note="balanced sample_weight",
        )
    raise StrategyUnavailable(
        f"{name} takes neither class_weight nor sample_weight; "
        "cost_sensitive or smote work for it"
    )


def _cost_sensitive(context, cost_sensitive):
    model = cost_sensitive.CostSensitiveClassifier(
        clone(context.model), class_weight="balanced", random_state=context.random_state
    )
    return Built(_pipeline(context, ("model", model)), note="class_weight='balanced'")


def _resampled(context, over_sampling, compose, sampler):
    model = compose.ResampledClassifier(clone(context.model), sampler=sampler)
    return Built(_pipeline(context, ("model", model)))


def _smote(context, over_sampling, compose):
    k = min(5, context.min_train_class - 1)
    if k < 1:
        raise StrategyUnavailable(
            "a class has a single row in a training fold; SMOTE needs two"
        )
    sampler = over_sampling.SMOTE(k_neighbors=k, random_state=context.random_state)
    built = _resampled(context, over_sampling, compose, sampler)
    return Built(built.estimator, note=f"k_neighbors={k}")


def _gaussian(context, over_sampling, compose):
    sampler = over_sampling.GaussianOverSampler(random_state=context.random_state)
    return _resampled(context, over_sampling, compose, sampler)


def _threshold(context, threshold):
    inner = min(3, context.min_train_class)
    if inner < 2:
        raise StrategyUnavailable(
            "a class has a single row in a training fold; inner cross-validation "
            "needs two"
        )
    model = threshold.ThresholdCalibrator(
        clone(context.model), objective=context.objective, cv=inner
    )
    return Built(
        _pipeline(context, ("model", model)),
        note=f"objective={context.objective}, inner cv={inner}",
    )


def _logit_adjustment(context, threshold):
    model = threshold.LogitAdjustedClassifier(clone(context.model), tau=1.0)
    return Built(_pipeline(context, ("model", model)), note="tau=1")


def _spectral_balancing(context, spectral):
    steps = [("balance", spectral.SpectralBalancer()), ("model", clone(context.model))]
    return Built(_pipeline(context, *steps))


STRATEGIES = {
    s.name: s
    for s in [
        Strategy("baseline", "the model as is", (), _baseline),
        Strategy(
            "class_weight", "scikit-learn's balanced class weights", (), _class_weight
        ),
        Strategy(
            "cost_sensitive",
            "CostSensitiveClassifier with balanced class weights",
            ("skclassgap.cost_sensitive",),
            _cost_sensitive,
        ),
        Strategy(
            "smote",
            "SMOTE oversampling to balance, then fit",
            ("skclassgap.over_sampling", "skclassgap.compose"),
            _smote,
        ),
        Strategy(
            "gaussian_oversampling",
            "Gaussian oversampling to balance, then fit",
            ("skclassgap.over_sampling", "skclassgap.compose"),
            _gaussian,
        ),
        Strategy(
            "threshold",
            "threshold / per-class offsets tuned on inner out-of-fold scores",
            ("skclassgap.threshold",),
            _threshold,
        ),
        Strategy(
            "logit_adjustment",
            "decisions shifted by the log class priors",
            ("skclassgap.threshold",),
            _logit_adjustment,
        ),
        Strategy(
            "spectral_balancing",
            "SpectralBalancer whitening before the model",
            ("skclassgap.spectral",),
            _spectral_balancing,
        ),
    ]
}

DEFAULT_STRATEGIES = [name for name in STRATEGIES if name != "baseline"]


def build(name, context):
    """Build strategy ``name``.

    Raise :class:`StrategyUnavailable`, with the reason, when it cannot be built.
    """
    strategy = STRATEGIES[name]
    modules = []
    for module in strategy.modules:
        try:
            modules.append(importlib.import_module(module))
        except ModuleNotFoundError as exc:
            if exc.name == module:
                raise StrategyUnavailable(f"{module} is not installed") from None
            raise
    try:
        return strategy.factory(context, *modules)
    except AttributeError as exc:
        # the module exists but lacks the class this factory expects
        missing = getattr(exc, "name", None) or str(exc)
        raise StrategyUnavailable(
            f"{' / '.join(strategy.modules)} has no {missing}"
        ) from None
