"""imbalanced-learn's own tests of SMOTE, BorderlineSMOTE and ADASYN, run on ours.

The test modules shipped in imbalanced-learn's wheel are loaded from the
installed package (not copied), their module-level ``SMOTE``,
``BorderlineSMOTE`` and ``ADASYN`` are replaced by skclassgap's classes, and
every parametrized instance of those classes by ours with the same
parameters. Each of their test functions (and each parametrization) is one
case here. Cases that exercise only imbalanced-learn's other samplers
(SVM-SMOTE, k-means SMOTE, SMOTE-N, SMOTE-NC) are not collected. Expected
failures are listed in ``EXPECTED_FAILURES``, each with its reason.
"""

import importlib.util
import inspect
import itertools
from pathlib import Path
from typing import NamedTuple

import imblearn
import pytest
from _pytest.mark.structures import ParameterSet

from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

OURS = {"SMOTE": SMOTE, "BorderlineSMOTE": BorderlineSMOTE, "ADASYN": ADASYN}
OTHERS = {"SVMSMOTE", "KMeansSMOTE", "SMOTEN", "SMOTENC", "RandomOverSampler"}
SUITES = {
    "test_smote": "over_sampling/_smote/tests/test_smote.py",
    "test_borderline_smote": "over_sampling/_smote/tests/test_borderline_smote.py",
    "test_adasyn": "over_sampling/tests/test_adasyn.py",
    "test_common": "over_sampling/tests/test_common.py",
}

_DRAWS = (
    "pins the values of imbalanced-learn's synthetic rows, i.e. its random "
    "draws; ours draw parents, neighbours and gaps differently from the same "
    "seed (the counts, checked elsewhere, are equal)"
)
EXPECTED_FAILURES = {
    "test_smote::test_sample_regular": _DRAWS,
    "test_smote::test_sample_regular_half": _DRAWS,
    "test_smote::test_sample_regular_with_nn": _DRAWS,
    "test_adasyn::test_ada_fit_resample": _DRAWS,
    "test_adasyn::test_ada_fit_resample_nn_obj": _DRAWS,
}


def _load(name, relative):
    path = Path(imblearn.__file__).parent / relative
    spec = importlib.util.spec_from_file_location(f"imblearn_suite_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for cls_name, cls in OURS.items():
        if hasattr(module, cls_name):
            setattr(module, cls_name, cls)
    return module


MODULES = {name: _load(name, relative) for name, relative in SUITES.items()}

# imbalanced-learn's fixtures, made visible to pytest here.
numerical_data = MODULES["test_common"].numerical_data


class Case(NamedTuple):
    id: str
    func: object
    params: dict
    fixtures: tuple


def _ours(value):
    """Our sampler for an instance of imbalanced-learn's, None for its others."""
    name = type(value).__name__
    if type(value).__module__.startswith("imblearn") and name in OURS:
        return OURS[name](**value.get_params())
    if type(value).__module__.startswith("imblearn") and name in OTHERS:
        return None
    return value


def _expand(func):
    """(id, params) of each parametrization of ``func`` (marks applied in order)."""
    grids = []
    for mark in getattr(func, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names, values = mark.args[:2]
        names = (
            [n.strip() for n in names.split(",")] if isinstance(names, str) else names
        )
        ids = mark.kwargs.get("ids")
        grid = []
        for i, value in enumerate(values):
            if isinstance(value, ParameterSet):
                value = value.values
            elif len(names) == 1:
                value = (value,)
            if isinstance(ids, list | tuple):
                label = ids[i]
            elif all(isinstance(v, str | int | float) for v in value):
                label = "-".join(map(str, value))
            else:
                label = str(i)
            grid.append((label, dict(zip(names, value, strict=True))))
        grids.append(grid)
    for combo in itertools.product(*grids):
        params = {}
        for _, part in combo:
            params.update(part)
        yield "-".join(label for label, _ in combo), params


def _cases():
    for module_name, module in MODULES.items():
        for func_name, func in vars(module).items():
            if not func_name.startswith("test_") or not callable(func):
                continue
            names = set(func.__code__.co_names)
            if names & OTHERS and not names & set(OURS):
                continue
            for label, params in _expand(func):
                params = {key: _ours(value) for key, value in params.items()}
                if any(value is None for value in params.values()):
                    continue
                fixtures = tuple(
                    p for p in inspect.signature(func).parameters if p not in params
                )
                key = f"{module_name}::{func_name}"
                case = Case(f"{key}[{label}]" if label else key, func, params, fixtures)
                marks = ()
                if key in EXPECTED_FAILURES:
                    marks = pytest.mark.xfail(
                        raises=AssertionError,
                        strict=True,
                        reason=EXPECTED_FAILURES[key],
                    )
                yield pytest.param(case, id=case.id, marks=marks)


CASES = list(_cases())


def test_imblearn_suite_collects_every_module():
    """Check that each of imbalanced-learn's test modules gave cases, and that
    every expected failure names a collected test (no stale entries)."""
    modules = {param.values[0].id.split("::")[0] for param in CASES}
    assert modules == set(SUITES)
    keys = {param.values[0].id.split("[")[0] for param in CASES}
    assert set(EXPECTED_FAILURES) <= keys


@pytest.mark.parametrize("case", CASES)
def test_imblearn_suite_passes_on_our_samplers(case, request):
    """Check that imbalanced-learn's test passes with our sampler substituted."""
    kwargs = {name: request.getfixturevalue(name) for name in case.fixtures}
    case.func(**case.params, **kwargs)
