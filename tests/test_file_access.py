"""Which modules of the package touch files (as the design notes state)."""

import ast
from pathlib import Path

import skclassgap

PACKAGE = Path(skclassgap.__file__).parent

# Calls that open, read or write a file (pandas and dask readers and writers,
# NumPy's loaders, the builtin open, pathlib, json to a file, figure saving).
FILE_CALLS = {
    "open",
    "read_csv",
    "read_table",
    "read_parquet",
    "read_feather",
    "read_json",
    "read_excel",
    "to_csv",
    "to_parquet",
    "to_feather",
    "to_json",
    "load",
    "loadtxt",
    "genfromtxt",
    "save",
    "savez",
    "savetxt",
    "tofile",
    "fromfile",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "dump",
    "savefig",
    "TemporaryFile",
    "NamedTemporaryFile",
    "makedirs",
    "mkdir",
}
# The design notes: the command line reads tables and writes reports, the
# datasets read their embedded CSV, the kernels' settings keep numba's cache.
ALLOWED = ("cli/", "datasets/", "_kernels/_config.py")


def _file_calls(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else None
            name = func.id if isinstance(func, ast.Name) else name
            if name in FILE_CALLS:
                yield f"{name}() at line {node.lineno}"


def test_only_cli_datasets_and_kernel_cache_touch_files():
    """Check that calls reading or writing files occur only in the modules the
    design notes name: skclassgap.cli, skclassgap.datasets and the numba cache
    policy of skclassgap._kernels._config."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        calls = list(_file_calls(path))
        if calls:
            found[rel] = calls
    outside = {
        rel: calls for rel, calls in found.items() if not rel.startswith(ALLOWED)
    }
    assert outside == {}
    # The allowed places do touch files (the list is not stale).
    assert any(rel.startswith("cli/") for rel in found)
    assert any(rel.startswith("datasets/") for rel in found)
    assert "_kernels/_config.py" in found
