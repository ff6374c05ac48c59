"""Validate numpydoc docstrings of the public API.

The checks come from ``[numpydoc_validation]`` in ``setup.cfg``: ``all`` minus
the listed codes. Public functions and classes, and every public method that
skclassgap defines (on the class itself or on one of skclassgap's mixins it
inherits from), are validated; methods inherited from scikit-learn or
imbalanced-learn are theirs to document.
"""

import configparser
import importlib
import inspect
from pathlib import Path

import pytest
from numpydoc import validate as numpydoc_validate
from sklearn.base import BaseEstimator

import skclassgap
from skclassgap.utils._docstring import placeholders

_SETUP_CFG = Path(__file__).resolve().parents[1] / "setup.cfg"


def _ignored_checks():
    config = configparser.ConfigParser()
    config.read(_SETUP_CFG)
    codes = [c.strip() for c in config["numpydoc_validation"]["checks"].split(",")]
    assert codes[0] == "all"
    return set(codes[1:])


def _public_objects():
    for sub in skclassgap._SUBMODULES:
        module = importlib.import_module(f"skclassgap.{sub}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            qualname = f"skclassgap.{sub}.{name}"
            yield qualname, obj
            if inspect.isclass(obj):
                yield from _own_methods(qualname, obj)


def _own_methods(qualname, cls):
    """Public methods of ``cls`` that a skclassgap class (or mixin) defines."""
    seen = set()
    for owner in cls.__mro__:
        if not owner.__module__.startswith("skclassgap."):
            continue
        for attr, member in vars(owner).items():
            if attr.startswith("_") or attr in seen or isinstance(member, property):
                continue
            # available_if methods are descriptors: callable once looked up.
            method = getattr(cls, attr)
            if callable(member) or callable(method):
                seen.add(attr)
                yield f"{qualname}.{attr}", method


PUBLIC = sorted(dict(_public_objects()).items())


def test_public_api_is_not_empty():
    """Check that discovery finds the metrics at least (guards against a silent
    skip)."""
    names = [name for name, _ in PUBLIC]
    assert "skclassgap.metrics.class_gap" in names


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_docstring(name, obj):
    """Check that the docstring passes numpydoc validation."""
    ignored = _ignored_checks()
    is_method = name.count(".") >= 3
    if is_method:
        ignored |= {"EX01", "SA01"}  # methods follow scikit-learn: no examples
    if inspect.isclass(obj) and not issubclass(obj, BaseEstimator):
        ignored |= {"PR01", "PR02"}  # result containers document Attributes instead
    result = numpydoc_validate.validate(numpydoc_validate.get_doc_object(obj))
    errors = [f"{code}: {msg}" for code, msg in result["errors"] if code not in ignored]
    assert not errors, f"{name}:\n" + "\n".join(errors)


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_docstring_has_no_placeholder_left(name, obj):
    """Check that every shared block was filled in: no ``{name}`` placeholder is
    left in a public docstring (a decorator forgotten, or put outside another
    decorator that copied the docstring before it was filled)."""
    assert placeholders(obj.__doc__) == [], name
