"""One place for numba settings: fastmath flag sets and the on-disk cache.

Kernels are declared with :func:`kernel`, never with a bare ``numba.njit``,
so that every kernel is ``nogil``, states its fastmath flags explicitly, and
caches compiled code in skclassgap's own cache directory when it can. This
module imports numba, NumPy-free standard library modules and ``platformdirs``
only: nothing from the rest of the package.

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
Compiled kernels are cached in a per-user cache directory keyed by
skclassgap's version (``platformdirs.user_cache_dir("skclassgap")/<version>/
numba``; ``SKCLASSGAP_CACHE_DIR`` overrides the base directory), never inside
the installed package: files left in ``site-packages`` outlive an uninstall and
can shadow a later (editable) install of the package. Inside it, each
installation (a hash of the package's directory) has its own folder, and
each entry is keyed by a hash of its source file, so editing a kernel
invalidates it. When
that directory is not writable, kernels compile without a cache and one
warning says so (every new process then pays the compilation). Set
``SKCLASSGAP_NUMBA_CACHE=0`` to disable the cache.
"""

import hashlib
import os
import tempfile
import warnings
from importlib import metadata

import numba

from skclassgap._compat import (
    CompileResultCacheImpl,
    FunctionCache,
    _CacheLocator,
    _SourceFileBackedLocatorMixin,
)

STRICT = False
FINITE_SAFE = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})

# Inputs with fewer rows take the NumPy paths of the layer above (same
# results as the kernels) and never call a numba kernel, so that a first call
# on small data never waits for a compilation or a cache load. One entry per
# family of kernels, each chosen by its own benchmark on 2 shared cores:
KERNEL_MIN_ROWS = {
    # Label encoding and counting (skclassgap.utils._labels,
    # skclassgap.metrics._counts). ``python -m benchmarks.bench_first_call
    # --threshold`` (10 classes, macro_f1_score per call): the NumPy path is
    # as fast as the kernels up to 10**4 rows, 0.2 ms slower at 3 * 10**4,
    # 0.9 ms at 10**5 and 12 ms at 3 * 10**5, while the first kernel call of a
    # process costs 0.4-0.6 s even with a warm disk cache (1.6 s compiling).
    # Below 10**5 rows a process can make hundreds of calls before the NumPy
    # path has cost one kernel start-up.
    "labels": 100_000,
    # Threshold and offset searches (skclassgap.threshold._search). ``python
    # -m benchmarks --only threshold_paths``: the warm kernels are about twice
    # as fast as the NumPy twins at every size (one binary curve 0.5 ms vs
    # 0.3 ms at 1,000 rows, 1.7 ms vs 0.7 ms at 10,000; one class sweep with
    # K = 5, 0.8 ms vs 0.3 ms at 1,000 rows, 19 ms vs 7 ms at 10,000, 186 ms
    # vs 76 ms at 100,000): below 10,000 rows a whole search costs the twins
    # tens of milliseconds more, far less than compiling the kernels (about
    # 7 s in a fresh process with an empty cache); above it the per-sweep
    # saving repays the one-off compilation.
    "threshold": 10_000,
}

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Installs of one version in several places (virtual environments, source
# checkouts) keep their own entries instead of overwriting each other's.
_INSTALL_KEY = hashlib.sha1(_PACKAGE_DIR.encode()).hexdigest()[:12]


class NumbaCacheWarning(UserWarning):
    """No writable cache directory: kernels are compiled in every new process."""


def _version():
    try:
        return metadata.version("skclassgap")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


def cache_enabled():
    """Whether ``SKCLASSGAP_NUMBA_CACHE`` allows the disk cache (default: yes)."""
    value = os.environ.get("SKCLASSGAP_NUMBA_CACHE", "1")
    return value.lower() not in {"0", "false", "no", "off"}


def cache_dir():
    """Directory of skclassgap's compiled kernels for this version and user."""
    base = os.environ.get("SKCLASSGAP_CACHE_DIR")
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir("skclassgap", appauthor=False)
    return os.path.join(base, _version(), "numba")


def _writable(path):
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


_STATE = {}  # "dir": the checked cache directory or None; "warned": bool


def _usable_cache_dir():
    """The cache directory if writable (checked once per process), else None."""
    if "dir" not in _STATE:
        path = cache_dir()
        _STATE["dir"] = path if _writable(path) else None
        if _STATE["dir"] is None and not _STATE.get("warned"):
            _STATE["warned"] = True
            warnings.warn(
                f"skclassgap cannot write its numba cache directory {path!r}; "
                "kernels will be compiled again in every new process (a few "
                "seconds on first use of large inputs). Set SKCLASSGAP_CACHE_DIR "
                "to a writable directory, or SKCLASSGAP_NUMBA_CACHE=0 to silence "
                "this warning.",
                NumbaCacheWarning,
                stacklevel=4,
            )
    return _STATE["dir"]


class _UserCacheLocator(_SourceFileBackedLocatorMixin, _CacheLocator):
    """numba cache locator: skclassgap's per-user, per-version directory."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        subpath = os.path.relpath(os.path.dirname(py_file), _PACKAGE_DIR)
        self._cache_path = os.path.join(
            _STATE["dir"], _INSTALL_KEY, subpath.replace(os.sep, ".")
        )

    def get_cache_path(self):
        return self._cache_path

    @classmethod
    def from_function(cls, py_func, py_file):
        if _STATE.get("dir") is None:
            return None
        return super().from_function(py_func, py_file)


class _UserCacheImpl(CompileResultCacheImpl):
    _locator_classes = [_UserCacheLocator]


class _UserFunctionCache(FunctionCache):
    _impl_class = _UserCacheImpl


def kernel(*, fastmath, parallel=False, cache=True):
    """Return a decorator that compiles a kernel with the project's numba settings.

    Parameters
    ----------
    fastmath : bool or frozenset of str
        One of the flag sets of this module (``STRICT`` or ``FINITE_SAFE``).
    parallel : bool, default=False
        Compile with ``parallel=True`` (only where a benchmark shows it pays).
    cache : bool, default=True
        Cache the compiled code in skclassgap's cache directory when it is
        writable. Must be ``False`` for kernels that take functions as
        arguments.

    Returns
    -------
    decorator : callable
        Turns a Python function into a numba dispatcher.
    """
    if fastmath is True:
        raise ValueError(
            "a bare True for fastmath includes 'nnan' and breaks NaN handling; pass "
            "STRICT or FINITE_SAFE from skclassgap._kernels._config."
        )
    flags = set(fastmath) if fastmath else set()
    options = dict(nogil=True, fastmath=flags or False, parallel=parallel)

    def decorate(func):
        dispatcher = numba.njit(cache=False, **options)(func)
        dispatcher.__skclassgap_fastmath__ = flags
        if cache and cache_enabled() and _usable_cache_dir() is not None:
            try:
                dispatcher._cache = _UserFunctionCache(func)
            except RuntimeError:
                pass  # no locator accepted the function's file: no cache
        return dispatcher

    return decorate
