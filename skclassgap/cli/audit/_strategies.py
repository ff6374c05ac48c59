"""The mitigations ``skclassgap audit`` compares: a registry of Pipeline factories.

Each strategy has a factory that builds an unfitted estimator from the audit's
preprocessor and base model. Factories import the package's estimators when
they run (so that ``--help`` does not pay for them); an import error there is a
bug and propagates. A factory may decline a combination it cannot serve --
class weights for a model that takes neither ``class_weight`` nor
``sample_weight``, resampling or inner cross-validation when a class has a
single training row -- by raising :class:`StrategyDeclined` with the reason;
the audit reports it as *declined*.
"""

from collections.abc import Callable
from dataclasses import dataclass


def clone(estimator):
    """``sklearn.base.clone``, imported on first use (keeps ``--help`` fast)."""
    from sklearn.base import clone as sklearn_clone

    return sklearn_clone(estimator)


class StrategyDeclined(Exception):
    """The strategy does not apply to this model or data; the message says why."""


@dataclass(frozen=True)
class Context:
    """What every factory may use.

    ``preparation`` imputes and scales and keeps a table (categories stay
    categories); ``encoder`` turns the prepared table into model features. A
    sampler goes between the two, so that it sees the table, not its encoding.
    """

    preparation: object
    encoder: object
    model: object
    objective: str
    random_state: int
    min_train_class: int  # rows of the smallest class in a training fold
    categorical: bool = False  # the table has categorical columns
    threads: int = 1  # threads of one fit (the samplers' neighbour search)


# The leading steps of a strategy's pipeline that the audit fits once per fold
# and shares: ``prepare`` (the context's preparation) and ``encode`` (its
# encoder), in this order.
PREPARE, ENCODE = "prepare", "encode"


@dataclass(frozen=True)
class Built:
    """An unfitted estimator, the fit parameters it needs per fold, and a note.

    ``shared_steps`` declares how many leading steps of ``estimator`` (a
    Pipeline) are the context's own: 0 (none, the whole estimator is fitted
    per fold), 1 (``prepare``) or 2 (``prepare`` then ``encode``). The audit
    fits those once per fold, shares their output among the strategies, and
    fits only the rest of each pipeline. ``encoder_param`` names the
    parameter of that rest which receives the fold's fitted encoder, frozen
    (a resampler that encodes its new rows inside).
    """

    estimator: object
    fit_params: Callable | None = None  # y_train -> dict of fit parameters
    note: str = ""
    shared_steps: int = 0
    encoder_param: str | None = None


@dataclass(frozen=True)
class Strategy:
    """A named mitigation: one-line summary and factory."""

    name: str
    summary: str
    factory: Callable  # context -> Built


def _pipeline(context, *steps):
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            (PREPARE, clone(context.preparation)),
            (ENCODE, clone(context.encoder)),
            *steps,
        ]
    )


def _baseline(context):
    return Built(_pipeline(context, ("model", clone(context.model))), shared_steps=2)


def _class_weight(context):
    from sklearn.utils.class_weight import compute_sample_weight
    from sklearn.utils.validation import has_fit_parameter

    model = clone(context.model)
    name = type(model).__name__
    if "class_weight" in model.get_params():
        model.set_params(class_weight="balanced")
        return Built(
            _pipeline(context, ("model", model)),
            note="class_weight='balanced'",
            shared_steps=2,
        )
    if has_fit_parameter(model, "sample_weight"):
        return Built(
            _pipeline(context, ("model", model)),
            fit_params=lambda y: {
                "model__sample_weight": compute_sample_weight("balanced", y)
            },
            note="balanced sample_weight",
            shared_steps=2,
        )
    raise StrategyDeclined(
        f"{name} takes neither class_weight nor sample_weight; "
        "cost_sensitive or smote work for it"
    )


def _cost_sensitive(context):
    from skclassgap.cost_sensitive import CostSensitiveClassifier

    model = CostSensitiveClassifier(
        clone(context.model), class_weight="balanced", random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="class_weight='balanced'",
        shared_steps=2,
    )


def _resampled(context, sampler, note):
    """Resample the prepared table, then encode and fit, inside the resampler.

    The sampler sees the prepared table (scaled numbers, categories as
    categories), so a synthetic row only holds category values its columns
    have. Fitted on its own, the pipeline fits the encoder and the model on
    the resampled rows; the audit instead puts the fold's encoder, fitted on
    the original training rows, in its place (``encoder_param``). The two are
    the same encoder: the resampled rows hold the same category values as the
    original ones, and the encoder depends on which values a column holds,
    not on how often (:class:`~skclassgap.cli.audit._preprocess.DistinctStringEncoder`).
    """
    from sklearn.pipeline import Pipeline

    from skclassgap.compose import ResampledClassifier

    inner = Pipeline(
        [(ENCODE, clone(context.encoder)), ("model", clone(context.model))]
    )
    model = ResampledClassifier(inner, sampler=sampler)
    steps = [(PREPARE, clone(context.preparation)), ("model", model)]
    return Built(
        Pipeline(steps),
        note=note,
        shared_steps=1,
        encoder_param=f"model__estimator__{ENCODE}",
    )


def _smote(context):
    from skclassgap.over_sampling import SMOTE, SMOTENC

    k = min(5, context.min_train_class - 1)
    if k < 1:
        raise StrategyDeclined(
            "a class has a single row in a training fold; SMOTE needs two"
        )
    params = {
        "k_neighbors": k,
        "random_state": context.random_state,
        "n_jobs": context.threads,
    }
    if context.categorical:
        sampler = SMOTENC(categorical_features="auto", **params)
        return _resampled(context, sampler, f"SMOTE-NC, k_neighbors={k}")
    return _resampled(context, SMOTE(**params), f"k_neighbors={k}")


def _gaussian(context):
    from skclassgap.over_sampling import GaussianOverSampler

    sampler = GaussianOverSampler(
        categorical_features="auto", random_state=context.random_state
    )
    note = "categories drawn from the class's rows" if context.categorical else ""
    return _resampled(context, sampler, note)


def _threshold(context):
    from skclassgap.threshold import ThresholdCalibrator

    inner = min(3, context.min_train_class)
    if inner < 2:
        raise StrategyDeclined(
            "a class has a single row in a training fold; inner cross-validation "
            "needs two"
        )
    model = ThresholdCalibrator(
        clone(context.model), objective=context.objective, cv=inner
    )
    return Built(
        _pipeline(context, ("model", model)),
        note=f"objective={context.objective}, inner cv={inner}",
        shared_steps=2,
    )


def _logit_adjustment(context):
    from skclassgap.threshold import LogitAdjustedClassifier

    model = LogitAdjustedClassifier(clone(context.model), tau=1.0)
    return Built(_pipeline(context, ("model", model)), note="tau=1", shared_steps=2)


def _spectral_balancing(context):
    from skclassgap.spectral import SpectralBalancer

    steps = [("balance", SpectralBalancer()), ("model", clone(context.model))]
    return Built(_pipeline(context, *steps), shared_steps=2)


STRATEGIES = {
    s.name: s
    for s in [
        Strategy("baseline", "the model as is", _baseline),
        Strategy(
            "class_weight", "scikit-learn's balanced class weights", _class_weight
        ),
        Strategy(
            "cost_sensitive",
            "CostSensitiveClassifier with balanced class weights",
            _cost_sensitive,
        ),
        Strategy(
            "smote",
            "SMOTE (SMOTE-NC with categorical columns) to balance, then fit",
            _smote,
        ),
        Strategy(
            "gaussian_oversampling",
            "Gaussian oversampling to balance, then fit",
            _gaussian,
        ),
        Strategy(
            "threshold",
            "threshold / per-class offsets tuned on inner out-of-fold scores",
            _threshold,
        ),
        Strategy(
            "logit_adjustment",
            "decisions shifted by the log class priors",
            _logit_adjustment,
        ),
        Strategy(
            "spectral_balancing",
            "SpectralBalancer whitening before the model",
            _spectral_balancing,
        ),
    ]
}

DEFAULT_STRATEGIES = [name for name in STRATEGIES if name != "baseline"]


def build(name, context):
    """Build strategy ``name``; raise :class:`StrategyDeclined` with the reason."""
    return STRATEGIES[name].factory(context)
