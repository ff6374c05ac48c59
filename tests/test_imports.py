"""The package's import graph, read from the source: no cycle, kernels apart,
and Dask imported only when Dask input arrives."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import skclassgap

PACKAGE = Path(skclassgap.__file__).resolve().parent


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name):
    """The module an imported name lands on: ``pkg.mod.name`` is ``pkg.mod.name``
    when that is a module of the package, else ``pkg.mod`` (a name in it)."""
    if name in MODULES:
        return name
    parent = name.rpartition(".")[0]
    return parent if parent in MODULES else None


def _imports(module, path):
    """Modules of the package imported anywhere in ``path`` (inside functions
    too), relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.add(target)
    return found


def _graph():
    return {module: _imports(module, path) for module, path in MODULES.items()}


def _strongly_connected(graph):
    """Tarjan's strongly connected components of ``graph`` (iterative)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def test_strongly_connected_finds_a_cycle():
    """Check that the cycle finder reports a cycle through a function-level
    import and leaves an acyclic chain alone (so that the test below can fail)."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert cycles == [{"a", "b", "c"}]
    assert not [c for c in _strongly_connected({"a": {"b"}, "b": set()}) if len(c) > 1]


def test_imports_resolve_functions_and_relative_names(tmp_path):
    """Check that imports inside functions count, and that ``from pkg import
    mod`` lands on the module while ``from pkg.mod import name`` lands on
    ``pkg.mod``."""
    path = tmp_path / "probe.py"
    path.write_text(
        "from skclassgap.utils import _dask\n"
        "def f():\n"
        "    from skclassgap.metrics._counts import class_counts\n"
        "    from . import _labels\n"
    )
    found = _imports("skclassgap.utils.probe", path)
    assert found == {
        "skclassgap.utils._dask",
        "skclassgap.metrics._counts",
        "skclassgap.utils._labels",
    }


def test_package_has_no_import_cycle():
    """Check that no module of the package imports, directly or through others
    (imports inside functions included), a module that imports it back."""
    cycles = [sorted(c) for c in _strongly_connected(_graph()) if len(c) > 1]
    assert cycles == []


def test_kernels_import_nothing_of_the_package():
    """Check that the numba kernels import nothing of skclassgap but the kernels
    layer itself and the compatibility module."""
    allowed = ("skclassgap._kernels", "skclassgap._compat")
    outside = {
        module: sorted(t for t in targets if not t.startswith(allowed))
        for module, targets in _graph().items()
        if module.startswith("skclassgap._kernels")
    }
    assert {m: t for m, t in outside.items() if t} == {}


@pytest.mark.parametrize(
    "subpackages", ["skclassgap.metrics, skclassgap.over_sampling, skclassgap.spectral"]
)
def test_import_does_not_import_dask(subpackages):
    """Check that importing the subpackages with Dask code paths does not import
    Dask: it is imported when Dask input arrives."""
    code = f"import {subpackages}, sys; assert 'dask' not in sys.modules, 'dask'"
    subprocess.run([sys.executable, "-c", code], check=True)
