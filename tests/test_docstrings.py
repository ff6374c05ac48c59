"""Validate numpydoc docstrings of the public API.

The checks come from ``[numpydoc_validation]`` in ``setup.cfg``: ``all`` minus
the listed codes. Public functions and classes, and the public methods that
skclassgap classes define themselves, are validated.
"""

import configparser
import importlib
import inspect
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import skclassgap  # noqa: E402

_SETUP_CFG = Path(__file__).resolve().parents[1] / "setup.cfg"
# Subpackages whose import needs an optional dependency are validated when present.
_OPTIONAL = {"plotting"}


def _ignored_checks():
    config = configparser.ConfigParser()
    config.read(_SETUP_CFG)
    codes = [c.strip() for c in config["numpydoc_validation"]["checks"].split(",")]
    assert codes[0] == "all"
    return set(codes[1:])


def _public_objects():
    for sub in skclassgap._SUBMODULES:
        try:
            module = importlib.import_module(f"skclassgap.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name == f"skclassgap.{sub}" or sub in _OPTIONAL:
                continue
            raise
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            qualname = f"skclassgap.{sub}.{name}"
            yield qualname, obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") or not callable(member):
                        continue
                    yield f"{qualname}.{attr}", getattr(obj, attr)


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
