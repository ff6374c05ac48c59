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


# Rows above which strategies declaring it are left out of the default set.
DEFAULT_MAX_ROWS = 50_000


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
    # A decision rule on the baseline's model (shared_steps=2, like the
    # baseline): the parameter of the rest that may receive the fold's fitted
    # baseline model, frozen, instead of a refit of the same model on the
    # same rows (the audit does so in its own process).
    model_param: str | None = None


@dataclass(frozen=True)
class Strategy:
    """A named mitigation: one-line summary, factory, and whether the audit
    runs it by default (``--strategies all`` runs every one)."""

    name: str
    summary: str
    factory: Callable  # context -> Built
    in_default: bool = True
    # Without --strategies, not run on tables of more rows than this.
    default_max_rows: int | None = None


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
        shared_steps=2,
        model_param="model__estimator",
    )


def _resampled(context, sampler, note, *, proba_prior="fit", adds_only=True):
    """Resample the prepared table, then encode and fit, inside the resampler.

    The sampler sees the prepared table (scaled numbers, categories as
    categories), so a synthetic row only holds category values its columns
    have. Fitted on its own, the pipeline fits the encoder and the model on
    the resampled rows. For a sampler that only adds rows (``adds_only``),
    the audit instead puts the fold's encoder, fitted on the original
    training rows, in its place (``encoder_param``). The two are the same
    encoder: the resampled rows hold the same category values as the
    original ones, and the encoder depends on which values a column holds,
    not on how often (:class:`~skclassgap.cli.audit._preprocess.DistinctStringEncoder`).
    A sampler that drops rows (under-sampling, cleaning) may drop every row
    of a value, so it keeps its own encoder, fitted on the rows it kept;
    only the preparation is shared.
    """
    from sklearn.pipeline import Pipeline

    from skclassgap.compose import ResampledClassifier

    inner = Pipeline(
        [(ENCODE, clone(context.encoder)), ("model", clone(context.model))]
    )
    model = ResampledClassifier(inner, sampler=sampler, proba_prior=proba_prior)
    steps = [(PREPARE, clone(context.preparation)), ("model", model)]
    return Built(
        Pipeline(steps),
        note=note,
        shared_steps=1,
        encoder_param=f"model__estimator__{ENCODE}" if adds_only else None,
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
        adds_only=False,
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
        adds_only=False,
    )


def _balanced_bagging(context):
    """Bagging of the model (wraps ``--model``) on balanced draws of the
    prepared table; each member encodes and fits its own draw (a draw may
    lack some values of a column), so only the preparation is shared."""
    from sklearn.pipeline import Pipeline

    from skclassgap.ensemble import BalancedBaggingClassifier

    inner = Pipeline(
        [(ENCODE, clone(context.encoder)), ("model", clone(context.model))]
    )
    model = BalancedBaggingClassifier(
        inner, n_estimators=10, random_state=context.random_state
    )
    steps = [(PREPARE, clone(context.preparation)), ("model", model)]
    return Built(
        Pipeline(steps),
        note="10 members of the model on balanced bootstrap draws (wraps the model)",
        shared_steps=1,
    )


def _easy_ensemble(context):
    from skclassgap.ensemble import EasyEnsembleClassifier

    model = EasyEnsembleClassifier(n_estimators=10, random_state=context.random_state)
    return Built(
        _pipeline(context, ("model", model)),
        note="10 AdaBoost members on balanced subsets (replaces the model)",
        shared_steps=2,
    )


def _balanced_random_forest(context):
    from skclassgap.ensemble import BalancedRandomForestClassifier

    model = BalancedRandomForestClassifier(
        n_estimators=100, random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="100 trees on balanced bootstraps (replaces the model)",
        shared_steps=2,
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
        shared_steps=2,
    )


def _self_paced_ensemble(context):
    from skclassgap.ensemble import SelfPacedEnsembleClassifier

    model = SelfPacedEnsembleClassifier(
        n_estimators=50, random_state=context.random_state
    )
    return Built(
        _pipeline(context, ("model", model)),
        note="50 trees on hardness-harmonised under-samples (replaces the model)",
        shared_steps=2,
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
        shared_steps=2,
    )


def _logit_adjustment(context):
    from skclassgap.threshold import LogitAdjustedClassifier

    model = LogitAdjustedClassifier(clone(context.model), tau=1.0)
    return Built(
        _pipeline(context, ("model", model)),
        note="tau=1",
        shared_steps=2,
        model_param="model__estimator",
    )


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
            # 315 of the default audit's fit seconds on a 300,000-row table.
            default_max_rows=DEFAULT_MAX_ROWS,
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


def skipped_by_default(name, n_rows):
    """Why the default set leaves ``name`` out on ``n_rows`` rows, or None."""
    limit = STRATEGIES[name].default_max_rows
    if limit is None or n_rows <= limit:
        return None
    return (
        f"not run by default above {limit:,} rows ({n_rows:,} here), where its fit "
        "time dominates the audit; name it in --strategies to run it"
    )


def build(name, context):
    """Build strategy ``name``; raise :class:`StrategyDeclined` with the reason."""
    return STRATEGIES[name].factory(context)
