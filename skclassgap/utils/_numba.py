"""One place for numba settings: fastmath flag sets and the on-disk cache policy.

Kernels in :mod:`skclassgap._kernels` are declared with :func:`kernel`, never
with a bare ``numba.njit``, so that every kernel is ``nogil``, states its
fastmath flags explicitly, and caches compiled code on disk when it can.

Fastmath flag sets
------------------
``STRICT``
    IEEE semantics, no reassociation. For kernels whose results are compared
    bit-for-bit (counts, weighted sums that must match NumPy's order).
``FINITE_SAFE``
    Allows reassociation, contraction and reciprocal approximations, but *not*
    ``nnan``/``ninf``: ``np.isnan`` and infinities keep working. The default for
    floating-point kernels that tolerate rounding differences.

A bare ``True`` for ``fastmath`` is never used: it includes ``nnan``, under which
``np.isnan`` may be folded to ``False``.

Cache policy
------------
Compiled kernels are cached next to their source (``__pycache__``) or, when the
package directory is read-only, in numba's user-wide cache directory. When no
cache location is writable, kernels are compiled without a cache, silently.
Set ``SKCLASSGAP_NUMBA_CACHE=0`` to disable the cache.
"""

import os

import numba

STRICT = False
FINITE_SAFE = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})


def _cache_wanted():
    return os.environ.get("SKCLASSGAP_NUMBA_CACHE", "1").lower() not in {
        "0",
        "false",
        "no",
    }


def kernel(*, fastmath, parallel=False, cache=True):
    """Return a decorator that compiles a kernel with the project's numba settings.

    Parameters
    ----------
    fastmath : bool or frozenset of str
        One of the flag sets of this module (``STRICT`` or ``FINITE_SAFE``).
    parallel : bool, default=False
        Compile with ``parallel=True`` (only where a benchmark shows it pays).
    cache : bool, default=True
        Cache the compiled code on disk when a writable location exists.
        Must be ``False`` for kernels that take functions as arguments.

    Returns
    -------
    decorator : callable
        Turns a Python function into a numba dispatcher.
    """
    if fastmath is True:
        raise ValueError(
            "a bare True for fastmath includes 'nnan' and breaks NaN handling; pass "
            "STRICT or FINITE_SAFE from skclassgap.utils._numba."
        )
    flags = set(fastmath) if fastmath else set()
    options = dict(nogil=True, fastmath=flags or False, parallel=parallel)

    def decorate(func):
        if cache and _cache_wanted():
            try:
                dispatcher = numba.njit(cache=True, **options)(func)
                dispatcher.__skclassgap_fastmath__ = flags
                return dispatcher
            except RuntimeError:
                # numba finds no writable cache location (read-only install and
                # no usable user cache directory): compile without a cache.
                pass
        dispatcher = numba.njit(cache=False, **options)(func)
        dispatcher.__skclassgap_fastmath__ = flags
        return dispatcher

    return decorate
