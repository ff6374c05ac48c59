"""The methods compared: a registry of named pipeline builders, imported lazily.

Every method wraps one of two base models (:data:`MODELS`) behind the same
preprocessing (median imputation when the data set has missing values, then
standardisation):

- ``logreg``: ``LogisticRegression(max_iter=1000)`` (L2, C=1, lbfgs);
- ``hgb``: ``HistGradientBoostingClassifier`` with a fixed number of boosting
  rounds (:data:`HGB_PARAMS`; no early stopping, so every data set gets the
  same model and the run repeats exactly).

Every method's symbol exists (ours are part of the package, the peers'
packages are dependencies); an import error is a bug and propagates. The
one exception is imbalanced-ensemble's self-paced ensemble (``optional``):
that package pins an old scikit-learn and is not a dependency; without it
the method is left out of the preset that lists it.

The default run is the mitigations of :data:`DEFAULT`; ``--methods
ensembles`` runs the preset :data:`ENSEMBLES` (resampling ensembles, their
peers, and the baseline, class weights, SMOTE and threshold tuning on the
same folds).
"""

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# 50 rounds of 15-leaf trees at learning rate 0.2: measured to keep the full run
# on 2 cores (see README.md in this folder for the measurement).
HGB_PARAMS = {
    "max_iter": 50,
    "learning_rate": 0.2,
    "max_leaf_nodes": 15,
    "early_stopping": False,
}
LOGREG_PARAMS = {"max_iter": 1000}
MODELS = ("logreg", "hgb")


@dataclass(frozen=True)
class Context:
    """What a builder needs to know about the data set and run.

    ``k_neighbors``: neighbours for the SMOTE family, ``min(5, m - 1)`` with
    ``m`` the smallest minority count of any training fold; ``inner_cv``: folds
    of the threshold searches' internal cross-validation, ``min(5, m)``;
    ``imbalance_ratio``: majority / minority count of the whole data set.
    """

    model: str
    seed: int
    k_neighbors: int
    inner_cv: int
    imbalance_ratio: float
    impute: bool


def _symbol(path):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _classifier(ctx, **extra):
    if ctx.model == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(**LOGREG_PARAMS, **extra)
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**HGB_PARAMS, random_state=ctx.seed, **extra)


def _preprocessing(ctx):
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler

    steps = [("impute", SimpleImputer(strategy="median"))] if ctx.impute else []
    return steps + [("scale", StandardScaler())]


def base_pipeline(ctx, **classifier_params):
    """Preprocessing then the classifier, as a scikit-learn ``Pipeline``."""
    from sklearn.pipeline import Pipeline

    return Pipeline(
        _preprocessing(ctx) + [("clf", _classifier(ctx, **classifier_params))]
    )


def _with_sampler(sampler_path, neighbor_param):
    def build(ctx, symbol):
        from imblearn.pipeline import Pipeline

        sampler = symbol(**{neighbor_param: ctx.k_neighbors}, random_state=ctx.seed)
        return Pipeline(
            _preprocessing(ctx) + [("sample", sampler), ("clf", _classifier(ctx))]
        )

    return sampler_path, build


def _gaussian(ctx, symbol):
    from imblearn.pipeline import Pipeline

    return Pipeline(
        _preprocessing(ctx)
        + [("sample", symbol(random_state=ctx.seed)), ("clf", _classifier(ctx))]
    )


def _ours_threshold(ctx, symbol):
    return symbol(
        base_pipeline(ctx), objective="g_mean", cv=ctx.inner_cv, random_state=ctx.seed
    )


def _sklearn_threshold(ctx, symbol):
    from skclassgap.metrics import get_scorer

    return symbol(
        base_pipeline(ctx),
        scoring=get_scorer("g_mean"),
        cv=ctx.inner_cv,
        random_state=ctx.seed,
    )


def _logit_adjusted(ctx, symbol):
    return symbol(base_pipeline(ctx), tau=1.0)


def _cost_sensitive(ctx, symbol):
    # Missing a minority row costs the imbalance ratio, a majority row 1.
    cost = np.array([[0.0, 1.0], [ctx.imbalance_ratio, 0.0]])
    return symbol(base_pipeline(ctx), cost_matrix=cost)


def _balanced_bagging(ctx, symbol):
    # Wraps the model: each member is the whole preprocessing + model pipeline.
    return symbol(base_pipeline(ctx), n_estimators=10, random_state=ctx.seed)


def _rus_boost(ctx, symbol):
    # Wraps the model as the boosted learner (10 rounds: the models are strong).
    return symbol(_classifier(ctx), n_estimators=10, random_state=ctx.seed)


def _replacing(**params):
    """A builder of an ensemble that replaces the model (its own learners),
    behind the same preprocessing."""

    def build(ctx, symbol):
        from sklearn.pipeline import Pipeline

        return Pipeline(
            _preprocessing(ctx) + [("clf", symbol(random_state=ctx.seed, **params))]
        )

    return build


def _wrapped_boost(ctx, symbol):
    from sklearn.pipeline import Pipeline

    return Pipeline(_preprocessing(ctx) + [("clf", _rus_boost(ctx, symbol))])


@dataclass(frozen=True)
class Method:
    """A named way to fit a model on imbalanced data.

    ``symbol`` is the dotted path imported lazily (None: plain scikit-learn);
    ``build(ctx, symbol_object)`` returns an unfitted estimator; ``peer`` names
    the method ours is compared with for parity (quality and fit time).
    """

    name: str
    origin: str
    family: str
    symbol: str | None
    build: Callable
    peer: str | None = None
    description: str = field(default="", compare=False)
    optional: bool = False

    def available(self):
        """Whether the symbol's package is installed (always, unless optional)."""
        if not self.optional or self.symbol is None:
            return True
        return importlib.util.find_spec(self.symbol.split(".")[0]) is not None

    def resolve(self):
        """The imported symbol, or raise ImportError/AttributeError."""
        return None if self.symbol is None else _symbol(self.symbol)


def _registry():
    smote = _with_sampler("imblearn.over_sampling.SMOTE", "k_neighbors")
    border = _with_sampler("imblearn.over_sampling.BorderlineSMOTE", "k_neighbors")
    adasyn = _with_sampler("imblearn.over_sampling.ADASYN", "n_neighbors")
    ours_smote = _with_sampler("skclassgap.over_sampling.SMOTE", "k_neighbors")
    ours_border = _with_sampler(
        "skclassgap.over_sampling.BorderlineSMOTE", "k_neighbors"
    )
    ours_adasyn = _with_sampler("skclassgap.over_sampling.ADASYN", "n_neighbors")
    return [
        Method(
            "baseline",
            "sklearn",
            "baseline",
            None,
            lambda ctx, _: base_pipeline(ctx),
            description="no mitigation",
        ),
        Method(
            "class_weight",
            "sklearn",
            "weights",
            None,
            lambda ctx, _: base_pipeline(ctx, class_weight="balanced"),
            description='class_weight="balanced"',
        ),
        Method(
            "smote",
            "ours",
            "sampler",
            ours_smote[0],
            ours_smote[1],
            peer="smote[imblearn]",
        ),
        Method("smote[imblearn]", "imblearn", "sampler", smote[0], smote[1]),
        Method(
            "borderline",
            "ours",
            "sampler",
            ours_border[0],
            ours_border[1],
            peer="borderline[imblearn]",
        ),
        Method("borderline[imblearn]", "imblearn", "sampler", border[0], border[1]),
        Method(
            "adasyn",
            "ours",
            "sampler",
            ours_adasyn[0],
            ours_adasyn[1],
            peer="adasyn[imblearn]",
        ),
        Method("adasyn[imblearn]", "imblearn", "sampler", adasyn[0], adasyn[1]),
        Method(
            "gaussian",
            "ours",
            "sampler",
            "skclassgap.over_sampling.GaussianOverSampler",
            _gaussian,
        ),
        Method(
            "threshold",
            "ours",
            "threshold",
            "skclassgap.threshold.ThresholdCalibrator",
            _ours_threshold,
            peer="threshold[sklearn]",
            description='ThresholdCalibrator(objective="g_mean")',
        ),
        Method(
            "threshold[sklearn]",
            "sklearn",
            "threshold",
            "sklearn.model_selection.TunedThresholdClassifierCV",
            _sklearn_threshold,
            description="TunedThresholdClassifierCV(scoring=g_mean)",
        ),
        Method(
            "logit_adjusted",
            "ours",
            "prior",
            "skclassgap.threshold.LogitAdjustedClassifier",
            _logit_adjusted,
            description="LogitAdjustedClassifier(tau=1)",
        ),
        Method(
            "cost_sensitive",
            "ours",
            "cost",
            "skclassgap.cost_sensitive.CostSensitiveClassifier",
            _cost_sensitive,
            description="CostSensitiveClassifier(cost FN = imbalance ratio)",
        ),
        *_ensembles(),
    ]


def _ensembles():
    """Resampling ensembles and their peers (the ``ensembles`` preset)."""
    pairs = [
        (
            "balanced_bagging",
            "BalancedBaggingClassifier",
            _balanced_bagging,
            "10 members wrapping the model pipeline",
        ),
        (
            "easy_ensemble",
            "EasyEnsembleClassifier",
            _replacing(n_estimators=10),
            "10 AdaBoost(50) members (replaces the model)",
        ),
        (
            "balanced_random_forest",
            "BalancedRandomForestClassifier",
            _replacing(n_estimators=100),
            "100 trees (replaces the model)",
        ),
        (
            "rus_boost",
            "RUSBoostClassifier",
            _wrapped_boost,
            "10 rounds boosting the model",
        ),
    ]
    methods = []
    for name, cls, build, description in pairs:
        methods += [
            Method(
                name,
                "ours",
                "ensemble",
                f"skclassgap.ensemble.{cls}",
                build,
                peer=f"{name}[imblearn]",
                description=description,
            ),
            Method(
                f"{name}[imblearn]",
                "imblearn",
                "ensemble",
                f"imblearn.ensemble.{cls}",
                build,
                description=description,
            ),
        ]
    methods += [
        Method(
            "self_paced",
            "ours",
            "ensemble",
            "skclassgap.ensemble.SelfPacedEnsembleClassifier",
            _replacing(n_estimators=50),
            peer="self_paced[imbens]",
            description="50 trees, 5 bins (replaces the model)",
        ),
        Method(
            "self_paced[imbens]",
            "imbens",
            "ensemble",
            "imbens.ensemble.SelfPacedEnsembleClassifier",
            _replacing(n_estimators=50),
            description="imbalanced-ensemble 0.2.3, 50 trees, 5 bins",
            optional=True,
        ),
    ]
    return methods


METHODS = {method.name: method for method in _registry()}

# The default run: every mitigation but the ensembles.
DEFAULT = tuple(name for name, m in METHODS.items() if m.family != "ensemble")
# ``--methods ensembles``: the ensembles with the mitigations they are compared to.
ENSEMBLES = (
    "baseline",
    "class_weight",
    "smote",
    "threshold",
    *(name for name, m in METHODS.items() if m.family == "ensemble"),
)
PRESETS = {"ensembles": ENSEMBLES}


def select_methods(names=None):
    """The methods named (the :data:`DEFAULT` mitigations by default), each
    symbol resolved; a preset name (``ensembles``) stands for its methods.

    Unknown names are refused with the list of known ones. An optional
    method whose package is not installed is left out of a preset, and
    refused when named.
    """
    if names is None:
        names = list(DEFAULT)
    expanded = []
    for name in names:
        if name in PRESETS:
            expanded += [n for n in PRESETS[name] if METHODS[n].available()]
        else:
            expanded.append(name)
    names = list(dict.fromkeys(expanded))
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise ValueError(
            f"unknown method(s) {unknown!r}; valid names are {[*METHODS, *PRESETS]}"
        )
    for name in names:
        METHODS[name].resolve()
    return [METHODS[name] for name in names]
