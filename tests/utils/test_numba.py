"""Tests of the shared numba settings."""

import numba
import numpy as np
import pytest

from skclassgap.utils import _numba
from skclassgap.utils._numba import FINITE_SAFE, STRICT, kernel


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


def test_kernel_falls_back_silently_without_cache_location(monkeypatch):
    """Check that a kernel compiles without cache when numba finds no cache location."""
    real_njit = numba.njit

    def njit_without_locator(*args, cache=False, **kwargs):
        if cache:
            raise RuntimeError("cannot cache function: no locator available for file")
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(_numba.numba, "njit", njit_without_locator)

    @kernel(fastmath=STRICT)
    def add_one(x):
        return x + 1

    assert add_one(41) == 42


def test_kernel_cache_disabled_by_environment(monkeypatch):
    """Check that SKCLASSGAP_NUMBA_CACHE=0 turns the disk cache off."""
    calls = []
    real_njit = numba.njit

    def spy(*args, cache=False, **kwargs):
        calls.append(cache)
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(_numba.numba, "njit", spy)
    monkeypatch.setenv("SKCLASSGAP_NUMBA_CACHE", "0")
    kernel(fastmath=STRICT)(lambda x: x)
    assert calls == [False]
