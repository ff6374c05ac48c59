"""Run imbalanced-learn's own test modules against skclassgap's classes.

The test modules shipped in imbalanced-learn's wheel are loaded from the
installed package (not copied). Their module-level names of the classes we
implement are replaced by ours, and every parametrized instance of those
classes by ours with the same parameters. Each of their test functions (and
each parametrization) becomes one case; expected failures carry their reason
and are strict (a case that starts passing must leave the list).
"""

import importlib.util
import inspect
import itertools
from pathlib import Path
from typing import NamedTuple

import imblearn
import pytest
from _pytest.mark.structures import ParameterSet


class Case(NamedTuple):
    id: str
    module: str  # the key of its module in the suite's modules
    func: object
    params: dict
    fixtures: tuple


def load(name, relative, ours):
    """Import imbalanced-learn's test module ``relative`` with ``ours`` swapped in."""
    path = Path(imblearn.__file__).parent / relative
    spec = importlib.util.spec_from_file_location(f"imblearn_suite_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for cls_name, cls in ours.items():
        if hasattr(module, cls_name):
            setattr(module, cls_name, cls)
    return module


# What _swap returns for an instance of a class we leave out (None is a
# legitimate parameter value of imbalanced-learn's tests).
_LEFT_OUT = object()


def _swap(value, ours, others):
    """Our instance for an instance of imbalanced-learn's class, _LEFT_OUT for
    the classes we leave out."""
    name = type(value).__name__
    if type(value).__module__.startswith("imblearn") and name in ours:
        return ours[name](**value.get_params(deep=False))
    if type(value).__module__.startswith("imblearn") and name in others:
        return _LEFT_OUT
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


def cases(modules, ours, others, expected_failures, slow=()):
    """pytest params, one per test function and parametrization; the keys in
    ``slow`` ("module::test") are marked slow."""
    for module_name, module in modules.items():
        for func_name, func in vars(module).items():
            if not func_name.startswith("test_") or not callable(func):
                continue
            names = set(func.__code__.co_names)
            if names & others and not names & set(ours):
                continue
            for label, params in _expand(func):
                params = {key: _swap(v, ours, others) for key, v in params.items()}
                if any(value is _LEFT_OUT for value in params.values()):
                    continue
                fixtures = tuple(
                    name
                    for name, p in inspect.signature(func).parameters.items()
                    if name not in params and p.default is inspect.Parameter.empty
                )
                key = f"{module_name}::{func_name}"
                case_id = f"{key}[{label}]" if label else key
                case = Case(case_id, module_name, func, params, fixtures)
                marks = [pytest.mark.slow] if key in slow else []
                if key in expected_failures:
                    # A reason, or (reason, the exceptions the failure raises).
                    reason, raises = expected_failures[key], AssertionError
                    if isinstance(reason, tuple):
                        reason, raises = reason
                    marks.append(
                        pytest.mark.xfail(raises=raises, strict=True, reason=reason)
                    )
                yield pytest.param(case, id=case.id, marks=marks)


def run(case, request):
    """Run one case, its fixtures taken from pytest."""
    kwargs = {name: request.getfixturevalue(name) for name in case.fixtures}
    case.func(**case.params, **kwargs)
