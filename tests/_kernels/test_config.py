"""Tests of the shared numba settings and the kernel cache policy."""

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from skclassgap._kernels import _config
from skclassgap._kernels._config import FINITE_SAFE, STRICT, NumbaCacheWarning, kernel


def test_kernel_rejects_bare_fastmath_true():
    """Check that fastmath=True (which drops NaN handling) is refused with the fix."""
    with pytest.raises(ValueError, match="pass STRICT or FINITE_SAFE"):
        kernel(fastmath=True)


def test_finite_safe_keeps_nan_checks():
    """Check that a FINITE_SAFE kernel still sees NaN (no nnan/ninf flags)."""
    assert not {"nnan", "ninf", "fast"} & FINITE_SAFE

    @kernel(fastmath=FINITE_SAFE, cache=False)
    def count_nan(x):
        n = 0
        for v in x:
            if np.isnan(v):
                n += 1
        return n

    assert count_nan(np.array([1.0, np.nan, 2.0, np.nan])) == 2


def _run(code, env):
    """Run ``code`` in a fresh interpreter; return (stdout, stderr)."""
    full_env = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        check=True,
    )
    return done.stdout, done.stderr


_COMPILE = """
    import numpy as np
    from skclassgap._kernels.confusion import _pair_min_max
    print(_pair_min_max(np.arange(5), np.arange(3)))
    print(_pair_min_max.stats.cache_hits)
"""


@pytest.mark.slow
def test_kernel_cache_lives_in_user_directory_not_package(tmp_path):
    """Check that compiled kernels go to SKCLASSGAP_CACHE_DIR/<version>/numba.

    A second process loads them from there (a cache hit), and nothing is
    written next to the package's sources.
    """
    pycache = os.path.join(os.path.dirname(_config.__file__), "__pycache__")
    # Absent when Python writes no bytecode (PYTHONDONTWRITEBYTECODE).
    before = set(os.listdir(pycache)) if os.path.isdir(pycache) else set()
    env = {"SKCLASSGAP_CACHE_DIR": str(tmp_path), "SKCLASSGAP_NUMBA_CACHE": "1"}
    out1, _ = _run(_COMPILE, env)
    out2, _ = _run(_COMPILE, env)
    assert out1.splitlines()[0] == "(0, 4)"
    assert "Counter()" in out1.splitlines()[1] or "{}" in out1.splitlines()[1]
    assert "Counter()" not in out2.splitlines()[1]
    files = [
        name for _, _, names in os.walk(tmp_path) for name in names if ".nb" in name
    ]
    assert any(name.endswith(".nbi") for name in files)
    root = os.path.join(str(tmp_path), _config._version(), "numba")
    assert os.path.isdir(root)
    after = set(os.listdir(pycache)) if os.path.isdir(pycache) else set()
    assert not {name for name in after - before if ".nb" in name}


@pytest.mark.slow
def test_kernel_cache_unwritable_warns_once_and_compiles(tmp_path):
    """Check that an unwritable cache directory gives one warning, and kernels run."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    env = {"SKCLASSGAP_CACHE_DIR": str(blocker), "SKCLASSGAP_NUMBA_CACHE": "1"}
    code = """
        import warnings
        warnings.simplefilter("always")
        import numpy as np
        from skclassgap._kernels.confusion import _pair_min_max
        from skclassgap._kernels.decision import _min_risk_argmin
        print(_pair_min_max(np.arange(5), np.arange(3)))
    """
    out, err = _run(code, env)
    assert out.strip() == "(0, 4)"
    assert err.count("NumbaCacheWarning") == 1
    assert "cannot write its numba cache directory" in err


def test_kernel_cache_disabled_by_environment(monkeypatch):
    """Check that SKCLASSGAP_NUMBA_CACHE=0 turns the disk cache off, silently."""
    monkeypatch.setenv("SKCLASSGAP_NUMBA_CACHE", "0")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaCacheWarning)
        dispatcher = kernel(fastmath=STRICT)(lambda x: x + 1)
    assert type(dispatcher._cache).__name__ == "NullCache"
    assert dispatcher(41) == 42
