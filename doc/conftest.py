"""pytest settings for the pages' doctests (``pytest --doctest-glob='*.rst' doc/``).

The Dask page runs a local cluster: it needs the ``dask`` extra and is
skipped without it.
"""

import importlib.util

collect_ignore = []
if any(
    importlib.util.find_spec(name) is None
    for name in ("distributed", "dask", "pyarrow")
):
    collect_ignore.append("user_guide/dask.rst")
