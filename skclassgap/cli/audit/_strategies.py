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


@dataclass(frozen=True)
class Built:
    """An unfitted estimator, the fit parameters it needs per fold, and a note."""

    estimator: object
    fit_params: Callable | None = None  # y_train -> dict of fit parameters
    note: str = ""


@dataclass(frozen=True)
class Strategy:
    """A named mitigation: one-line summary, factory, and whether the audit
    runs it by default (``--strategies all`` runs every one)."""

    name: str
    summary: str
    factory: Callable  # context -> Built
    in_default: bool = True


def _pipeline(context, *steps):
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("prepare", clone(context.preparation)),
            ("encode", clone(context.encoder)),
            *steps,
        ]
    )


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
    raise StrategyDeclined(
        f"{name} takes neither class_weight nor sample_weight; "
        "cost_sensitive or smote work for it"
    )


def _cost_sensitive(context):
    """The minimum-risk decision under costs inverse to class frequency.

    The model is fitted as is; missing class ``i`` costs ``n / (K n_i)`` of
    the training fold, and each row gets the class of least expected cost
    under the model's probabilities. (Reweighting by the same costs and
    deciding by min-risk is the class_weight fit under another name, so the
    training stays unweighted.) For a model whose ``predict`` is the argmax
    of its probabilities this is the prior correction of logit_adjustment;
    the audit then reports the two as one (merged).
    """
    from skclassgap.cost_sensitive import CostSensitiveClassifier

    # A model without predict_proba fails at fit, with the reason, as reported.
    model = CostSensitiveClassifier(
        clone(context.model),
        cost_matrix="balanced",
        training="none",
        decision="min_risk",
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="min-risk decision, missing class i costs n / (K n_i)",
    )


def _resampled(context, sampler, note, *, proba_prior="fit"):
    """Resample the prepared table, then encode and fit, inside the resampler.

    The sampler sees the prepared table (scaled numbers, categories as
    categories), so a synthetic row only holds category values its columns
    have; the encoder and the model are fitted on the resampled rows.
    """
    from sklearn.pipeline import Pipeline

    from skclassgap.compose import ResampledClassifier

    inner = Pipeline(
        [("encode", clone(context.encoder)), ("model", clone(context.model))]
    )
    model = ResampledClassifier(inner, sampler=sampler, proba_prior=proba_prior)
    steps = [("prepare", clone(context.preparation)), ("model", model)]
    return Built(Pipeline(steps), note=note)


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


def _random_undersampling(context):
    """Keep a random subset of every larger class, down to the smallest one's
    size; probabilities moved back to the original prior (the label metrics
    the audit ranks by read decisions, which stay those of the balanced fit)."""
    from skclassgap.under_sampling import RandomUnderSampler

    sampler = RandomUnderSampler(random_state=context.random_state)
    return _resampled(
        context,
        sampler,
        "balanced by dropping rows; probabilities under the original prior",
        proba_prior="original",
    )


def _smote_then_clean(context, cleaner_name):
    """SMOTE to balance, then a neighbour cleaner (ENN or Tomek links)."""
    from skclassgap.combine import SMOTEENN, SMOTETomek
    from skclassgap.over_sampling import SMOTE

    if context.categorical:
        raise StrategyDeclined(
            "the table has categorical columns, and the cleaners' exact "
            "neighbour search takes numeric columns only; smote (SMOTE-NC) "
            "works for it"
        )
    k = min(5, context.min_train_class - 1)
    if k < 1:
        raise StrategyDeclined(
            "a class has a single row in a training fold; SMOTE needs two"
        )
    smote = SMOTE(
        k_neighbors=k, random_state=context.random_state, n_jobs=context.threads
    )
    combined = SMOTEENN if cleaner_name == "enn" else SMOTETomek
    sampler = combined(smote=smote, random_state=context.random_state)
    what = "edited nearest neighbours" if cleaner_name == "enn" else "Tomek links"
    return _resampled(
        context,
        sampler,
        f"SMOTE k_neighbors={k}, then {what}; probabilities under the original prior",
        proba_prior="original",
    )


def _balanced_bagging(context):
    """Bagging of the model (wraps ``--model``) on balanced draws of the
    prepared table; each member encodes and fits its own draw."""
    from sklearn.pipeline import Pipeline

    from skclassgap.ensemble import BalancedBaggingClassifier

    inner = Pipeline(
        [("encode", clone(context.encoder)), ("model", clone(context.model))]
    )
    model = BalancedBaggingClassifier(
        inner, n_estimators=10, random_state=context.random_state
    )
    steps = [("prepare", clone(context.preparation)), ("model", model)]
    return Built(
        Pipeline(steps),
        note="10 members of the model on balanced bootstrap draws (wraps the model)",
    )


def _easy_ensemble(context):
    from skclassgap.ensemble import EasyEnsembleClassifier

    model = EasyEnsembleClassifier(n_estimators=10, random_state=context.random_state)
    return Built(
        _pipeline(context, ("model", model)),
        note="10 AdaBoost members on balanced subsets (replaces the model)",
    )


def _balanced_random_forest(context):
    from skclassgap.ensemble import BalancedRandomForestClassifier

    model = BalancedRandomForestClassifier(
        n_estimators=100, random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="100 trees on balanced bootstraps (replaces the model)",
    )


def _rus_boost(context):
    """SAMME boosting of the model (wraps ``--model``) on under-sampled rounds."""
    from sklearn.utils.validation import has_fit_parameter

    from skclassgap.ensemble import RUSBoostClassifier

    model = clone(context.model)
    if not has_fit_parameter(model, "sample_weight"):
        raise StrategyDeclined(
            f"{type(model).__name__}.fit takes no sample_weight, which boosting "
            "needs; balanced_bagging wraps any model"
        )
    booster = RUSBoostClassifier(
        model, n_estimators=10, random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", booster)),
        note="10 SAMME rounds of the model on under-sampled rows (wraps the model)",
    )


def _self_paced_ensemble(context):
    from skclassgap.ensemble import SelfPacedEnsembleClassifier

    model = SelfPacedEnsembleClassifier(
        n_estimators=50, random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="50 trees on hardness-harmonised under-samples (replaces the model)",
    )


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
    )


def _logit_adjustment(context):
    from skclassgap.threshold import LogitAdjustedClassifier

    model = LogitAdjustedClassifier(clone(context.model), tau=1.0)
    return Built(_pipeline(context, ("model", model)), note="tau=1")


def _spectral_balancing(context):
    from skclassgap.spectral import SpectralBalancer

    steps = [("balance", SpectralBalancer()), ("model", clone(context.model))]
    return Built(_pipeline(context, *steps))


STRATEGIES = {
    s.name: s
    for s in [
        Strategy("baseline", "the model as is", _baseline),
        Strategy(
            "class_weight", "scikit-learn's balanced class weights", _class_weight
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
            "random_undersampling",
            "random under-sampling of the larger classes, then fit",
            _random_undersampling,
        ),
        Strategy(
            "smote_enn",
            "SMOTE, then edited nearest neighbours cleaning, then fit",
            lambda context: _smote_then_clean(context, "enn"),
        ),
        Strategy(
            "smote_tomek",
            "SMOTE, then Tomek-link cleaning, then fit",
            lambda context: _smote_then_clean(context, "tomek"),
        ),
        Strategy(
            "balanced_bagging",
            "bagging of the model on balanced bootstrap draws (wraps --model)",
            _balanced_bagging,
        ),
        Strategy(
            "easy_ensemble",
            "EasyEnsemble: AdaBoost on balanced subsets (replaces --model)",
            _easy_ensemble,
            # 10 x 50 boosted stumps per fold: the slowest strategy by far.
            in_default=False,
        ),
        Strategy(
            "balanced_random_forest",
            "random forest on balanced bootstraps (replaces --model)",
            _balanced_random_forest,
        ),
        Strategy(
            "rus_boost",
            "RUSBoost: the model boosted on under-sampled rounds (wraps --model)",
            _rus_boost,
            # Boosting a strong model (the default logistic regression) measured
            # worse than every other mitigation; run it on request.
            in_default=False,
        ),
        Strategy(
            "self_paced_ensemble",
            "self-paced under-sampling ensemble of trees (replaces --model)",
            _self_paced_ensemble,
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
            "cost_sensitive",
            "minimum-risk decision, costs inverse to class frequency",
            _cost_sensitive,
        ),
        Strategy(
            "spectral_balancing",
            "SpectralBalancer whitening before the model",
            _spectral_balancing,
        ),
    ]
}

ALL_STRATEGIES = [name for name in STRATEGIES if name != "baseline"]
DEFAULT_STRATEGIES = [name for name in ALL_STRATEGIES if STRATEGIES[name].in_default]


def build(name, context):
    """Build strategy ``name``; raise :class:`StrategyDeclined` with the reason."""
    return STRATEGIES[name].factory(context)
