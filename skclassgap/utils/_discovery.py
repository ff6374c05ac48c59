"""Find every public estimator of the package through the subpackages' ``__all__``."""

import importlib
import inspect

from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

# Subpackages that hold no estimators, or import optional dependencies.
_SKIP = {"cli", "plotting", "utils"}


def _is_sampler(cls):
    return hasattr(cls, "fit_resample")


def all_estimators(type_filter=None):
    """Return sorted ``(name, class)`` pairs of the public estimators."""
    import skclassgap

    found = {}
    for sub in skclassgap._SUBMODULES:
        if sub in _SKIP:
            continue
        module = importlib.import_module(f"skclassgap.{sub}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
                if not inspect.isabstract(obj) and not name.startswith("_"):
                    found[name] = obj
    kinds = {
        None: lambda cls: True,
        "classifier": lambda cls: issubclass(cls, ClassifierMixin),
        "transformer": lambda cls: issubclass(cls, TransformerMixin),
        "sampler": _is_sampler,
    }
    if type_filter not in kinds:
        raise ValueError(
            f"type_filter must be one of {sorted(k for k in kinds if k)} or None; "
            f"got {type_filter!r}."
        )
    keep = kinds[type_filter]
    return sorted((n, c) for n, c in found.items() if keep(c))
