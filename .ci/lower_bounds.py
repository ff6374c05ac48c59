"""Print ``name==version`` for the lower bounds pyproject.toml declares.

    python3 .ci/lower_bounds.py pyproject.toml scikit-learn imbalanced-learn

prints one pin per named dependency, from its ``>=`` bound in the
``dependencies = [...]`` list of ``[project]``, so that the oldest-versions
run of ``.ci/run`` installs exactly the versions the package claims to
support. A named dependency without exactly one ``>=`` bound there is an
error. (Plain text matching: tomllib needs Python 3.11, the package 3.10.)
"""

import re
import sys


def lower_bounds(pyproject, names):
    with open(pyproject, encoding="utf-8") as handle:
        text = handle.read()
    block = re.search(r"^\[project\]$.*?^dependencies = \[(.*?)^\]", text, re.M | re.S)
    if block is None:
        raise SystemExit(f"no [project] dependencies list in {pyproject}")
    pins = []
    for name in names:
        found = re.findall(rf'^\s*"{re.escape(name)}>=([\w.]+)",', block.group(1), re.M)
        if len(found) != 1:
            raise SystemExit(f"no single '{name}>=...' dependency in {pyproject}")
        pins.append(f"{name}=={found[0]}")
    return pins


if __name__ == "__main__":
    print("\n".join(lower_bounds(sys.argv[1], sys.argv[2:])))
