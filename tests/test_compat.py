"""Private names of other libraries come from ``skclassgap._compat`` only."""

import ast
import pathlib

import numpy as np
import pytest
from scipy import sparse

import skclassgap
from skclassgap import _compat
from skclassgap.over_sampling import SMOTE

PACKAGE = pathlib.Path(skclassgap.__file__).parent
LIBRARIES = ("sklearn", "imblearn", "numba")


def _private_imports(path):
    """(module, name) of every private import of another library in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] not in LIBRARIES:
                continue
            internal = (
                any(p.startswith("_") for p in parts)
                or node.module.startswith("numba.core")
                or node.module == "sklearn.utils.fixes"
            )
            found += [
                (node.module, a.name)
                for a in node.names
                if internal or a.name.startswith("_")
            ]
        elif isinstance(node, ast.Import):
            found += [
                (a.name, "")
                for a in node.names
                if a.name.split(".")[0] in LIBRARIES
                and any(p.startswith("_") for p in a.name.split("."))
            ]
    return found


def test_private_imports_only_in_compat():
    """Check that no module but ``_compat`` imports a private name of
    scikit-learn, imbalanced-learn or numba."""
    offenders = {
        str(p.relative_to(PACKAGE)): _private_imports(p)
        for p in PACKAGE.rglob("*.py")
        if p.name != "_compat.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("name", _compat.__all__)
def test_compat_names_resolve(name):
    """Check that every name the compatibility module lists exists in the
    installed versions of the libraries."""
    assert getattr(_compat, name) is not None


def test_compat_imports_nothing_of_the_package():
    """Check that the compatibility module sits below every layer: it imports
    nothing from skclassgap (the kernels import it)."""
    tree = ast.parse((PACKAGE / "_compat.py").read_text())
    modules = [
        n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    ]
    assert not [m for m in modules if m.startswith("skclassgap")]


def test_check_X_y_honours_accept_sparse():
    """Check that a sampler's input check passes ``accept_sparse`` on to
    imbalanced-learn's instead of ignoring it."""
    X = sparse.random(20, 3, density=0.5, format="csr", random_state=0)
    y = np.array([0] * 10 + [1] * 10)
    X_checked, _, _ = SMOTE()._check_X_y(X, y)
    assert sparse.issparse(X_checked)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        SMOTE()._check_X_y(X, y, accept_sparse=False)
