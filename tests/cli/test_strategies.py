"""Tests of the audit's strategy registry, progress bar and argument checks
(in process)."""

import io

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skclassgap.cli import main
from skclassgap.cli._errors import UserError
from skclassgap.cli._examples import EXAMPLES
from skclassgap.cli._main import parse_strategies
from skclassgap.cli._progress import Progress
from skclassgap.cli._strategies import (
    DEFAULT_STRATEGIES,
    STRATEGIES,
    Context,
    StrategyDeclined,
    build,
)
from skclassgap.datasets._audit_default import AUDIT_DATASETS


def _context(model, min_train_class=10, categorical=False):
    return Context(
        preparation=StandardScaler(),
        encoder=FunctionTransformer(),
        model=model,
        objective="g_mean",
        random_state=0,
        min_train_class=min_train_class,
        categorical=categorical,
    )


def test_strategies_registry_lists_the_issue_families():
    """Check that the registry holds the baseline and the seven mitigations, in
    order."""
    assert list(STRATEGIES) == [
        "baseline",
        "class_weight",
        "cost_sensitive",
        "smote",
        "gaussian_oversampling",
        "threshold",
        "logit_adjustment",
        "spectral_balancing",
    ]
    assert DEFAULT_STRATEGIES == list(STRATEGIES)[1:]


@pytest.mark.parametrize(
    "model, param",
    [
        (LogisticRegression(), "class_weight"),
        (HistGradientBoostingClassifier(), "class_weight"),
    ],
)
def test_class_weight_sets_balanced_class_weight(model, param):
    """Check that models with class_weight get class_weight='balanced'."""
    built = build("class_weight", _context(model))
    assert built.estimator.named_steps["model"].get_params()[param] == "balanced"
    assert built.fit_params is None
    assert model.get_params()[param] is None  # the base model is not modified


def test_class_weight_falls_back_to_balanced_sample_weight():
    """Check that a model without class_weight gets balanced sample weights per fold."""
    built = build("class_weight", _context(GaussianNB()))
    y = np.array([0, 0, 0, 1])
    params = built.fit_params(y)
    np.testing.assert_allclose(
        params["model__sample_weight"], compute_sample_weight("balanced", y)
    )
    X, y = load_iris(return_X_y=True)
    built.estimator.fit(X, y, **built.fit_params(y))  # the routing name is right


def test_class_weight_declined_for_knn():
    """Check that KNN, which takes neither weight, is declined with a note."""
    with pytest.raises(StrategyDeclined, match="KNeighborsClassifier takes neither"):
        build("class_weight", _context(KNeighborsClassifier()))


@pytest.mark.parametrize("name", ["smote", "threshold"])
def test_strategy_declines_single_row_classes(name):
    """Check that resampling and inner CV are declined when a class has one training
    row."""
    with pytest.raises(StrategyDeclined, match="single row"):
        build(name, _context(LogisticRegression(), min_train_class=1))


@pytest.mark.parametrize("name", DEFAULT_STRATEGIES)
def test_strategy_builds_a_pipeline_that_fits(name):
    """Check that every strategy builds, fits and predicts iris well."""
    built = build(name, _context(LogisticRegression(max_iter=500)))
    X, y = load_iris(return_X_y=True)
    params = built.fit_params(y) if built.fit_params else {}
    model = built.estimator.fit(X, y, **params)
    assert model.steps[0][0] == "prepare"
    assert set(model.predict(X)) <= {0, 1, 2}
    assert (model.predict(X) == y).mean() > 0.8


def test_strategy_factory_bug_propagates(monkeypatch):
    """Check that an error inside a factory is raised, not turned into a note."""

    def broken(context):
        raise AttributeError("module 'skclassgap.over_sampling' has no attribute 'X'")

    monkeypatch.setitem(
        STRATEGIES, "smote", STRATEGIES["smote"].__class__("smote", "", broken)
    )
    with pytest.raises(AttributeError, match="has no attribute 'X'"):
        build("smote", _context(LogisticRegression()))


def test_examples_are_the_embedded_data_sets():
    """Check that --example offers exactly the loader's data sets, default first."""
    assert list(EXAMPLES) == list(AUDIT_DATASETS)


def test_help_lists_the_examples(capsys):
    """Check that audit --help names every example with its summary."""
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = capsys.readouterr().out
    for name, summary in EXAMPLES.items():
        assert f"  {name:<22}{summary}" in out


@pytest.mark.parametrize(
    "values, expected",
    [
        (None, DEFAULT_STRATEGIES),
        (["all"], DEFAULT_STRATEGIES),
        (["none"], []),
        (["threshold,smote"], ["smote", "threshold"]),
        (["threshold", "class_weight"], ["class_weight", "threshold"]),
    ],
)
def test_parse_strategies_accepts_lists(values, expected):
    """Check that --strategies takes comma- or space-separated names, in registry
    order."""
    assert parse_strategies(values) == expected


@pytest.mark.parametrize(
    "values, match",
    [
        (["magic"], "unknown strategy 'magic'; choose from class_weight"),
        (["data.csv"], r"put PATH before --strategies"),
    ],
)
def test_parse_strategies_rejects_unknown_names(values, match):
    """Check that unknown strategy names are refused with the valid names."""
    with pytest.raises(UserError, match=match):
        parse_strategies(values)


def test_main_rejects_unknown_objective(tmp_path, capsys):
    """Check that an unknown --objective is one line and exit code 2."""
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,0\n2,1\n")
    assert main(["audit", str(path), "--objective", "roc_auc"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("skclassgap audit: error: unknown --objective 'roc_auc'")


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_counts_only_when_enabled():
    """Check that the bar shows done/total on a terminal and nothing otherwise."""
    stream = _TTY()
    with Progress(total=4, stream=stream, enabled=True) as progress:
        progress.update("baseline fold 1/2")
        progress.advance(3)
    text = stream.getvalue()
    assert "0/4" in text and "3/4" in text and "baseline fold 1/2" in text
    assert text.endswith("\r")
    quiet = io.StringIO()
    with Progress(total=4, stream=quiet, enabled=False) as progress:
        progress.advance()
    assert quiet.getvalue() == ""
