"""Small inputs take the NumPy path: a first call compiles no numba kernel."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.datasets import make_classification

import skclassgap.over_sampling._neighbors._search as search_mod
from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

_FIRST_CALLS = """
    import importlib, json, pkgutil
    import numpy as np
    from numba.core.registry import CPUDispatcher
    from scipy import sparse
    from sklearn.datasets import make_classification
    import skclassgap._kernels
    from skclassgap.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

    X, y = make_classification(
        n_samples=1000, n_features=10, weights=[0.9], random_state=0
    )
    samplers = [
        SMOTE(random_state=0),
        BorderlineSMOTE(random_state=0),
        BorderlineSMOTE(kind="borderline-2", random_state=0),
        ADASYN(random_state=0),
    ]
    for sampler in samplers:
        sampler.fit_resample(X, y)
        sampler.fit_resample(sparse.csr_matrix(X), y)
    signatures = {}
    for info in pkgutil.iter_modules(skclassgap._kernels.__path__):
        module = importlib.import_module("skclassgap._kernels." + info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher):
                signatures[info.name + "." + name] = len(obj.signatures)
    print(json.dumps(signatures))
"""


@pytest.mark.slow
def test_samplers_small_input_compiles_no_kernel(tmp_path):
    """Check that SMOTE, BorderlineSMOTE (both kinds) and ADASYN on 1,000 x 10
    rows, dense and sparse, compile no numba kernel in a fresh process with an
    empty cache (every dispatcher of skclassgap._kernels keeps no signature)."""
    env = {**os.environ, "SKCLASSGAP_CACHE_DIR": str(tmp_path)}
    env.pop("NUMBA_DISABLE_JIT", None)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_FIRST_CALLS)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    signatures = json.loads(done.stdout.strip().splitlines()[-1])
    assert "exact._rank_dense" in signatures and len(signatures) > 20
    assert {name: n for name, n in signatures.items() if n} == {}


def test_samplers_small_and_kernel_paths_give_identical_output(monkeypatch):
    """Check that the NumPy path and the compiled path give the same rows and
    provenance for every sampler (same neighbours in the same order)."""
    X, y = make_classification(
        n_samples=400, n_features=6, weights=[0.8], class_sep=0.5, random_state=3
    )
    X = np.round(X, 1)  # decimal grid: many ties and near-ties
    results = {}
    for work in (10**15, 0):
        monkeypatch.setattr(search_mod, "_SMALL_WORK", work)
        for sampler in (
            SMOTE(random_state=0),
            BorderlineSMOTE(random_state=0),
            BorderlineSMOTE(kind="borderline-2", random_state=0),
            ADASYN(random_state=0),
        ):
            X_res, _ = sampler.fit_resample(X, y)
            key = (type(sampler).__name__, sampler.get_params().get("kind"))
            results.setdefault(key, []).append((X_res, sampler.neighbors_))
    for (small_X, small_nb), (kernel_X, kernel_nb) in results.values():
        np.testing.assert_array_equal(small_nb, kernel_nb)
        np.testing.assert_array_equal(small_X, kernel_X)
