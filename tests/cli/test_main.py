"""Tests of the command line's layout: the dispatcher and its wings."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import skclassgap.cli
from skclassgap.cli import main

CLI = Path(skclassgap.cli.__file__).parent


def _imports(path):
    """Every ``skclassgap`` module ``path`` imports, at any depth of the code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {n for n in names if n.split(".")[0] == "skclassgap"}


def _module(path):
    parts = path.relative_to(CLI.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): _imports(p) for p in sorted(CLI.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_cli_module_never_imports_the_dispatcher(module):
    """Check that no module imports ``_main`` but the package, which exposes its
    ``main`` (the dispatcher imports the wings, never the other way round), and
    that a wing imports nothing of the other wing: what they share lives in
    ``_io``, ``_html`` and ``_errors``."""
    imported = MODULES[module]
    if module != "skclassgap.cli":
        assert "skclassgap.cli._main" not in imported
    for wing, other in (("audit", "report"), ("report", "audit")):
        if module.startswith(f"skclassgap.cli.{wing}"):
            assert not any(n.startswith(f"skclassgap.cli.{other}") for n in imported)


def test_cli_has_no_import_cycle():
    """Check that the CLI's import graph (imports inside functions included) has
    no cycle."""
    graph = {m: {n for n in names if n in MODULES} for m, names in MODULES.items()}
    done, active = set(), []

    def visit(module):
        if module in active:
            cycle = active[active.index(module) :] + [module]
            pytest.fail(f"import cycle: {' -> '.join(cycle)}")
        if module in done:
            return
        active.append(module)
        for target in sorted(graph[module]):
            visit(target)
        active.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_help_imports_no_data_library():
    """Check that building the parser (what ``--help`` does) imports neither the
    data libraries nor the metrics and estimators: those load when a command
    runs."""
    code = (
        "import sys, skclassgap.cli._main as m; m.build_parser(); "
        "print(sorted({n.split('.')[0] for n in sys.modules} & "
        "{'numpy', 'pandas', 'sklearn', 'scipy', 'numba', 'dask'}), "
        "sorted(n for n in sys.modules if n.startswith('skclassgap.') "
        "and not n.startswith('skclassgap.cli')))"
    )
    env = {**os.environ, "PYTHONPATH": str(CLI.parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert done.stdout.strip() == "[] []"


def test_main_without_a_command_prints_help_and_exits_2(capsys):
    """Check that no command is a usage error: the help on stderr, exit code 2."""
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "audit" in captured.err and "report" in captured.err
